"""Which files `sessionsafe check PATH...` looks at.

Under each directory: every `*.py` file, except inside version-control and
tool directories, virtualenvs (any directory holding a `pyvenv.cfg`),
build output, what `.gitignore` files ignore, and what the `exclude`
setting names. A file named on the command line is always checked, whatever
its name. Symbolic links to directories are not followed, so a link loop
cannot make the walk endless; links to files are checked.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from sessionsafe.lint._gitignore import IgnoreFile, ancestor_ignore_files, is_ignored
from sessionsafe.lint._globs import glob_matches
from sessionsafe.lint.config import Settings, relative_to_root

#: Directory names never entered (what ruff excludes by default, plus our cache).
SKIPPED_DIRECTORIES = frozenset(
    {
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".hg",
        ".mypy_cache",
        ".nox",
        ".pytest_cache",
        ".ruff_cache",
        ".sessionsafe_cache",
        ".svn",
        ".tox",
        ".venv",
        "__pycache__",
        "__pypackages__",
        "_build",
        "build",
        "dist",
        "env",
        "node_modules",
        "site-packages",
        "venv",
    }
)


@dataclass(slots=True)
class Discovery:
    """The files to check, in a stable order, and the directories that could not be read."""

    files: list[str] = field(default_factory=list)
    #: (directory, reason) for each directory the walk could not list.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: The directories named on the command line, as walked: every file to check below
    #: them is in `files`.
    walked: list[str] = field(default_factory=list)

    def covers(self, path: str) -> bool:
        """Whether `path` lies below a walked directory, so that it would be in `files` if
        it existed and were to be checked."""
        return any(_is_below(path, directory) for directory in self.walked)


def _is_below(path: str, directory: str) -> bool:
    if directory == os.curdir:
        return not os.path.isabs(path) and path.split(os.sep, 1)[0] != os.pardir
    return path.startswith(directory.rstrip(os.sep) + os.sep)


class MissingPathError(Exception):
    """A path named on the command line does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.path = path


def discover(paths: Sequence[str], settings: Settings) -> Discovery:
    """Find the files to check under `paths`; raise `MissingPathError` for a path that is absent."""
    for path in paths:
        if not os.path.lexists(path):
            raise MissingPathError(path)
    found = Discovery()
    seen: set[str] = set()
    for path in paths:
        display = os.path.normpath(path)
        if os.path.isdir(path):
            absolute = os.path.abspath(path)
            found.walked.append(display)
            _walk(display, absolute, ancestor_ignore_files(absolute), settings, found, seen)
        elif display not in seen:
            seen.add(display)
            found.files.append(display)
    return found


def _walk(
    display: str,
    absolute: str,
    ignores: tuple[IgnoreFile, ...],
    settings: Settings,
    found: Discovery,
    seen: set[str],
) -> None:
    try:
        with os.scandir(absolute) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        found.unreadable.append((display, error.strerror or str(error)))
        return
    names = {entry.name for entry in entries}
    if "pyvenv.cfg" in names:
        return
    if ".gitignore" in names:
        own = IgnoreFile.load(os.path.join(absolute, ".gitignore"))
        if own is not None:
            ignores = (*ignores, own)
    subdirectories: list[os.DirEntry[str]] = []
    for entry in entries:
        child = os.path.join(absolute, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIPPED_DIRECTORIES or _skipped(child, True, ignores, settings):
                continue
            subdirectories.append(entry)
        elif entry.name.endswith(".py") and _is_file(entry):
            if _skipped(child, False, ignores, settings):
                continue
            child_display = _join(display, entry.name)
            if child_display not in seen:
                seen.add(child_display)
                found.files.append(child_display)
    for entry in subdirectories:
        _walk(
            _join(display, entry.name),
            os.path.join(absolute, entry.name),
            ignores,
            settings,
            found,
            seen,
        )


def _join(directory: str, name: str) -> str:
    """`name` inside `directory`, without a leading `./` for the current directory."""
    return name if directory == os.curdir else os.path.join(directory, name)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a dangling link or a link loop
        return False


def _skipped(path: str, is_dir: bool, ignores: tuple[IgnoreFile, ...], settings: Settings) -> bool:
    if ignores and is_ignored(ignores, path, is_dir):
        return True
    if settings.exclude:
        relative = relative_to_root(path, settings.root)
        return any(glob_matches(glob, relative) for glob in settings.exclude)
    return False
