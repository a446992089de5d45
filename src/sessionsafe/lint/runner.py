"""Many files: discovery, pre-filter, project summaries, parallel checking and the cache.

`check_paths` is what `sessionsafe check` runs:

1. discover the files (`_discovery`), read and decode them; a file that cannot
   be read or decoded gets its SES90x finding;
2. pre-filter: the files whose text may contain session code (`_prefilter`)
   are the candidates; the modules each file imports are read from its text;
3. project summaries: the modules the candidates import, and those they import
   in turn, are summarised (`summarize_module`) into the `ProjectIndex`. A
   module nobody imports is never looked up, so it is not summarised;
4. checking: every candidate (plus any file naming something the index
   exports) is analysed with `check_source`;
5. apply `per-file-ignores` and sort.

Steps 3 and 4 run together (`_Analysis`): a file whose imports are already
summarised is parsed once, then summarised and checked. Work runs in worker
processes when there is enough to pay for starting them; small inputs
(pre-commit's usual few files) run in-process, and the process pool module is
imported only when used. Summaries, imports and findings are cached per file.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterator, KeysView, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from sessionsafe.lint import _file_errors
from sessionsafe.lint._discovery import discover
from sessionsafe.lint._prefilter import (
    BASE_MARKERS,
    markers_for,
    may_contain_session_code,
    mentions_any_name,
)
from sessionsafe.lint.analysis.project import ModuleSummary, ProjectIndex, summarize_module
from sessionsafe.lint.cache import Cache, ImportsEntry, SummaryEntry
from sessionsafe.lint.config import Settings, relative_to_root
from sessionsafe.lint.diagnostics import Diagnostic
from sessionsafe.lint.engine import check_source

if TYPE_CHECKING:
    from concurrent.futures import Executor

#: Below this many bytes of source to analyse, worker processes cost more than they save.
PARALLEL_THRESHOLD_BYTES = 512 * 1024
#: Pieces of work per worker, so that a slow piece does not leave the others idle.
_CHUNKS_PER_JOB = 4
_MIN_CHUNK_BYTES = 64 * 1024
#: An in-process wave keeps parsed trees for a later wave only below this much source.
_KEPT_TREES_BYTES = 2 * 1024 * 1024

#: Called with (pass name, files done, files in that pass).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Report:
    """What a run found, and what it did to find it."""

    diagnostics: tuple[Diagnostic, ...]
    #: Files discovered and read (the "N files checked" of the summary line).
    files_checked: int
    #: Files analysed in this run, as opposed to skipped by the pre-filter or taken from the cache.
    analysed: tuple[str, ...]
    #: Files whose results came from the cache.
    cached: int
    #: Files the pre-filter skipped without parsing.
    skipped: int
    #: Parses done in this run: one per analysed or summarised file, two in import cycles.
    parses: int = 0

    @property
    def files_with_findings(self) -> int:
        return len({diagnostic.path for diagnostic in self.diagnostics})


@dataclass(frozen=True, slots=True)
class _Source:
    path: str
    text: str
    content_hash: str
    #: Dotted names this file is importable as; the first is the one it is analysed under.
    modules: tuple[str, ...]
    #: The file is a package's `__init__.py` (relative imports start from the package itself).
    is_package: bool
    #: The text passes the pre-filter: the file is checked.
    candidate: bool = True
    #: The text may give the file a non-empty summary (see `SUMMARY_MARKERS`).
    summarisable: bool = True

    @property
    def kept_text(self) -> bool:
        """Whether `text` is the file's text; otherwise it was dropped to save memory."""
        return self.candidate or self.summarisable


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
    sources: list[_Source] = []
    package_dirs: dict[str, bool] = {}
    summary_markers = (*SUMMARY_MARKERS, *markers_for(settings)[len(BASE_MARKERS) :])
    for path in discovery.files:
        loaded = _load(path, settings.root, package_dirs, summary_markers)
        if isinstance(loaded, Diagnostic):
            found.append(loaded)
        else:
            sources.append(loaded)
    cache = Cache.open(settings.root, settings.fingerprint()) if use_cache else Cache.disabled()
    imports = _Imports(cache)
    candidates = [source for source in sources if source.candidate]
    with _Workers(jobs or os.cpu_count() or 1) as workers:
        analysis = _Analysis(sources, settings, imports, cache, workers, progress)
        report = analysis.run(candidates)
    cache.save()
    found.extend(report.diagnostics)
    kept = [d for d in found if _reported(d, settings)]
    return Report(
        diagnostics=tuple(sorted(kept, key=lambda d: d.sort_key)),
        files_checked=len(discovery.files),
        analysed=report.analysed,
        cached=report.cached,
        skipped=len(sources) - len(report.analysed) - report.cached,
        parses=report.parses,
    )


