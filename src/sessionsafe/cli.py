"""The `sessionsafe` command: `check`, `rules` and `explain`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sessionsafe import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sessionsafe",
        description="Find and prevent SQLAlchemy session-lifecycle bugs.",
    )
    parser.add_argument("--version", action="version", version=f"sessionsafe {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return 0
