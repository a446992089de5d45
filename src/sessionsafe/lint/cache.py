"""The per-file cache in `.sessionsafe_cache/`, so an unchanged project is checked instantly.

One file per (tool version, settings fingerprint) holds three tables, all
keyed by path:

- imports: content hash -> the modules the file may import (read from its text);
- summaries: content hash -> the module's project summary (the project pass
  skips unchanged files);
- results: a key made of the content hash, the module name and the summaries
  of the project modules the file imports -> its findings. Editing a module's
  body re-analyses that module; changing what it exports (a session factory,
  a rollback helper) also re-analyses the modules importing it.

The file is a pickle written atomically (write, then rename), in a directory
holding a `.gitignore` of `*`. Like `__pycache__`, it lives in the project and
is trusted as much as the project's own files. Any problem reading or
writing it disables the cache for the run instead of failing the run.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from sessionsafe import __version__
from sessionsafe.lint.analysis.project import ModuleSummary
from sessionsafe.lint.diagnostics import Diagnostic

CACHE_DIRECTORY = ".sessionsafe_cache"
#: Bumped whenever the tables change shape, so an older file is simply not read.
_FORMAT = 2


@dataclass(frozen=True, slots=True)
class SummaryEntry:
    content_hash: str
    module: str
    #: None when the file does not parse.
    summary: ModuleSummary | None


@dataclass(frozen=True, slots=True)
class ImportsEntry:
    content_hash: str
    module: str
    imports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResultEntry:
    key: str
    diagnostics: tuple[Diagnostic, ...]


@dataclass(slots=True)
class _Tables:
    imports: dict[str, ImportsEntry] = field(default_factory=dict)
    summaries: dict[str, SummaryEntry] = field(default_factory=dict)
    results: dict[str, ResultEntry] = field(default_factory=dict)


class Cache:
    """Summaries and results of earlier runs, and the new ones to save."""

    def __init__(self, file: Path | None, tables: _Tables) -> None:
        self._file = file
        self._tables = tables
        self._dirty = False

    @classmethod
    def disabled(cls) -> Cache:
        """A cache that remembers nothing (`--no-cache`)."""
        return cls(None, _Tables())

    @classmethod
    def open(cls, root: str, settings_fingerprint: str) -> Cache:
        """The cache of the project at `root` for these settings (empty if none yet)."""
        file = Path(root, CACHE_DIRECTORY, __version__, f"{settings_fingerprint}-{_FORMAT}.pickle")
        try:
            with open(file, "rb") as handle:
                tables = pickle.load(handle)
        except Exception:  # a missing, truncated, foreign or outdated file: start afresh
            tables = _Tables()
        if not isinstance(tables, _Tables):
            tables = _Tables()
        return cls(file, tables)

    def imports(self, path: str, content_hash: str, module: str) -> tuple[str, ...] | None:
        entry = self._tables.imports.get(path)
        if entry is None or entry.content_hash != content_hash or entry.module != module:
            return None
        return entry.imports

    def store_imports(self, path: str, entry: ImportsEntry) -> None:
        if self._file is not None:
            self._tables.imports[path] = entry
            self._dirty = True

    def summary(self, path: str, content_hash: str, module: str) -> SummaryEntry | None:
        entry = self._tables.summaries.get(path)
        if entry is None or entry.content_hash != content_hash or entry.module != module:
            return None
        return entry

    def store_summary(self, path: str, entry: SummaryEntry) -> None:
        if self._file is not None:
            self._tables.summaries[path] = entry
            self._dirty = True

    def result(self, path: str, key: str) -> tuple[Diagnostic, ...] | None:
        entry = self._tables.results.get(path)
        if entry is None or entry.key != key:
            return None
        return entry.diagnostics

    def store_result(self, path: str, key: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        if self._file is not None:
            self._tables.results[path] = ResultEntry(key, diagnostics)
            self._dirty = True

    def save(self) -> None:
        """Write the tables if anything changed; a failure leaves the old cache in place."""
        if self._file is None or not self._dirty:
            return
        import tempfile

        try:
            _ensure_directory(self._file.parent.parent)
            self._file.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._file.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(self._tables, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
        self._dirty = False


def _ensure_directory(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by sessionsafe; the cache is never committed.\n*\n")