def _reported(diagnostic: Diagnostic, settings: Settings) -> bool:
    code = diagnostic.code
    if code in _file_errors.SUMMARIES and code not in settings.file_errors:
        return False
    return code not in settings.ignored_in(diagnostic.path)


def _load(
    path: str,
    root: str,
    package_dirs: dict[str, bool],
    summary_markers: tuple[str, ...],
) -> _Source | Diagnostic:
    """Read, decode and classify one file; the text of a file that is neither checked nor
    summarised is not kept (a large project holds many such files)."""
    data = _read(path)
    if isinstance(data, Diagnostic):
        return data
    text = _file_errors.decode_source(data, path)
    if isinstance(text, Diagnostic):
        return text
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    is_package = os.path.basename(path) == "__init__.py"
    candidate = may_contain_session_code(text, BASE_MARKERS)
    summarisable = is_package or may_contain_session_code(text, summary_markers)
    return _Source(
        path,
        text if candidate or summarisable else "",
        digest,
        module_names(path, root, package_dirs),
        is_package,
        candidate,
        summarisable,
    )


def _read(path: str) -> bytes | Diagnostic:
    """The bytes of a regular file; a FIFO or device named on the command line is not read,
    as reading it could block or never end."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return _file_errors.unreadable(path, error.strerror or str(error))
    with open(descriptor, "rb", closefd=True) as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return _file_errors.unreadable(path, "not a regular file")
        try:
            return handle.read()
        except OSError as error:
            return _file_errors.unreadable(path, error.strerror or str(error))


# --- summarising and checking ----------------------------------------------------------------


class _Imports:
    """The modules each file may import, read from its text once and cached."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        self._known: dict[str, tuple[str, ...]] = {}

    def of(self, source: _Source) -> tuple[str, ...]:
        known = self._known.get(source.path)
        if known is not None:
            return known
        module = _qualified(source)
        found = self._cache.imports(source.path, source.content_hash, module)
        if found is None:
            found = imported_modules(source.text, module)
            self._cache.store_imports(source.path, ImportsEntry(source.content_hash, module, found))
        self._known[source.path] = found
        return found


#: Beyond the pre-filter's markers, what a module needs to offer anything to others: a helper
#: that closes the session it is given, or a function that always raises (a re-raise helper).
SUMMARY_MARKERS = (*BASE_MARKERS, "close", "raise")


class _Matcher:
    """Which files an imported name may resolve to in the index.

    Matching is by the last component of a module name (`app.db` and
    `src.app.db` both end in `db`), which covers every way the index resolves
    an import, suffix matching included: it can only match too many. A name
    `pkg.*` (from a plain `import pkg`) matches every module below `pkg`.
    """

    def __init__(self, sources: list[_Source]) -> None:
        self._by_last: dict[str, list[_Source]] = {}
        #: Package path -> the files below it, the package being any run of a module name's
        #: components (`app.db.x` and `src.app.db.x` are both below `app` and `app.db`).
        self._by_package: dict[str, dict[str, _Source]] = {}
        for source in sources:
            for name in source.modules:
                self._by_last.setdefault(name.rpartition(".")[2], []).append(source)
                for package in _packages_of(name):
                    self._by_package.setdefault(package, {})[source.path] = source

    def key(self, name: str) -> str:
        """Names with the same key match the same files."""
        return name if name.endswith(_BELOW) else name.rpartition(".")[2]

    def match(self, key: str) -> list[_Source]:
        if key.endswith(_BELOW):
            return list(self._by_package.get(key.removesuffix(_BELOW), {}).values())
        return self._by_last.get(key, [])


