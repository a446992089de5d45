"""Many files: discovery, pre-filter, project summaries, parallel checking and the cache.

`check_paths` is what `sessionsafe check` runs, in three passes over the files:

1. scan: discover the files (`_discovery`) and `stat` them. A file whose stamp
   (modification time, size, inode) the cache knows is not read at all; the
   others are read, hashed and classified: does the text pass the pre-filter
   (`_prefilter`), may it give a project summary, which modules may it import.
   A file that cannot be read or decoded gets its SES90x finding;
2. project pass: the modules the candidates import, and those they import in
   turn, are summarised (`summarize_module`) into the `ProjectIndex`. A module
   nobody imports is never looked up, so it is not summarised;
3. check: every candidate, plus any file naming something the index exports,
   is analysed with `check_source` against the index, unless the cache holds
   its findings for the same content and the same imported summaries.

Then `per-file-ignores` apply and the findings are sorted. Each pass sends its
work to worker processes when there is enough to pay for starting them (the
pool, forked once, serves all three); small inputs (pre-commit's usual few
files) run in-process. Workers read the files themselves, so the main process
never holds the project's text, only small per-file facts.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import hashlib
import itertools
import os
import pickle
import re
import stat
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from sessionsafe.lint import _file_errors
from sessionsafe.lint._discovery import discover
from sessionsafe.lint._index import ModuleSummary, ProjectIndex
from sessionsafe.lint._prefilter import (
    BASE_MARKERS,
    covered_by_markers,
    markers_for,
    may_contain_session_code,
    mentions_any_name,
)
from sessionsafe.lint._regions import reduce_source, without_class_bodies
from sessionsafe.lint.cache import Cache, MentionEntry, ScanEntry, SummaryEntry, stamp_of
from sessionsafe.lint.config import Settings, relative_to_root
from sessionsafe.lint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from concurrent.futures import Executor

#: Below this many bytes of source to read or analyse, worker processes cost more than they save.
PARALLEL_THRESHOLD_BYTES = 512 * 1024
#: Pieces of work per worker, so that a slow piece does not leave the others idle.
_CHUNKS_PER_JOB = 4
_MIN_CHUNK_BYTES = 64 * 1024

#: Called with (pass name, files done, files in that pass).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Report:
    """What a run found, and what it did to find it."""

    diagnostics: tuple[Diagnostic, ...]
    #: Files discovered (the "N files checked" of the summary line).
    files_checked: int
    #: Files analysed in this run, as opposed to skipped by the pre-filter or taken from the cache.
    analysed: tuple[str, ...]
    #: Files whose results came from the cache.
    cached: int
    #: Files the pre-filter skipped without parsing.
    skipped: int
    #: Parses done in this run: one per analysed file and one per summarised file.
    parses: int = 0
    #: Files read in this run (the others were known to the cache by their stamp).
    read: int = 0
    #: Wall seconds of each pass that ran ("reading", "summarising", "checking"), in order.
    timings: tuple[tuple[str, float], ...] = ()

    @property
    def files_with_findings(self) -> int:
        return len({diagnostic.path for diagnostic in self.diagnostics})


@dataclass(frozen=True, slots=True)
class _File:
    """A discovered file and what its scan found."""

    path: str
    #: Dotted names this file is importable as; the first is the one it is analysed under.
    modules: tuple[str, ...]
    #: The file is a package's `__init__.py` (relative imports start from the package itself).
    is_package: bool
    scan: ScanEntry

    @property
    def content_hash(self) -> str:
        return self.scan.content_hash

    @property
    def candidate(self) -> bool:
        return self.scan.candidate

    @property
    def summarisable(self) -> bool:
        return self.scan.summarisable

    @property
    def imports(self) -> tuple[str, ...]:
        return self.scan.imports


@dataclass(frozen=True, slots=True)
class _Job:
    """One file for a worker: it reads the file itself, so only these few facts travel."""

    path: str
    size: int
    #: The module name handed to the analysis (`_qualified`).
    module: str


def check_paths(
    paths: Sequence[str],
    settings: Settings,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: ProgressCallback | None = None,
) -> Report:
    """Check every file under `paths`; raises `MissingPathError` for a path that does not exist."""
    discovery = discover(paths, settings)
    found: list[Diagnostic] = [
        _file_errors.unreadable(directory, reason) for directory, reason in discovery.unreadable
    ]
    cache = Cache.open(settings.root, settings.fingerprint()) if use_cache else Cache.disabled()
    with _Workers(jobs or os.cpu_count() or 1, progress) as workers:
        files, read = _scan(discovery.files, settings, cache, workers, found)
        checked = _Analysis(files, settings, cache, workers).run()
    if discovery.walked:
        checked_now = set(discovery.files)
        cache.forget(lambda path: path not in checked_now and discovery.covers(path))
    cache.save()
    found.extend(checked.diagnostics)
    kept = [d for d in found if _reported(d, settings)]
    return Report(
        diagnostics=tuple(sorted(kept, key=lambda d: d.sort_key)),
        files_checked=len(discovery.files),
        analysed=checked.analysed,
        cached=checked.cached,
        skipped=len(files) - len(checked.analysed) - checked.cached,
        parses=checked.parses,
        read=read,
        timings=tuple(workers.timings.items()),
    )


def _reported(diagnostic: Diagnostic, settings: Settings) -> bool:
    code = diagnostic.code
    if code in _file_errors.SUMMARIES and code not in settings.file_errors:
        return False
    return code not in settings.ignored_in(diagnostic.path)


# --- pass 1: scan -----------------------------------------------------------------------------


#: Beyond the pre-filter's markers, what a module needs to offer anything to others: a helper
#: that closes the session it is given, or a function that always raises (a re-raise helper).
SUMMARY_MARKERS = (*BASE_MARKERS, "close", "raise")


def _scan(
    paths: list[str], settings: Settings, cache: Cache, workers: _Workers, found: list[Diagnostic]
) -> tuple[list[_File], int]:
    """Every readable file with its scan, in discovery order, and how many were read.

    Files the cache knows by their stamp are not read; the others are read in the workers.
    A file that cannot be read or decoded adds its finding to `found`.
    """
    package_dirs: dict[str, object] = {}
    named: dict[str, tuple[tuple[str, ...], bool]] = {}
    known: dict[str, ScanEntry] = {}
    jobs: list[_Job] = []
    for path in paths:
        try:
            status = os.stat(path)
        except OSError as error:
            found.append(_file_errors.unreadable(path, error.strerror or str(error)))
            continue
        modules = module_names(path, settings.root, package_dirs)
        is_package = os.path.basename(path) == "__init__.py"
        named[path] = (modules, is_package)
        module = _qualified(modules, is_package)
        entry = cache.scan(path)
        if entry is not None and entry.trusted_for(stamp_of(status), module):
            known[path] = entry
        else:
            jobs.append(_Job(path, status.st_size, module))
    # A candidate is summarisable, so a file is tested for these only when it is not one.
    summary_only_markers = (*SUMMARY_MARKERS, *markers_for(settings))[len(BASE_MARKERS) :]
    for path, outcome in workers.run(_scan_chunk, jobs, (summary_only_markers,), "reading"):
        if isinstance(outcome, Diagnostic):
            found.append(outcome)
            continue
        cache.store_scan(path, outcome)
        known[path] = outcome
    files = []
    for path in paths:
        entry = known.get(path)
        if entry is None:
            continue
        if entry.error is not None:
            found.append(entry.error)
            continue
        modules, is_package = named[path]
        files.append(_File(path, modules, is_package, entry))
    return files, len(jobs)


def _scan_chunk(
    jobs: list[_Job], summary_only_markers: tuple[str, ...]
) -> list[tuple[str, ScanEntry | Diagnostic]]:
    return [(job.path, _scan_file(job, summary_only_markers)) for job in jobs]


def _scan_file(job: _Job, summary_only_markers: tuple[str, ...]) -> ScanEntry | Diagnostic:
    """Read, hash and classify one file."""
    scanned_ns = time.time_ns()
    read = _read(job.path)
    if isinstance(read, Diagnostic):
        return read
    data, status = read
    content_hash = _content_hash(data)
    text = _file_errors.decode_source(data, job.path)
    if isinstance(text, Diagnostic):
        return ScanEntry(
            stamp_of(status), scanned_ns, content_hash, job.module, False, False, (), text
        )
    candidate = may_contain_session_code(text, BASE_MARKERS)
    is_package = job.module.endswith(".__init__")
    summarisable = candidate or is_package or may_contain_session_code(text, summary_only_markers)
    imports = imported_modules(text, job.module)
    return ScanEntry(
        stamp_of(status), scanned_ns, content_hash, job.module, candidate, summarisable, imports
    )


def _read(path: str) -> tuple[bytes, os.stat_result] | Diagnostic:
    """The bytes of a regular file and its status; a FIFO or device named on the command
    line is not read, as reading it could block or never end."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return _file_errors.unreadable(path, error.strerror or str(error))
    with open(descriptor, "rb", closefd=True) as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return _file_errors.unreadable(path, "not a regular file")
        try:
            return handle.read(), status
        except OSError as error:
            return _file_errors.unreadable(path, error.strerror or str(error))


