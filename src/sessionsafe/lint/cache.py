"""The per-file cache in `.sessionsafe_cache/`, so an unchanged project is checked instantly.

One record per file path, holding what earlier runs learned about the file:

- the scan: its stat stamp (modification time, size, inode), content hash,
  whether it passes the pre-filter and the modules it may import. A warm run
  trusts an unchanged stamp and does not read the file at all, as ruff and git
  do; a stamp too close to the time of the scan is not trusted (the file may
  have changed again within the clock's resolution), so the file is read and
  hashed again;
- its project summary, by content hash (the project pass skips unchanged files);
- its findings, under a key made of the content hash, the module name and the
  summaries of the project modules it imports. Editing a module's body
  re-analyses that module; changing what it exports (a session factory, a
  rollback helper) also re-analyses the modules importing it;
- for a file the pre-filter skips: whether it names something the project
  exports (a factory called `make_conn`), by content hash and exported names.

A run that walks a directory forgets the records of the paths below it that it no
longer finds (deleted, renamed or excluded files), so the cache stays the size of the
project.

Records are spread over `_SHARDS` pickle files by a hash of the path, each read
only when one of its paths is asked about: `sessionsafe check one_file.py`
(pre-commit) reads one small shard, not the whole project's cache. A shard is
written atomically (write, then rename) when it changed, in a directory per
(tool version, settings fingerprint) holding a `.gitignore` of `*`. Like
`__pycache__`, it lives in the project and is trusted as much as the project's
own files. Any problem reading or writing it disables that shard for the run
instead of failing the run.
"""

from __future__ import annotations

import os
import pickle
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sessionsafe import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from sessionsafe.lint._index import ModuleSummary
    from sessionsafe.lint.diagnostics import Diagnostic

CACHE_DIRECTORY = ".sessionsafe_cache"
#: Bumped whenever the records change shape, so older files are simply not read.
_FORMAT = 4
_SHARDS = 32
#: A file modified this close to (or after) the moment it was scanned may have changed again
#: without its stamp changing, so its scan is not trusted.
RACY_NANOSECONDS = 2_000_000_000

#: (modification time in ns, size, inode): what `os.stat` says about a file's content.
Stamp = tuple[int, int, int]


def stamp_of(status: os.stat_result) -> Stamp:
    return (status.st_mtime_ns, status.st_size, status.st_ino)


@dataclass(frozen=True, slots=True)
class ScanEntry:
    """What reading a file taught: enough to plan a run without reading it again."""

    stamp: Stamp
    #: When the scan read the file (ns since the epoch), to tell racy stamps.
    scanned_ns: int
    content_hash: str
    #: The module name the imports were read for (relative imports depend on it).
    module: str
    #: The text passes the pre-filter: the file is checked.
    candidate: bool
    #: The text may give the file a non-empty project summary.
    summarisable: bool
    #: Every module the text may import (`runner.imported_modules`).
    imports: tuple[str, ...]
    #: The file cannot be decoded (SES902): nothing else about it is known.
    error: Diagnostic | None = None

    def trusted_for(self, stamp: Stamp, module: str) -> bool:
        """Whether this scan still describes the file with this stamp under this name."""
        return (
            stamp == self.stamp
            and module == self.module
            and stamp[0] < self.scanned_ns - RACY_NANOSECONDS
        )


@dataclass(frozen=True, slots=True)
class SummaryEntry:
    content_hash: str
    module: str
    #: None when the file does not parse.
    summary: ModuleSummary | None


@dataclass(frozen=True, slots=True)
class ResultEntry:
    key: str
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class MentionEntry:
    """Whether a file the pre-filter skips names one of the project's exported names."""

    content_hash: str
    names_digest: str
    mentions: bool


@dataclass(slots=True)
class _Record:
    scan: ScanEntry | None = None
    summary: SummaryEntry | None = None
    result: ResultEntry | None = None
    mention: MentionEntry | None = None