def _packages_of(name: str) -> Iterator[str]:
    """Every run of consecutive components of `name` that has a component after it."""
    parts = name.split(".")
    for start in range(len(parts) - 1):
        for end in range(start + 1, len(parts)):
            yield ".".join(parts[start:end])


def _imported_by(candidates: list[_Source], matcher: _Matcher, imports: _Imports) -> list[_Source]:
    """The files the candidates import, directly or through the files they import."""
    needed: dict[str, _Source] = {}
    pending = [name for source in candidates for name in imports.of(source)]
    seen: set[str] = set()
    while pending:
        key = matcher.key(pending.pop())
        if key in seen:
            continue
        seen.add(key)
        for source in matcher.match(key):
            if source.path not in needed:
                needed[source.path] = source
                pending.extend(imports.of(source))
    return list(needed.values())


def _naming_exports(
    sources: list[_Source], candidates: list[_Source], settings: Settings, index: ProjectIndex
) -> list[_Source]:
    """The non-candidates that name a session factory, session or provider the index exports."""
    extra = markers_for(settings, index)[len(BASE_MARKERS) :]
    if not extra:
        return []
    chosen = {source.path for source in candidates}
    return [
        source
        for source in (_with_text(s) for s in sources if s.path not in chosen)
        if source is not None and mentions_any_name(source.text, extra)
    ]


def _with_text(source: _Source) -> _Source | None:
    """`source` with its text, read again if it was dropped (None if it no longer reads)."""
    if source.kept_text:
        return source
    data = _read(source.path)
    text = None if isinstance(data, Diagnostic) else _file_errors.decode_source(data, source.path)
    return None if text is None or isinstance(text, Diagnostic) else replace(source, text=text)


def _qualified(source: _Source) -> str:
    """The module name handed to the analysis: `app.__init__` for a package's `__init__.py`."""
    return f"{source.modules[0]}.__init__" if source.is_package else source.modules[0]


def _build_index(sources: list[_Source], entries: dict[str, SummaryEntry]) -> ProjectIndex:
    modules: dict[str, ModuleSummary] = {}
    for source in sources:
        entry = entries.get(source.path)
        if entry is None or entry.summary is None:
            continue
        for name in source.modules:
            modules.setdefault(name, entry.summary)
    return ProjectIndex(modules=modules)


#: (path, text, module, content hash, what to do: "s" summarise and/or "c" check).
_WorkJob = tuple[str, str, str, str, str]
#: (path, summary entry if asked, findings if asked, the tree if the caller keeps trees).
_WorkResult = tuple[
    str, "SummaryEntry | None", "tuple[Diagnostic, ...] | None", "ast.Module | None"
]


def _work_chunk(
    jobs: list[_WorkJob],
    settings: Settings,
    index: ProjectIndex,
    trees: dict[str, ast.Module] | None = None,
) -> list[_WorkResult]:
    """Parse each file once and summarise and/or check it; `trees` holds and receives trees."""
    results: list[_WorkResult] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not ours to report
        for path, text, module, content_hash, what in jobs:
            kept = trees.pop(path, None) if trees is not None else None
            parsed = kept if kept is not None else _parse(text, path)
            entry = diagnostics = None
            if "s" in what:
                summary = (
                    None if isinstance(parsed, Diagnostic) else _summarize(parsed, module, settings)
                )
                entry = SummaryEntry(content_hash, module, summary)
            if "c" in what:
                diagnostics = check_file(text, path, settings, index, parsed)
            tree = parsed if isinstance(parsed, ast.Module) and "c" not in what else None
            results.append((path, entry, diagnostics, tree if trees is not None else None))
    return results


def _summarize(tree: ast.Module, module: str, settings: Settings) -> ModuleSummary:
    """The one place the project pass asks the analysis for a module's summary.

    `module` is qualified as `_qualified` makes it; the analysis reads the
    `.__init__` ending as "this is a package".
    """
    try:
        return summarize_module(tree, module, settings)
    except Exception:  # the check of the same file reports the failure as SES900
        return ModuleSummary(module.removesuffix(".__init__"))


