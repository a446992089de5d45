"""How fast is `sessionsafe check` on real code, next to `ast.parse` and ruff?

Usage:
    python bench/lint_speed.py [--repeat N] [--scaling-repeat N] [--startup-repeat N] DIR...

In one run, alternating the measurements round after round so that machine noise
spreads over all of them, it times (wall clock, medians and min-max):

  (a) the parse floor: read + `ast.parse` every discovered `.py` file with one
      process per core; (a') the same restricted to the files that pass
      sessionsafe's text pre-filter;
  (b) `sessionsafe check --no-cache`;  (c) `sessionsafe check` with a warm cache;
  (d) `ruff check --no-cache --isolated` (default rules);  (e) ruff with a warm cache;
  (f) peak memory of (b), in a separate untimed run;
  (g) sessionsafe with its model and rules replaced by no-ops: its own reading,
      pre-filter, text reduction and parsing of the same files, so b - g is what
      the analysis costs and g / a' how much less than the floor it parses.

Then: scaling on 25%, 50% and 100% of the files, the warm run after editing one
file (and how many files were re-analysed), and the start-up time of
`sessionsafe check one_file.py`. Every tool runs as a fresh process, as a user
or pre-commit would run it. The DIRs are hard-linked (or copied) into a scratch
directory first, so that editing a file never touches the workload itself.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

RUN_TIMEOUT_SECONDS = 1800
MEMORY_SAMPLE_SECONDS = 0.02
SCALING_FRACTIONS = (25, 50, 100)


# --------------------------------------------------------------------------- helpers run in
# child processes (the parse floor and the memory probe), selected by hidden flags.


def parse_floor_chunk(paths: Sequence[str]) -> tuple[int, int]:
    """Read and parse each file; return (parsed, unparsable)."""
    parsed = unparsable = 0
    for path in paths:
        try:
            with open(path, "rb") as handle:
                ast.parse(handle.read(), filename=path)
            parsed += 1
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
            unparsable += 1
    return parsed, unparsable


def run_parse_floor(list_file: str) -> int:
    """The floor: parse every file listed in `list_file` with one process per core."""
    paths = Path(list_file).read_text().splitlines()
    workers = os.cpu_count() or 1
    chunk_size = max(1, len(paths) // (workers * 8))
    chunks = [paths[i : i + chunk_size] for i in range(0, len(paths), chunk_size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(parse_floor_chunk, chunks))
    unparsable = sum(bad for _, bad in results)
    print(f"parsed {sum(ok for ok, _ in results)} unparsable {unparsable}")
    return 0


def process_tree_rss_kib(root_pid: int) -> int:
    """Sum of VmRSS over `root_pid` and its descendants, read from /proc."""
    total = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:  # the process ended between two reads
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total += int(match.group(1))
    return total


def run_memory_probe(command: Sequence[str]) -> int:
    """Run `command` as this process's only child; print its peak memory figures.

    `ru_maxrss` of the children is the largest resident set of any single process of
    the run (the workers are waited for, so they count); the sampled sum adds up the
    whole process tree at each instant, which is what the machine has to provide
    (shared pages of forked workers are counted once per process: an upper bound).
    """
    import resource

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_tree_kib = 0
    while process.poll() is None:
        peak_tree_kib = max(peak_tree_kib, process_tree_rss_kib(process.pid))
        time.sleep(MEMORY_SAMPLE_SECONDS)
    max_single_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"max_single_kib {max_single_kib} peak_tree_kib {peak_tree_kib}")
    return process.returncode


# --------------------------------------------------------------------------- the workload


@dataclass
class FileSet:
    """Files to check, and the directories handed to the tools."""

    label: str
    roots: list[str]
    files: list[str]
    lines: int


def count_lines(paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def discover_files(roots: Sequence[str]) -> list[str]:
    """The files `sessionsafe check ROOTS` looks at, found by sessionsafe's own discovery."""
    from sessionsafe.lint._discovery import discover
    from sessionsafe.lint.config import default_settings

    return discover(list(roots), default_settings(os.getcwd())).files


def passes_prefilter(paths: Iterable[str]) -> list[str]:
    """The files sessionsafe's text pre-filter lets through to the parser (base markers)."""
    from sessionsafe.lint._prefilter import may_contain_session_code

    kept = []
    for path in paths:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
        if may_contain_session_code(text):
            kept.append(path)
    return kept


def link_tree(sources: Sequence[str], destination: Path, keep: Callable[[int], bool]) -> list[str]:
    """Hard-link (or copy) the `.py` files of `sources` whose index `keep` accepts."""
    roots = []
    index = 0
    for number, source in enumerate(sources):
        root = destination / f"{number}_{Path(source).name}"
        roots.append(str(root))
        for path in sorted(Path(source).rglob("*.py")):
            index += 1
            if not keep(index) or not path.is_file():
                continue
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    return roots