def _read_text(path: str) -> tuple[str, str] | Diagnostic:
    """(text, content hash) of a file a worker analyses, or the finding saying why it cannot."""
    read = _read(path)
    if isinstance(read, Diagnostic):
        return read
    text = _file_errors.decode_source(read[0], path)
    return text if isinstance(text, Diagnostic) else (text, _content_hash(read[0]))


def _content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _qualified(modules: tuple[str, ...], is_package: bool) -> str:
    """The module name handed to the analysis: `app.__init__` for a package's `__init__.py`."""
    return f"{modules[0]}.__init__" if is_package else modules[0]


# --- pass 2: project summaries ----------------------------------------------------------------


class _Matcher:
    """Which files an imported name may resolve to in the index.

    Matching is by the last component of a module name (`app.db` and
    `src.app.db` both end in `db`), which covers every way the index resolves
    an import, suffix matching included: it can only match too many. A name
    `pkg.*` (from a plain `import pkg`) matches every module below `pkg`.
    """

    def __init__(self, files: list[_File]) -> None:
        self._by_last: dict[str, list[_File]] = {}
        #: Package path -> the files below it, the package being any run of a module name's
        #: components (`app.db.x` and `src.app.db.x` are both below `app` and `app.db`).
        self._by_package: dict[str, dict[str, _File]] = {}
        for file in files:
            for name in file.modules:
                self._by_last.setdefault(name.rpartition(".")[2], []).append(file)
                for package in _packages_of(name):
                    self._by_package.setdefault(package, {})[file.path] = file

    def key(self, name: str) -> str:
        """Names with the same key match the same files."""
        return name if name.endswith(_BELOW) else name.rpartition(".")[2]

    def match(self, key: str) -> Iterable[_File]:
        if key.endswith(_BELOW):
            return self._by_package.get(key.removesuffix(_BELOW), {}).values()
        return self._by_last.get(key, ())