def _parse(text: str, path: str) -> ast.Module | Diagnostic:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as error:
        return _file_errors.syntax_error(error, path)
    except (RecursionError, MemoryError):
        return _file_errors.too_deeply_nested(path)
    except ValueError as error:
        return _file_errors.internal_error(path, error)


@dataclass(frozen=True, slots=True)
class _Checked:
    diagnostics: list[Diagnostic]
    analysed: tuple[str, ...]
    cached: int
    parses: int


class _Analysis:
    """Summarising and checking, scheduled so that most files are parsed once.

    A file's summary depends on its text only; its findings depend on the
    summaries of the modules it imports (its dependencies). So a file whose
    dependencies are all summarised is parsed once, summarised (when others
    import it) and checked in the same step. Files are taken in waves of such
    ready files; when only import cycles are left, the modules blocking them
    are summarised alone and checked in a later wave (parsed twice).
    """

    def __init__(
        self,
        sources: list[_Source],
        settings: Settings,
        imports: _Imports,
        cache: Cache,
        workers: _Workers,
        progress: ProgressCallback | None,
    ) -> None:
        self._sources = sources
        self._settings = settings
        self._imports = imports
        self._cache = cache
        self._workers = workers
        self._progress = progress
        self._summaries: dict[str, SummaryEntry] = {}
        self._keys: dict[str, str] = {}
        self._trees: dict[str, ast.Module] = {}
        self._found: list[Diagnostic] = []
        self._analysed: list[str] = []
        self._cached = 0
        self._parses = 0
        self._done = 0
        self._total = 0

    def run(self, candidates: list[_Source]) -> _Checked:
        matcher = _Matcher([source for source in self._sources if source.summarisable])
        needed = _imported_by(candidates, matcher, self._imports)
        for source in needed:
            entry = self._cache.summary(source.path, source.content_hash, _qualified(source))
            if entry is not None:
                self._summaries[source.path] = entry
        needed_paths = {source.path for source in needed}
        to_check = {source.path for source in candidates}
        remaining = {s.path: s for s in self._sources if s.path in needed_paths | to_check}
        dependencies = {
            path: self._dependencies(source, matcher, needed_paths)
            for path, source in remaining.items()
        }
        self._total = len(remaining)
        while remaining:
            ready = [s for p, s in remaining.items() if dependencies[p] <= self._summaries.keys()]
            if ready:
                for source in ready:
                    del remaining[source.path]
                self._wave(ready, needed_paths, to_check)
            else:
                known = len(self._summaries)
                cycles = _first_cycles(remaining, dependencies, self._summaries.keys())
                self._wave([remaining[path] for path in cycles], needed_paths, set())
                if len(self._summaries) == known:  # never expected; ends the loop regardless
                    self._wave(list(remaining.values()), needed_paths, set())
                    for path in remaining:
                        dependencies[path] = set()
        index = self._index()
        self._wave(_naming_exports(self._sources, candidates, self._settings, index), set(), None)
        return _Checked(self._found, tuple(self._analysed), self._cached, self._parses)

    def _dependencies(self, source: _Source, matcher: _Matcher, needed: set[str]) -> set[str]:
        # A file may match its own name (`app/api/db.py` importing `app.core.db`): it then
        # depends on its own summary, like any check that may look its own module up.
        keys = {matcher.key(name) for name in self._imports.of(source)}
        found = {match.path for key in keys for match in matcher.match(key)}
        return found & needed

    def _index(self) -> ProjectIndex:
        return _build_index(self._sources, self._summaries)

    def _wave(self, sources: list[_Source], needed: set[str], to_check: set[str] | None) -> None:
        """Summarise (if needed and unknown) and check (if in `to_check`; None: all) `sources`."""
        index = self._index()
        resolver = _ModuleResolver(index)
        jobs: list[_WorkJob] = []
        for source in sources:
            what = ""
            if source.path in needed and source.path not in self._summaries:
                what += "s"
            if to_check is None or source.path in to_check:
                what += self._check_unless_cached(source, resolver)
            if what:
                module = _qualified(source)
                jobs.append((source.path, source.text, module, source.content_hash, what))
        if not jobs:
            self._advance(len(sources))
            return
        fork = self._workers.should_fork(jobs)
        # Trees of files summarised now and checked in a later wave are kept, within reason.
        reuse = not fork and _weight(jobs) <= _KEPT_TREES_BYTES
        if not reuse:
            for job in jobs:
                self._trees.pop(job[0], None)
        self._parses += sum(1 for job in jobs if job[0] not in self._trees)
        if fork:
            extra = (self._settings, index)
            results = self._workers.map(_work_chunk, jobs, extra, "checking", self._report_progress)
        else:
            results = _work_chunk(jobs, self._settings, index, self._trees if reuse else None)
        self._advance(len(sources))
        for path, entry, diagnostics, tree in results:
            if entry is not None:
                self._summaries[path] = entry
                self._cache.store_summary(path, entry)
            if diagnostics is not None:
                self._cache.store_result(path, self._keys[path], diagnostics)
                self._found.extend(diagnostics)
                self._analysed.append(path)
            if tree is not None:
                self._trees[path] = tree

    def _report_progress(self, stage: str, done: int, total: int) -> None:
        """Progress of the whole run, from the progress of one wave in the pool."""
        if self._progress is not None and done < total:
            self._progress(stage, min(self._done + done, self._total), self._total)

    def _advance(self, files: int) -> None:
        self._done = min(self._done + files, self._total)
        if self._progress is not None and self._total:
            self._progress("checking", self._done, self._total)

    def _check_unless_cached(self, source: _Source, resolver: _ModuleResolver) -> str:
        key = _result_key(source, self._imports.of(source), resolver)
        hit = self._cache.result(source.path, key)
        if hit is None:
            self._keys[source.path] = key
            return "c"
        self._found.extend(hit)
        self._cached += 1
        return ""


