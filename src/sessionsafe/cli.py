"""The `sessionsafe` command: `check`, `rules` and `explain`.

Only `argparse` is imported at start; each sub-command imports what it needs,
so `sessionsafe check one_file.py` (pre-commit runs it often) starts fast.
Bad input and bad configuration end with a one-line message on stderr and
exit status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from sessionsafe import __version__

if TYPE_CHECKING:
    from sessionsafe.lint.runner import Report

#: Exit statuses of `sessionsafe check`.
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_OUTPUT_FORMATS = ("text", "json", "sarif", "github")
#: A run shorter than this shows no progress line.
_PROGRESS_DELAY = 0.5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sessionsafe",
        description="Find and prevent SQLAlchemy session-lifecycle bugs.",
    )
    parser.add_argument("--version", action="version", version=f"sessionsafe {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    rules = commands.add_parser("rules", help="list every rule", description="List every rule.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = commands.add_parser(
        "explain",
        help="show a rule's page, running its demonstration",
        description="Show a rule's documentation, running its broken and fixed demo programs.",
    )
    explain.add_argument("code", metavar="CODE", help="a rule code, such as SES002")
    explain.add_argument(
        "--no-run", action="store_true", help="show the recorded demo output instead of running it"
    )
    return parser


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="check Python files for session-lifecycle bugs",
        description="Check Python files for SQLAlchemy session-lifecycle bugs. "
        "Exit status: 0 no findings, 1 findings, 2 usage or configuration error.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    check.add_argument("--format", choices=_OUTPUT_FORMATS, default="text", help="output format")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument("--config", metavar="FILE", help="read settings from this TOML file")
    for flag, what in (
        ("--select", "rule codes or prefixes to enable, replacing the configured `select`"),
        ("--ignore", "rule codes or prefixes to disable, replacing the configured `ignore`"),
        ("--extend-select", "rule codes or prefixes to enable in addition"),
        ("--exclude", "globs of paths not to discover, replacing the configured `exclude`"),
    ):
        check.add_argument(flag, metavar="LIST", action="append", help=f"{what} (comma-separated)")
    check.add_argument(
        "--jobs", "-j", type=_positive_int, metavar="N", help="worker processes (default: cores)"
    )
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print on stderr how many files were analysed, cached and skipped, and the time",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args.format)
        if args.command == "explain":
            return _explain(args.code, run=not args.no_run)
    except KeyboardInterrupt:
        return 130
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _error(message: str) -> int:
    print(f"sessionsafe: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _check(args: argparse.Namespace) -> int:
    from sessionsafe.lint._discovery import MissingPathError
    from sessionsafe.lint.config import CommandLineOptions, ConfigError, load_settings
    from sessionsafe.lint.output import render
    from sessionsafe.lint.runner import check_paths

    paths: list[str] = args.paths or ["."]
    overrides = CommandLineOptions(
        select=_split(args.select),
        ignore=_split(args.ignore),
        extend_select=_split(args.extend_select) or (),
        exclude=_split(args.exclude),
    )
    progress = _ProgressLine(sys.stderr)
    started = time.perf_counter()
    try:
        settings = load_settings(paths, overrides, args.config)
        report = check_paths(
            paths, settings, jobs=args.jobs, use_cache=not args.no_cache, progress=progress
        )
    except ConfigError as error:
        return _error(str(error))
    except MissingPathError as error:
        return _error(f"{error}; name an existing file or directory")
    finally:
        progress.clear()
    color = _use_color(args.color, sys.stdout)
    _write(render(args.format, report, color=color and args.format == "text"))
    if args.statistics:
        print(
            f"sessionsafe: {report.files_checked} files checked: {len(report.analysed)} files "
            f"analysed, {report.cached} from the cache, {report.skipped} skipped by the "
            f"pre-filter; {report.read} files read, {report.parses} parses "
            f"({time.perf_counter() - started:.2f} s{_pass_timings(report)})",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if report.diagnostics else EXIT_CLEAN


def _pass_timings(report: Report) -> str:
    """`: reading 1.90 s, summarising 4.81 s, ...` for the passes that ran, else nothing."""
    passes = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in report.timings)
    return f": {passes}" if passes else ""


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return _is_terminal(stream) and not os.environ.get("NO_COLOR")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`sessionsafe check | head`): nothing left to tell it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _ProgressLine:
    """`checking 120/400 files` on stderr, only on a terminal and only once a run is slow."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._enabled = _is_terminal(stream)
        self._started = time.monotonic()
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._enabled or time.monotonic() - self._started < _PROGRESS_DELAY:
            return
        self._stream.write(f"\r\x1b[Ksessionsafe: {stage} {done}/{total} files")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def _rules(output_format: str) -> int:
    from sessionsafe.lint._file_errors import NAMES, SUMMARIES
    from sessionsafe.lint.output import rule_url
    from sessionsafe.lint.rules import ALL_RULES

    rows = [(r.code, r.name, r.default_enabled, r.summary()) for r in ALL_RULES]
    rows += [(code, NAMES[code], True, summary) for code, summary in SUMMARIES.items()]
    if output_format == "json":
        import json

        listed = [
            {"code": c, "name": n, "default_enabled": on, "summary": s, "url": rule_url(c)}
            for c, n, on, s in rows
        ]
        _write(json.dumps(listed, indent=2) + "\n")
        return EXIT_CLEAN
    name_width = max((len(row[1]) for row in rows), default=4)
    lines = [f"{'code':<8}{'name':<{name_width + 2}}{'default':<9}summary"]
    # On a terminal each rule stays on one line; piped, the summaries are whole.
    room = _terminal_width() - (8 + name_width + 2 + 9) if _is_terminal(sys.stdout) else 0
    for code, name, on, summary in rows:
        if room > 10 and len(summary) > room:
            summary = summary[: room - 1].rstrip() + "…"
        lines.append(f"{code:<8}{name:<{name_width + 2}}{'on' if on else 'off':<9}{summary}")
    _write("\n".join(lines) + "\n")
    return EXIT_CLEAN


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size().columns


def _explain(code: str, *, run: bool) -> int:
    from sessionsafe.lint import _file_errors

    wanted = code.strip().upper()
    if wanted in _file_errors.SUMMARIES:
        _write(
            f"{wanted} ({_file_errors.NAMES[wanted]})\n\n{_file_errors.SUMMARIES[wanted]}\n\n"
            f"What to do: {_file_errors.HELP[wanted]}.\n"
        )
        return EXIT_CLEAN
    from sessionsafe.lint.explain import UnknownRuleError, explain

    color = _is_terminal(sys.stdout) and not os.environ.get("NO_COLOR")
    width = min(_terminal_width(), 100)
    try:
        page = explain(code, run=run, color=color, width=width)
    except UnknownRuleError as error:
        return _error(str(error))
    _write(page if page.endswith("\n") else page + "\n")
    return EXIT_CLEAN