def _packages_of(name: str) -> Iterator[str]:
    """Every run of consecutive components of `name` that has a component after it."""
    parts = name.split(".")
    for start in range(len(parts) - 1):
        for end in range(start + 1, len(parts)):
            yield ".".join(parts[start:end])


def _imported_by(candidates: list[_File], matcher: _Matcher) -> list[_File]:
    """The files the candidates import, directly or through the files they import."""
    needed: dict[str, _File] = {}
    pending = [name for file in candidates for name in file.imports]
    seen: set[str] = set()
    while pending:
        key = matcher.key(pending.pop())
        if key in seen:
            continue
        seen.add(key)
        for file in matcher.match(key):
            if file.path not in needed:
                needed[file.path] = file
                pending.extend(file.imports)
    return list(needed.values())


def _build_index(files: Iterable[_File], entries: dict[str, SummaryEntry]) -> ProjectIndex:
    modules: dict[str, ModuleSummary] = {}
    for file in files:
        entry = entries.get(file.path)
        if entry is None or entry.summary is None:
            continue
        for name in file.modules:
            modules.setdefault(name, entry.summary)
    return ProjectIndex(modules=modules)


def _summarise_chunk(jobs: list[_Job], settings: Settings) -> list[tuple[str, SummaryEntry]]:
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not ours to report
        for job in _paced(jobs):
            read = _read_text(job.path)
            if isinstance(read, Diagnostic):
                continue  # the check of the same file reports it
            text, content_hash = read
            tree = _parse_for_summary(text, job.path)
            summary = (
                None if isinstance(tree, Diagnostic) else _summarize(tree, job.module, settings)
            )
            results.append((job.path, SummaryEntry(content_hash, job.module, summary)))
    return results