def _first_cycles(
    remaining: dict[str, _Source], dependencies: dict[str, set[str]], summarised: KeysView[str]
) -> list[str]:
    """The files of the import cycles that depend on nothing else still to summarise.

    Summarising them (alone) unblocks them and, later, what depends on them.
    """
    components = _strongly_connected(
        {path: (dependencies[path] & remaining.keys()) - summarised for path in remaining}
    )
    chosen: list[str] = []
    for members in components:
        outside = set().union(*(dependencies[m] for m in members)) - set(members)
        if outside <= summarised:
            chosen.extend(sorted(members))
    return chosen


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; dependencies come first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                components.append(members)
    return components


class _ModuleResolver:
    """Which indexed summary an imported name resolves to, as the index resolves it, memoised."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        self._last_components = {name.rpartition(".")[2] for name in index.modules}
        self._digests: dict[str, str | None] = {}

    def digest(self, name: str) -> str | None:
        """A digest of the summary `name` resolves to, or None if it names no indexed module.

        For `package.*`, a digest of every indexed module below that package.
        """
        if name in self._digests:
            return self._digests[name]
        digest = None
        if name.endswith(_BELOW):
            prefix = "." + name.removesuffix(_BELOW) + "."
            below = sorted(m for m in self._index.modules if ("." + m).find(prefix) >= 0)
            if below:
                digest = _digest("\n".join(repr(self._index.modules[m]) for m in below))
        # The index matches a name only against modules with the same last component.
        elif name.rpartition(".")[2] in self._last_components:
            found = self._index.find_module(name)
            if found is not None:
                digest = _digest(repr(self._index.modules[found]))
        self._digests[name] = digest
        return digest


def _result_key(source: _Source, imports: tuple[str, ...], resolver: _ModuleResolver) -> str:
    parts = [source.content_hash, source.modules[0]]
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
    parsed = tree if tree is not None else _parse(text, path)
    if isinstance(parsed, Diagnostic):
        return (parsed,)
    try:
        return tuple(check_source(text, path, settings, index, parsed))
    except Exception as error:  # one file's analyzer bug must not stop the whole run
        return (_file_errors.internal_error(path, error),)


# --- module names and imports -----------------------------------------------------------------


def module_names(path: str, root: str, package_dirs: dict[str, bool]) -> tuple[str, ...]:
    """The dotted names a file may be imported as; the first is the one it is analysed under.

    In a regular package (`__init__.py` files) the name follows the packages:
    `src/app/db.py` is `app.db`. Outside one (a script, or a namespace package
    without `__init__.py`) it is the path from the project root without a
    leading `src/`: `services/orders.py` is `services.orders`. Both names are
    returned when they differ, so imports written either way are understood.
    A package's `__init__.py` is named after its package.
    """
    absolute = os.path.abspath(path)
    directory, file_name = os.path.split(absolute)
    stem = os.path.splitext(file_name)[0]
    in_package = _is_package(directory, package_dirs)
    parts = [] if stem == "__init__" else [stem]
    while _is_package(directory, package_dirs):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    by_package = ".".join(parts) or stem
    names = [by_package]
    relative = relative_to_root(absolute, root)
    if not os.path.isabs(relative):
        components = os.path.splitext(relative)[0].split("/")
        if components[0] == "src" and len(components) > 1:
            components = components[1:]
        if components[-1] == "__init__" and len(components) > 1:
            components = components[:-1]
        by_path = ".".join(components)
        if by_path != by_package:
            names.insert(len(names) if in_package else 0, by_path)
    return tuple(names)


def _is_package(directory: str, package_dirs: dict[str, bool]) -> bool:
    known = package_dirs.get(directory)
    if known is None:
        known = package_dirs[directory] = os.path.isfile(os.path.join(directory, "__init__.py"))
    return known


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
    may then name `a.b.c.SessionLocal` without importing `a.b.c` itself.
    """
    if "\\\n" in text:
        text = text.replace("\\\n", " ")  # backslash-continued import lines
    found: set[str] = set()
    below: set[str] = set()
    for match in _IMPORT.finditer(text):
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
            if name and name != "*":
                found.add(f"{base}.{name}" if base else name)
    below.discard(_BELOW)
    return tuple(sorted(_with_parents(name for name in found if name) | below))


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