def every(stride: int) -> Callable[[int], bool]:
    """Keep every `stride`-th file: an even sample of every project and directory."""
    return lambda index: index % stride == 0


def make_file_set(label: str, roots: list[str]) -> FileSet:
    files = discover_files(roots)
    return FileSet(label, roots, files, count_lines(files))


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    name: str
    command: list[str]
    #: Lines of Python the command reads (for lines/second); None for fixed-cost runs.
    lines: int | None
    samples: list[float] = field(default_factory=list)
    #: Run, untimed, before each timed run (an edit that the run must then see).
    before: Callable[[], None] | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def row(self) -> str:
        speed = f"{self.lines / self.median:>12,.0f} lines/s" if self.lines else ""
        spread = f"[{min(self.samples):.2f}-{max(self.samples):.2f}]"
        return f"{self.name:<34} {self.median:>8.2f} s  {spread:<13} {speed}"


def run_parse_only(roots: Sequence[str]) -> int:
    """(g): `sessionsafe check --no-cache` with no analysis: every file is read, filtered,
    reduced and parsed as in a real run (summaries come out empty, findings none)."""
    from sessionsafe import cli
    from sessionsafe.lint import runner
    from sessionsafe.lint._index import ModuleSummary

    def no_findings(*_: object) -> tuple[()]:
        return ()

    def empty_summary(tree: ast.Module, module: str, *_: object) -> ModuleSummary:
        return ModuleSummary(module)

    # The pool's workers are forked, so they inherit these replacements.
    runner.check_file = no_findings  # type: ignore[assignment]
    runner._summarize = empty_summary  # type: ignore[assignment]
    return cli.main(["check", "--no-cache", *roots])


@dataclass(frozen=True)
class Ran:
    seconds: float
    stdout: str
    stderr: str