#: While files are parsed and analysed, the cyclic garbage collector runs only every this
#: many files (see `_paced`).
_FILES_PER_COLLECTION = 64


def _paced(jobs: list[_Job]) -> Iterator[_Job]:
    """`jobs`, one by one, with the automatic cyclic garbage collector paused meanwhile.

    `ast.parse` allocates millions of objects, and every few hundred allocations trigger a
    collection that also traverses the trees and summaries still alive: 20% of the CPU of a
    cold run on the workload. Trees, models and summaries hold no reference cycles (a test
    of the engine checks it), so reference counting frees each file's work, and a
    collection of anything else the last files left runs every `_FILES_PER_COLLECTION`
    files (with the collector paused, all allocated since is in the youngest generation).
    The collector's state is restored when the loop ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for number, job in enumerate(jobs, 1):
            yield job
            if number % _FILES_PER_COLLECTION == 0:
                gc.collect(0)
    finally:
        if was_enabled:
            gc.enable()


def _summarize(tree: ast.Module, module: str, settings: Settings) -> ModuleSummary:
    """The one place the project pass asks the analysis for a module's summary.

    `module` is qualified as `_qualified` makes it; the analysis reads the
    `.__init__` ending as "this is a package".
    """
    from sessionsafe.lint.analysis.project import summarize_module

    try:
        return summarize_module(tree, module, settings)
    except Exception:  # the check of the same file reports the failure as SES900
        return ModuleSummary(module.removesuffix(".__init__"))


def _parse_for_summary(text: str, path: str) -> ast.Module | Diagnostic:
    """The tree the project pass needs: class bodies are blanked out before parsing (a
    quarter to a third of the parse), unless that text does not parse (then the full one)."""
    return _parse_reduced(without_class_bodies(text), text, path)


def _parse(text: str, path: str) -> ast.Module | Diagnostic:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as error:
        return _file_errors.syntax_error(error, path)
    except (RecursionError, MemoryError):
        return _file_errors.too_deeply_nested(path)
    except ValueError as error:
        return _file_errors.internal_error(path, error)


# --- pass 3: check ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Checked:
    diagnostics: list[Diagnostic]
    analysed: tuple[str, ...]
    cached: int
    parses: int


class _Analysis:
    """The project pass, then the check of every file that needs it, against the index."""

    def __init__(
        self, files: list[_File], settings: Settings, cache: Cache, workers: _Workers
    ) -> None:
        self._files = files
        self._settings = settings
        self._cache = cache
        self._workers = workers
        self._parses = 0

    def run(self) -> _Checked:
        candidates = [file for file in self._files if file.candidate]
        index = self._summarise(candidates)
        to_check = candidates + self._naming_exports(index)
        resolver = _ModuleResolver(index)
        found: list[Diagnostic] = []
        keys: dict[str, str] = {}
        jobs: list[_Job] = []
        for file in to_check:
            key = _result_key(file, file.imports, resolver)
            hit = self._cache.result(file.path, key)
            if hit is None:
                keys[file.path] = key
                jobs.append(_job(file))
            else:
                found.extend(hit)
        analysed: list[str] = []
        extra = (self._settings, _SentOnce(index))
        for path, diagnostics in self._workers.run(_check_chunk, jobs, extra, "checking"):
            self._cache.store_result(path, keys[path], diagnostics)
            found.extend(diagnostics)
            analysed.append(path)
        self._parses += len(jobs)
        cached = len(to_check) - len(jobs)
        return _Checked(found, tuple(analysed), cached, self._parses)

    def _summarise(self, candidates: list[_File]) -> ProjectIndex:
        needed = _imported_by(candidates, _Matcher([f for f in self._files if f.summarisable]))
        entries: dict[str, SummaryEntry] = {}
        jobs: list[_Job] = []
        for file in needed:
            entry = self._cache.summary(file.path, file.content_hash, _qualified_of(file))
            if entry is None:
                jobs.append(_job(file))
            else:
                entries[file.path] = entry
        for path, entry in self._workers.run(
            _summarise_chunk, jobs, (self._settings,), "summarising"
        ):
            entries[path] = entry
            self._cache.store_summary(path, entry)
        self._parses += len(jobs)
        return _build_index(needed, entries)

    def _naming_exports(self, index: ProjectIndex) -> list[_File]:
        """The non-candidates that import a session factory, session or provider the index
        exports and name it (`from app.models import db`). Their scanned imports tell which
        may; only those are read, to look for the name, and the cache remembers the answer
        for this content and these exports."""
        exports = _exports(index)
        if not exports:
            return []
        names = tuple(sorted({qualified.rpartition(".")[2] for qualified in exports}))
        exports_digest = _digest("\n".join(sorted(exports)))
        naming: list[_File] = []
        unknown: dict[str, _File] = {}
        for file in self._files:
            if file.candidate or not _imports_any(file.imports, exports, index):
                continue
            mentions = self._cache.mention(file.path, file.content_hash, exports_digest)
            if mentions is None:
                unknown[file.path] = file
            elif mentions:
                naming.append(file)
        jobs = [_job(file) for file in unknown.values()]
        for path, content_hash, mentions in self._workers.run(
            _mention_chunk, jobs, (names,), "reading"
        ):
            file = unknown[path]
            mentions = mentions and content_hash == file.content_hash
            self._cache.store_mention(
                path, MentionEntry(file.content_hash, exports_digest, mentions)
            )
            if mentions:
                naming.append(file)
        return naming


def _exports(index: ProjectIndex) -> set[str]:
    """`module.name` of every factory, shared session and provider the index holds whose
    name the pre-filter's markers do not already cover."""
    found: set[str] = set()
    for module, summary in index.modules.items():
        for table in (getattr(summary, table) for table in _EXPORT_TABLES):
            found.update(f"{module}.{name}" for name in table if not covered_by_markers(name))
    return found