_Job = TypeVar("_Job", bound=tuple[str, ...])
_Result = TypeVar("_Result")


class _Workers:
    """A process pool started on first use, for passes with enough work to pay for it."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._executor: Executor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def should_fork(self, jobs: Sequence[tuple[str, ...]]) -> bool:
        """Whether `jobs` are worth sending to the pool (cheaper once it is running)."""
        if self.jobs == 1 or len(jobs) < 2:
            return False
        threshold = PARALLEL_THRESHOLD_BYTES if self._executor is None else _MIN_CHUNK_BYTES
        return _weight(jobs) >= threshold

    def map(
        self,
        function: Callable[..., list[_Result]],
        jobs: list[_Job],
        extra: tuple[object, ...],
        name: str,
        progress: ProgressCallback | None,
    ) -> list[_Result]:
        """Run `function(chunk, *extra)` on chunks of `jobs` in the pool; results in any order."""
        from concurrent.futures import as_completed

        executor = self._start()
        futures = {
            executor.submit(function, chunk, *extra): len(chunk)
            for chunk in _chunks(jobs, self.jobs * _CHUNKS_PER_JOB)
        }
        results: list[_Result] = []
        done = 0
        for future in as_completed(futures):
            results.extend(future.result())
            done += futures[future]
            if progress is not None:
                progress(name, done, len(jobs))
        return results

    def _start(self) -> Executor:
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork starts a worker in milliseconds and inherits the imported analyzer.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        return self._executor


def _weight(jobs: Sequence[tuple[str, ...]]) -> int:
    return sum(len(job[1]) for job in jobs)


def _chunks(jobs: list[_Job], count: int) -> Iterator[list[_Job]]:
    """Split `jobs` into about `count` chunks of similar size in bytes (the order is kept)."""
    target = max(_MIN_CHUNK_BYTES, _weight(jobs) // max(1, count))
    chunk: list[_Job] = []
    size = 0
    for job in jobs:
        chunk.append(job)
        size += len(job[1])
        if size >= target:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