class Bench:
    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.python = sys.executable
        bindir = Path(sys.executable).parent
        self.sessionsafe = [str(bindir / "sessionsafe")]
        if not Path(self.sessionsafe[0]).exists():
            self.sessionsafe = [self.python, "-m", "sessionsafe"]
        ruff = bindir / "ruff"
        self.ruff: str | None = str(ruff) if ruff.exists() else shutil.which("ruff")
        self.ruff_cache = scratch / "ruff_cache"
        self.work_dir = scratch / "cwd"
        self.work_dir.mkdir()
        # An installed package has its bytecode compiled; without it every start compiles
        # sessionsafe's modules again (~60-100 ms), which no user pays.
        self.environment = {
            name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
        }

    def run(self, command: Sequence[str], *, capture: bool = False) -> Ran:
        """Run a tool to completion; its output is kept only when captured."""
        start = time.perf_counter()
        completed = subprocess.run(
            command,
            cwd=self.work_dir,
            env=self.environment,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if completed.returncode not in (0, 1):
            raise RuntimeError(
                f"{' '.join(command[:4])} ... exited with {completed.returncode}:\n"
                f"{completed.stderr[-2000:]}"
            )
        return Ran(elapsed, completed.stdout or "", completed.stderr if capture else "")

    def floor(self, files: Sequence[str], name: str) -> list[str]:
        list_file = self.scratch / f"{name}.txt"
        list_file.write_text("\n".join(files) + "\n")
        return [self.python, __file__, "--parse-floor", str(list_file)]

    def sessionsafe_check(self, roots: Sequence[str], *extra: str) -> list[str]:
        return [*self.sessionsafe, "check", *extra, *roots]

    def ruff_check(self, roots: Sequence[str], *, cached: bool) -> list[str]:
        assert self.ruff is not None
        cache = ["--cache-dir", str(self.ruff_cache)] if cached else ["--no-cache"]
        return [self.ruff, "check", "--isolated", "--exit-zero", *cache, *roots]

    def alternate(self, measurements: Sequence[Measurement], rounds: int) -> None:
        for round_number in range(rounds):
            for measurement in measurements:
                if measurement.before is not None:
                    measurement.before()
                seconds = self.run(measurement.command).seconds
                measurement.samples.append(seconds)
                print(f"  {measurement.name}: {seconds:.2f} s", file=sys.stderr, flush=True)
            print(f"  round {round_number + 1}/{rounds} done", file=sys.stderr)

    def peak_memory(self, command: Sequence[str]) -> str:
        probe = [self.python, __file__, "--memory-probe", "--", *command]
        output = self.run(probe, capture=True).stdout
        figures = dict(zip(output.split()[0::2], output.split()[1::2], strict=True))
        single = int(figures["max_single_kib"]) / 1024
        tree = int(figures["peak_tree_kib"]) / 1024
        return f"largest process {single:.0f} MB; whole process tree (sampled) {tree:.0f} MB"


def ratio(numerator: Measurement, denominator: Measurement | None) -> str:
    if denominator is None:
        return "n/a"
    return f"{numerator.median / denominator.median:.2f}x"


# --------------------------------------------------------------------------- the report


def report_main(bench: Bench, full: FileSet, rounds: int) -> None:
    prefiltered = passes_prefilter(full.files)
    prefiltered_lines = count_lines(prefiltered)
    print(
        f"workload: {len(full.files)} files, {full.lines:,} lines; "
        f"{len(prefiltered)} files ({prefiltered_lines:,} lines) pass the pre-filter; "
        f"{os.cpu_count()} cores"
    )
    # Prime the caches and show what each tool checks (untimed).
    primed = bench.run(bench.sessionsafe_check(full.roots, "--statistics"), capture=True)
    print(f"{last_line(primed.stderr)}\n  {last_line(primed.stdout)}")
    floor = Measurement("(a) parse floor, all files", bench.floor(full.files, "all"), full.lines)
    floor_pre = Measurement(
        "(a') parse floor, pre-filtered", bench.floor(prefiltered, "pre"), prefiltered_lines
    )
    cold = Measurement(
        "(b) sessionsafe --no-cache", bench.sessionsafe_check(full.roots, "--no-cache"), full.lines
    )
    warm = Measurement("(c) sessionsafe warm", bench.sessionsafe_check(full.roots), full.lines)
    parse_only = Measurement(
        "(g) sessionsafe, parsing only",
        [bench.python, __file__, "--parse-only", "--", *full.roots],
        full.lines,
    )
    measurements = [floor, floor_pre, cold, warm, parse_only]
    ruff_cold = ruff_warm = None
    if bench.ruff is not None:
        listing = bench.run(
            [bench.ruff, "check", "--isolated", "--show-files", *full.roots], capture=True
        ).stdout
        print(f"ruff: {len(listing.splitlines())} files checked")
        bench.run(bench.ruff_check(full.roots, cached=True))
        ruff_cold = Measurement(
            "(d) ruff --no-cache", bench.ruff_check(full.roots, cached=False), full.lines
        )
        ruff_warm = Measurement(
            "(e) ruff warm", bench.ruff_check(full.roots, cached=True), full.lines
        )
        measurements += [ruff_cold, ruff_warm]
    else:
        print("ruff: not installed (pip install 'sessionsafe[bench]'); (d) and (e) skipped")
    bench.alternate(measurements, rounds)
    print(f"\n{'measurement':<34} {'median':>10}  {'[min-max]':<13} ({rounds} rounds)")
    for measurement in measurements:
        print(measurement.row())
    print(f"(f) peak memory of (b): {bench.peak_memory(cold.command)}")
    print(
        f"ratios: b/a {ratio(cold, floor)}  b/a' {ratio(cold, floor_pre)} (target <= 1.3x)  "
        f"b/d {ratio(cold, ruff_cold)} (target <= 1.5x)  "
        f"c/e {ratio(warm, ruff_warm)} (target <= 0.5x)"
    )
    print(
        f"parsing only: g/a' {ratio(parse_only, floor_pre)}; the analysis (b - g) takes "
        f"{cold.median - parse_only.median:.2f} s of (b)'s {cold.median:.2f} s"
    )


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def report_scaling(bench: Bench, sources: Sequence[str], full: FileSet, rounds: int) -> None:
    """Cold runs on every 4th, every 2nd and every file: time per line should stay flat."""
    file_sets = []
    for percent in SCALING_FRACTIONS:
        stride = 100 // percent
        if stride == 1:
            file_sets.append(full)
            continue
        roots = link_tree(sources, bench.scratch / f"scale_{percent}", every(stride))
        file_sets.append(make_file_set(f"{percent}%", roots))
    rows = []
    for percent, file_set in zip(SCALING_FRACTIONS, file_sets, strict=True):
        row = [
            Measurement(
                f"{percent}% sessionsafe --no-cache",
                bench.sessionsafe_check(file_set.roots, "--no-cache"),
                file_set.lines,
            )
        ]
        if bench.ruff is not None:
            row.append(
                Measurement(
                    f"{percent}% ruff --no-cache",
                    bench.ruff_check(file_set.roots, cached=False),
                    file_set.lines,
                )
            )
        rows.append(row)
    bench.alternate([measurement for row in rows for measurement in row], rounds)
    print(f"\nscaling, cold ({rounds} rounds; seconds per million lines should stay flat):")
    for percent, file_set, row in zip(SCALING_FRACTIONS, file_sets, rows, strict=True):
        cells = "  ".join(
            f"{m.name.split(' ', 1)[1].split(' ')[0]} {m.median:6.2f} s "
            f"({m.median / file_set.lines * 1e6:5.2f} s/Mline)"
            for m in row
        )
        print(
            f"  {percent:>3}% {len(file_set.files):>6} files {file_set.lines:>10,} lines  {cells}"
        )


def report_edit_one_file(bench: Bench, full: FileSet) -> None:
    """Warm run after editing one module that defines a session factory others import."""
    analysed = passes_prefilter(full.files)
    edited = pick_factory_module(analysed) or analysed[0]
    original = Path(edited).read_bytes()
    bench.run(bench.sessionsafe_check(full.roots))
    replace_file(Path(edited), original + b"\n\ndef _edited_by_benchmark():\n    return 1\n")
    try:
        after_edit = bench.run(bench.sessionsafe_check(full.roots, "--statistics"), capture=True)
    finally:
        replace_file(Path(edited), original)
    print(f"\nwarm after editing {edited}: {after_edit.seconds:.2f} s")
    print(f"  {last_line(after_edit.stderr)}")


def pick_factory_module(paths: Sequence[str]) -> str | None:
    """The first module that binds a session factory at module level (others import it)."""
    factory = re.compile(rb"^\w+ = (?:sessionmaker|scoped_session|async_sessionmaker)\(", re.M)
    for path in paths:
        if factory.search(Path(path).read_bytes()):
            return path
    return None


def replace_file(path: Path, content: bytes) -> None:
    """Write a new inode, so the hard-linked original in the workload is untouched."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def report_startup(bench: Bench, full: FileSet, rounds: int) -> None:
    """Wall time of checking one ordinary file, as pre-commit does, next to a bare interpreter."""
    sized = [path for path in passes_prefilter(full.files) if 100 <= count_lines([path]) <= 400]
    one_file = sized[len(sized) // 2] if sized else full.files[0]
    # The scratch cwd holds the cache of the whole workload, as a project root would.
    check = Measurement(
        "check one_file.py (project cache)", bench.sessionsafe_check([one_file]), None
    )
    uncached = Measurement(
        "check --no-cache one_file.py", bench.sessionsafe_check([one_file], "--no-cache"), None
    )
    original = Path(one_file).read_bytes()
    edits = iter(range(1, rounds + 1))
    edited = Measurement(
        "check one_file.py just edited",
        bench.sessionsafe_check([one_file]),
        None,
        before=lambda: replace_file(Path(one_file), original + b"#%d\n" % next(edits)),
    )
    bare = Measurement("python -c pass", [bench.python, "-c", "pass"], None)
    bench.run(check.command)  # compiles the bytecode once, as installing the package does
    try:
        bench.alternate([check, edited, uncached, bare], rounds)
    finally:
        replace_file(Path(one_file), original)
    print(f"\nstart-up on {one_file} ({count_lines([one_file])} lines), {rounds} runs:")
    for measurement in (check, edited, uncached, bare):
        low, high = min(measurement.samples) * 1000, max(measurement.samples) * 1000
        print(
            f"  {measurement.name:<32} median {measurement.median * 1000:5.0f} ms"
            f"  [{low:.0f}-{high:.0f}]"
        )
    print("  target: sessionsafe check one_file.py < 150 ms")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", help="directories of real Python code")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of (a)-(e) (default 3)")
    parser.add_argument("--scaling-repeat", type=int, default=2, help="rounds of the scaling runs")
    parser.add_argument("--startup-repeat", type=int, default=15, help="runs of the start-up test")
    parser.add_argument("--skip-scaling", action="store_true", help="skip the 25/50/100%% runs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--parse-floor"]:
        return run_parse_floor(arguments[1])
    if arguments[:2] == ["--parse-only", "--"]:
        return run_parse_only(arguments[2:])
    if arguments[:2] == ["--memory-probe", "--"]:
        return run_memory_probe(arguments[2:])
    args = parse_args(arguments)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    missing = [d for d in args.dirs if not Path(d).is_dir()]
    if missing:
        print(f"error: not a directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    sources = [str(Path(d).resolve()) for d in args.dirs]
    # Beside the workload (hard links need the same file system), hidden from `workload/*`.
    scratch_parent = Path(sources[0]).parent
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the scratch dir is removed
    with tempfile.TemporaryDirectory(prefix=".sessionsafe-bench-", dir=scratch_parent) as scratch:
        bench = Bench(Path(scratch))
        full = make_file_set("100%", link_tree(sources, bench.scratch / "full", lambda _: True))
        report_main(bench, full, args.repeat)
        if not args.skip_scaling:
            report_scaling(bench, sources, full, args.scaling_repeat)
        report_edit_one_file(bench, full)
        report_startup(bench, full, args.startup_repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
