"""Record what every rule's demo programs print on in-memory SQLite.

`sessionsafe explain --no-run`, an install without SQLAlchemy and the docs
site show these files; tests/docs/test_examples.py fails when a program's
live output no longer matches its file. Run this after changing a demo
program (or upgrading SQLAlchemy), then read the diff before committing it.

    .venv/bin/python scripts/record_demo_output.py [CODE ...]
"""

from __future__ import annotations

import sys

from sessionsafe.lint.demo import (
    RECORDED_OUTPUT_DIRECTORY,
    program_file_name,
    recorded_output_path,
    run_program,
)
from sessionsafe.lint.rules import ALL_RULES


def normalized(output: str) -> str:
    """Output without trailing spaces (SQLAlchemy's SQL echo has some), ending in one newline."""
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines()) + "\n"


def main(codes: list[str]) -> int:
    RECORDED_OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    for rule in ALL_RULES:
        if rule.demo is None or (codes and rule.code not in codes):
            continue
        for key, program in rule.demo.programs():
            run = run_program(program.source, file_name=program_file_name(key))
            path = recorded_output_path(rule.code, key)
            path.write_text(normalized(run.output), encoding="utf-8")
            print(f"{path}: {run.outcome.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