class Cache:
    """Records of earlier runs, and the new ones to save."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._shards: dict[int, dict[str, _Record]] = {}
        self._dirty: set[int] = set()

    @classmethod
    def disabled(cls) -> Cache:
        """A cache that remembers nothing (`--no-cache`)."""
        return cls(None)

    @classmethod
    def open(cls, root: str, settings_fingerprint: str) -> Cache:
        """The cache of the project at `root` for these settings (empty if none yet)."""
        return cls(Path(root, CACHE_DIRECTORY, __version__, f"{settings_fingerprint}-{_FORMAT}"))

    @property
    def enabled(self) -> bool:
        return self._directory is not None

    def scan(self, path: str) -> ScanEntry | None:
        record = self._record(path)
        return None if record is None else record.scan

    def store_scan(self, path: str, entry: ScanEntry) -> None:
        self._update(path).scan = entry

    def summary(self, path: str, content_hash: str, module: str) -> SummaryEntry | None:
        record = self._record(path)
        entry = None if record is None else record.summary
        if entry is None or entry.content_hash != content_hash or entry.module != module:
            return None
        return entry

    def store_summary(self, path: str, entry: SummaryEntry) -> None:
        self._update(path).summary = entry

    def result(self, path: str, key: str) -> tuple[Diagnostic, ...] | None:
        record = self._record(path)
        entry = None if record is None else record.result
        if entry is None or entry.key != key:
            return None
        return entry.diagnostics

    def store_result(self, path: str, key: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        self._update(path).result = ResultEntry(key, diagnostics)

    def mention(self, path: str, content_hash: str, names_digest: str) -> bool | None:
        record = self._record(path)
        entry = None if record is None else record.mention
        if entry is None or (entry.content_hash, entry.names_digest) != (
            content_hash,
            names_digest,
        ):
            return None
        return entry.mentions

    def store_mention(self, path: str, entry: MentionEntry) -> None:
        self._update(path).mention = entry

    def forget(self, stale: Callable[[str], bool]) -> None:
        """Drop the records of every path `stale` says is gone (deleted, renamed or now
        excluded), so that the cache does not grow with a project's history."""
        if self._directory is None:
            return
        for number in range(_SHARDS):
            records = self._shard(self._directory, number)
            gone = [path for path in records if stale(path)]
            for path in gone:
                del records[path]
            if gone:
                self._dirty.add(number)

    def _record(self, path: str) -> _Record | None:
        if self._directory is None:
            return None
        return self._shard(self._directory, _shard_of(path)).get(path)

    def _update(self, path: str) -> _Record:
        """The record of `path`, marked as changed (a throwaway one when disabled)."""
        if self._directory is None:
            return _Record()
        shard = _shard_of(path)
        self._dirty.add(shard)
        return self._shard(self._directory, shard).setdefault(path, _Record())

    def _shard(self, directory: Path, number: int) -> dict[str, _Record]:
        records = self._shards.get(number)
        if records is None:
            records = self._shards[number] = _read_shard(directory / f"{number:02d}.pickle")
        return records

    def save(self) -> None:
        """Write the shards that changed; a failure leaves the old files in place."""
        if self._directory is None or not self._dirty:
            return
        try:
            _ensure_directory(self._directory.parent.parent)
            self._directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        for number in sorted(self._dirty):
            _write_atomically(self._directory / f"{number:02d}.pickle", self._shards[number])
        self._dirty.clear()


def _read_shard(file: Path) -> dict[str, _Record]:
    try:
        with open(file, "rb") as handle:
            records = pickle.load(handle)
    except Exception:  # a missing, truncated, foreign or outdated file: start afresh
        return {}
    return records if isinstance(records, dict) else {}


def _shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % _SHARDS


def _write_atomically(file: Path, records: dict[str, _Record]) -> None:
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(records, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, file)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return


def _ensure_directory(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by sessionsafe; the cache is never committed.\n*\n")