def _imports_any(imports: tuple[str, ...], exports: set[str], index: ProjectIndex) -> bool:
    """Whether the imported names (`app.models.db`, or `app.models.*` from `import
    app.models` or a star import) may bring one of `exports`, directly or re-exported."""
    names = {qualified.rpartition(".")[2] for qualified in exports}
    modules = {qualified.rpartition(".")[0] for qualified in exports}
    for imported in imports:
        if imported.endswith(_BELOW):
            if index.find_module(imported.removesuffix(_BELOW)) in modules:
                return True
        elif imported in exports or (
            imported.rpartition(".")[2] in names
            and any(index.lookup(imported, table) for table in _EXPORT_TABLES)
        ):
            return True
    return False


_EXPORT_TABLES = ("factories", "sessions", "providers")
_STAR_IMPORT = re.compile(r"\bimport[ \t]*\(?[ \t]*\*")


def _qualified_of(file: _File) -> str:
    return _qualified(file.modules, file.is_package)


def _job(file: _File) -> _Job:
    return _Job(file.path, file.scan.stamp[1], _qualified_of(file))


def _mention_chunk(jobs: list[_Job], names: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """(path, content hash, whether the file names one of `names` or imports `*`)."""
    results: list[tuple[str, str, bool]] = []
    for job in jobs:
        read = _read_text(job.path)
        if isinstance(read, Diagnostic):
            continue
        text, content_hash = read
        mentions = mentions_any_name(text, names) or _STAR_IMPORT.search(text) is not None
        results.append((job.path, content_hash, mentions))
    return results


def _check_chunk(
    jobs: list[_Job], settings: Settings, sent_index: _SentOnce[ProjectIndex]
) -> list[tuple[str, tuple[Diagnostic, ...]]]:
    results: list[tuple[str, tuple[Diagnostic, ...]]] = []
    index = sent_index.value()
    markers = markers_for(settings, index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not ours to report
        for job in _paced(jobs):
            read = _read_text(job.path)
            if isinstance(read, Diagnostic):
                results.append((job.path, (read,)))
                continue
            text = read[0]
            tree = _parse_for_check(text, job.path, markers)
            results.append((job.path, check_file(text, job.path, settings, index, tree)))
    return results


#: Above this many pre-filter markers per 1,000 characters, nearly every block of a file
#: would be kept, and reducing it costs more than the parse it saves (measured on the
#: workload: 20% less CPU for the check pass at 2, less below or above).
_DENSE_MARKERS_PER_KILO = 2.0


def _parse_for_check(text: str, path: str, markers: tuple[str, ...]) -> ast.Module | Diagnostic:
    """The tree the rules need: functions and classes that cannot involve a session are
    blanked out before parsing (`_regions.reduce_source`), unless markers are so dense
    that little would go. The full text is parsed when the reduced one does not parse.

    A syntax error inside a blanked-out block is not seen: like a file the pre-filter
    skips, code that cannot involve a session is not parsed.
    """
    hits = sum(text.count(marker) for marker in BASE_MARKERS)
    if hits * 1000 > _DENSE_MARKERS_PER_KILO * len(text):
        return _parse(text, path)
    return _parse_reduced(reduce_source(text, markers), text, path)


def _parse_reduced(reduced: str | None, text: str, path: str) -> ast.Module | Diagnostic:
    """The tree of `reduced`; of the full `text` when nothing was reduced or the reduced text
    does not parse (a mis-split), so a real syntax error is reported at its real place."""
    if reduced is not None:
        tree = _parse(reduced, path)
        if isinstance(tree, ast.Module):
            return tree
    return _parse(text, path)


class _ModuleResolver:
    """Which indexed summary an imported name resolves to, as the index resolves it, memoised."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        self._last_components = {name.rpartition(".")[2] for name in index.modules}
        #: Package path -> the indexed modules below it (any run of components, as `_Matcher`).
        self._below: dict[str, list[str]] = {}
        for module in sorted(index.modules):
            for package in _packages_of(module):
                self._below.setdefault(package, []).append(module)
        self._digests: dict[str, str | None] = {}
        self._module_digests: dict[str, str] = {}

    def digest(self, name: str) -> str | None:
        """A digest of the summary `name` resolves to, or None if it names no indexed module.

        For `package.*`, a digest of every indexed module below that package.
        """
        if name in self._digests:
            return self._digests[name]
        digest = None
        if name.endswith(_BELOW):
            below = self._below.get(name.removesuffix(_BELOW))
            if below:
                digest = _digest("\n".join(self._module_digest(m) for m in below))
        # The index matches a name only against modules with the same last component.
        elif name.rpartition(".")[2] in self._last_components:
            found = self._index.find_module(name)
            if found is not None:
                digest = self._module_digest(found)
        self._digests[name] = digest
        return digest

    def _module_digest(self, module: str) -> str:
        known = self._module_digests.get(module)
        if known is None:
            known = self._module_digests[module] = _digest(repr(self._index.modules[module]))
        return known


def _result_key(file: _File, imports: tuple[str, ...], resolver: _ModuleResolver) -> str:
    parts = [file.content_hash, file.modules[0]]
    for name in imports:
        digest = resolver.digest(name)
        if digest is not None:
            parts.append(f"{name}={digest}")
    return _digest("\n".join(parts))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def check_file(
    text: str,
    path: str,
    settings: Settings,
    index: ProjectIndex | None = None,
    tree: ast.Module | Diagnostic | None = None,
) -> tuple[Diagnostic, ...]:
    """One file's findings; bad input and analyzer failures become SES90x findings."""
    from sessionsafe.lint.engine import check_source  # the rules: only when a file is analysed

    parsed = tree if tree is not None else _parse(text, path)
    if isinstance(parsed, Diagnostic):
        return (parsed,)
    try:
        return tuple(check_source(text, path, settings, index, parsed))
    except Exception as error:  # one file's analyzer bug must not stop the whole run
        return (_file_errors.internal_error(path, error),)


# --- module names and imports -----------------------------------------------------------------


def module_names(path: str, root: str, package_dirs: dict[str, object]) -> tuple[str, ...]:
    """The dotted names a file may be imported as; the first is the one it is analysed under.

    In a regular package (`__init__.py` files) the name follows the packages:
    `src/app/db.py` is `app.db`. Outside one (a script, or a namespace package
    without `__init__.py`) it is the path from the project root without a
    leading `src/`: `services/orders.py` is `services.orders`. Both names are
    returned when they differ, so imports written either way are understood.
    A package's `__init__.py` is named after its package.

    `package_dirs` memoises what is learned per directory across the calls of one run.
    """
    directory, file_name = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(file_name)[0]
    packages, from_root = _directory_names(directory, root, package_dirs)
    leaf = [] if stem == "__init__" else [stem]
    by_package = ".".join([*packages, *leaf]) or stem
    names = [by_package]
    if from_root is not None:
        components = [*from_root, stem]
        if components[0] == "src" and len(components) > 1:
            components = components[1:]
        if components[-1] == "__init__" and len(components) > 1:
            components = components[:-1]
        by_path = ".".join(components)
        if by_path != by_package:
            names.insert(len(names) if packages else 0, by_path)
    return tuple(names)


def _directory_names(
    directory: str, root: str, memo: dict[str, object]
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """(the packages `directory` is in, outermost first; its path components from the root,
    None outside the root), memoised per directory."""
    key = "names:" + directory
    known = memo.get(key)
    if known is None:
        packages: list[str] = []
        current = directory
        while _is_package(current, memo):
            current, package = os.path.split(current)
            packages.insert(0, package)
        relative = relative_to_root(os.path.join(directory, "x"), root)
        from_root = None if os.path.isabs(relative) else tuple(relative.split("/")[:-1])
        known = memo[key] = (tuple(packages), from_root)
    return known  # type: ignore[return-value]


def _is_package(directory: str, memo: dict[str, object]) -> bool:
    known = memo.get(directory)
    if known is None:
        known = memo[directory] = os.path.isfile(os.path.join(directory, "__init__.py"))
    return bool(known)


_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    r"|import[ \t]+(?P<imports>[^\n#;]+))",
    re.M,
)


def imported_modules(text: str, module: str) -> tuple[str, ...]:
    """Every module `text` (the source of `module`) may import, with their parents, sorted.

    A package's `__init__.py` is `module` = `pkg.__init__`, so that relative
    imports resolve from the package itself.

    Over-approximates on purpose (`from a import b` yields `a` and `a.b`, and
    text in strings counts): the cache must never miss a dependency. A plain
    `import a.b` also yields `a.b.*`, "any module below `a.b`", since the code
    may then name `a.b.c.SessionLocal` without importing `a.b.c` itself; so does
    `from a.b import *`, which may bring any name of `a.b`.
    """
    if "\\\n" in text:
        text = text.replace("\\\n", " ")  # backslash-continued import lines
    found: set[str] = set()
    below: set[str] = set()
    for match in _import_statements(text):
        if match.group("imports") is not None:
            for item in match.group("imports").split(","):
                name = item.split(" as ")[0].strip()
                found.add(name)
                below.add(f"{name}{_BELOW}")
            continue
        base = _absolute_module(match.group("module"), module)
        found.add(base)
        for item in match.group("names").strip("()").split(","):
            name = item.split(" as ")[0].strip()
            if name == "*":
                below.add(f"{base}{_BELOW}")
            elif name:
                found.add(f"{base}.{name}" if base else name)
    below.discard(_BELOW)
    return tuple(sorted(_with_parents(name for name in found if name) | below))


def _import_statements(text: str) -> Iterator[re.Match[str]]:
    """The import statements of `text`: `_IMPORT` tried only at the start of a line holding
    `import` (found by a plain substring search, twice as fast as letting the regex try
    every line)."""
    find = text.find
    position = find("import")
    tried = -1
    while position != -1:
        line = text.rfind("\n", 0, position) + 1
        if line != tried:
            tried = line
            match = _IMPORT.match(text, line)
            if match is not None:
                yield match
        position = find("import", position + len("import"))


#: The ending of an imported name that stands for every module below it.
_BELOW = ".*"


def _absolute_module(name: str, module: str) -> str:
    level = len(name) - len(name.lstrip("."))
    if level == 0:
        return name
    package = module.split(".")[:-level] if level <= module.count(".") else []
    rest = name[level:]
    return ".".join([*package, rest] if rest else package)


def _with_parents(names: Iterator[str] | set[str] | list[str]) -> set[str]:
    result: set[str] = set()
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            result.add(".".join(parts[:end]))
    return result


# --- worker processes -------------------------------------------------------------------------

_Result = TypeVar("_Result")
_Value = TypeVar("_Value")


class _SentOnce(Generic[_Value]):
    """A large argument of every chunk (the project index), pickled once by the parent and
    unpickled once per worker process, not once per chunk (pickling it with every chunk
    cost the parent 0.7 s of CPU on the workload, and the workers as much again)."""

    _tokens = itertools.count()

    def __init__(self, value: _Value) -> None:
        self._value = value
        self._token = (os.getpid(), next(self._tokens))
        self._data: bytes | None = None

    def value(self) -> _Value:
        return self._value

    def __getstate__(self) -> tuple[tuple[int, int], bytes]:
        if self._data is None:
            self._data = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return self._token, self._data

    def __setstate__(self, state: tuple[tuple[int, int], bytes]) -> None:
        self._token, data = state
        if self._token not in _RECEIVED:
            _RECEIVED.clear()  # only the current run's value is worth keeping
            _RECEIVED[self._token] = pickle.loads(data)
        self._value = cast("_Value", _RECEIVED[self._token])
        self._data = None


#: In a worker process: the value a `_SentOnce` carried, by its token.
_RECEIVED: dict[tuple[int, int], object] = {}


class _Workers:
    """A process pool started on first use, for passes with enough work to pay for it."""

    def __init__(self, jobs: int, progress: ProgressCallback | None) -> None:
        self.jobs = max(1, jobs)
        self._progress = progress
        self._executor: Executor | None = None
        #: Wall seconds spent in each stage, summed over its calls.
        self.timings: dict[str, float] = {}

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def run(
        self,
        function: Callable[..., list[_Result]],
        jobs: list[_Job],
        extra: tuple[object, ...],
        stage: str,
    ) -> list[_Result]:
        """`function(chunk, *extra)` over `jobs`: in the pool when they are worth it, else here.

        Results come in any order.
        """
        if not jobs:
            return []
        with self._timed(stage):
            if not self._should_fork(jobs):
                results = function(jobs, *extra)
                self._report(stage, len(jobs), len(jobs))
                return results
            from concurrent.futures import as_completed

            executor = self._start()
            futures = {
                executor.submit(function, chunk, *extra): len(chunk)
                for chunk in _chunks(jobs, self.jobs * _CHUNKS_PER_JOB)
            }
            results = []
            done = 0
            for future in as_completed(futures):
                results.extend(future.result())
                done += futures[future]
                self._report(stage, done, len(jobs))
            return results

    @contextlib.contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        """Add the wall time of the block to `stage`'s in `timings`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.timings[stage] = self.timings.get(stage, 0.0) + elapsed

    def _should_fork(self, jobs: list[_Job]) -> bool:
        """Whether `jobs` are worth sending to the pool (cheaper once it is running)."""
        if self.jobs == 1 or len(jobs) < 2:
            return False
        threshold = PARALLEL_THRESHOLD_BYTES if self._executor is None else _MIN_CHUNK_BYTES
        return _weight(jobs) >= threshold

    def _report(self, stage: str, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(stage, done, total)

    def _start(self) -> Executor:
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork starts a worker in milliseconds and inherits the imported analyzer.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        return self._executor


def _weight(jobs: Sequence[_Job]) -> int:
    return sum(job.size for job in jobs)


def _chunks(jobs: list[_Job], count: int) -> Iterator[list[_Job]]:
    """Split `jobs` into about `count` chunks of similar size in bytes (the order is kept)."""
    target = max(_MIN_CHUNK_BYTES, _weight(jobs) // max(1, count))
    chunk: list[_Job] = []
    size = 0
    for job in jobs:
        chunk.append(job)
        size += job.size
        if size >= target:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
