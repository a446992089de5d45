"""A rule's runnable demonstration: a broken program, its fixed twin, and the story.

`sessionsafe explain CODE` and the generated rule page teach a rule the way
seed 000 does: the mental model, the setup, the broken program and what it
*actually* does, the fixed program and what it does, why SQLAlchemy behaves
that way, how it fails in production, the takeaway and the runtime API that
prevents it.

Programs are complete scripts. They read the database URL from the
`SESSIONSAFE_DEMO_URL` environment variable (default: in-memory SQLite), or
`SESSIONSAFE_DEMO_ASYNC_URL` for an asyncio driver, so the test suite can run
them on PostgreSQL and MariaDB too. A program reports
the rows it leaves stored by printing a line `rows stored: [...]` (a Python
list of strings); a program that ends with an uncaught exception is judged
by that exception's class.

Prose fields are Markdown-lite: paragraphs separated by blank lines,
`- ` bullets, backticks around code. They are wrapped for the terminal and
copied verbatim into the documentation site.

Giving a rule its demo: set `demo = Demo(...)` in the rule class, run
`scripts/record_demo_output.py CODE` (records what the programs print on
SQLite), `scripts/gen_rule_docs.py` (the docs page), and add the page to
`mkdocs.yml`. tests/docs/test_examples.py then runs the programs on every
database and checks the linter flags the broken ones only.
"""

from __future__ import annotations

import ast
import os
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

#: The environment variable a demo program reads its database URL from.
DATABASE_URL_VARIABLE = "SESSIONSAFE_DEMO_URL"
#: The same database through an asyncio driver, for `AsyncSession` programs.
ASYNC_DATABASE_URL_VARIABLE = "SESSIONSAFE_DEMO_ASYNC_URL"

#: The prefix of the line a demo program prints to report the rows it left stored.
ROWS_STORED_PREFIX = "rows stored: "

#: Where the output of every demo program, recorded on in-memory SQLite, is kept
#: (one `SES002-broken.txt` file per program; `scripts/record_demo_output.py` writes them).
RECORDED_OUTPUT_DIRECTORY = Path(__file__).with_name("demo_output")


def _prose(text: str) -> str:
    """Prose written indented inside a rule class, dedented and stripped."""
    return textwrap.dedent(text).strip()


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a demo program ends: with an uncaught exception, or normally.

    `raises` is the exception's qualified class name as Python prints it
    (`sqlalchemy.exc.PendingRollbackError`); `rows` is what the program's
    `rows stored:` line lists; `shows` are texts its output must contain
    (a status line, a warning) when neither says enough.
    """

    raises: str | None = None
    rows: tuple[str, ...] | None = None
    shows: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.raises is not None and self.rows is not None:
            raise ValueError("a program that raises prints no `rows stored:` line; set one of them")

    def describe(self) -> str:
        """The outcome in words, for pages and test failures."""
        if self.raises is not None:
            return f"raises {self.raises.rpartition('.')[2]}"
        if self.rows is not None:
            return f"stores {list(self.rows)!r}"
        return "ends normally"


@dataclass(frozen=True, slots=True)
class Program:
    """One complete demo program, what it does, and what it printed when recorded.

    `outcome` holds on every database unless `outcome_on` names the dialect
    (`postgresql`, `mysql`) with a different one. `requires` lists the
    modules the program imports beyond the standard library, and `install`
    the extra that provides them. What the program printed on in-memory
    SQLite is recorded in a file next to this module (`recorded_output`).
    """

    source: str
    outcome: Outcome
    outcome_on: dict[str, Outcome] = field(default_factory=dict)
    requires: tuple[str, ...] = ("sqlalchemy",)
    install: str = "sessionsafe[runtime]"

    def __post_init__(self) -> None:
        # Programs are written indented inside rule classes; store them as files.
        object.__setattr__(self, "source", textwrap.dedent(self.source).strip() + "\n")

    def outcome_for(self, dialect: str) -> Outcome:
        """The outcome expected on the given SQLAlchemy dialect name."""
        return self.outcome_on.get(dialect, self.outcome)

    def missing_modules(self) -> tuple[str, ...]:
        """The required modules this interpreter cannot import."""
        import importlib.util

        return tuple(name for name in self.requires if importlib.util.find_spec(name) is None)


@dataclass(frozen=True, slots=True)
class Variation:
    """A second way the same bug shows up, with its own broken and fixed programs.

    `name` (kebab-case) keys its programs: `query-error-broken`, `query-error-fixed`.
    """

    name: str
    #: The section title on the page.
    title: str
    #: What differs from the main demo, and what to watch for.
    story: str
    broken: Program
    fixed: Program

    def __post_init__(self) -> None:
        object.__setattr__(self, "story", _prose(self.story))


@dataclass(frozen=True, slots=True)
class Demo:
    """Everything `explain` and the rule page show beyond the rule's docstring."""

    #: The mental model, in two sentences.
    mental_model: str
    #: The situation the programs play out.
    setup: str
    broken: Program
    fixed: Program
    #: Why SQLAlchemy (or the database) behaves this way.
    why: str
    #: A concrete production story, with numbers.
    in_production: str
    #: The one thing to remember.
    takeaway: str
    #: How `sessionsafe.runtime` and the integrations prevent it, naming the API.
    prevention: str
    #: Other ways the bug shows up, shown after the fixed program.
    variations: tuple[Variation, ...] = ()

    def __post_init__(self) -> None:
        # Prose is written indented inside rule classes.
        for name in ("mental_model", "setup", "why", "in_production", "takeaway", "prevention"):
            object.__setattr__(self, name, _prose(getattr(self, name)))

    def programs(self) -> tuple[tuple[str, Program], ...]:
        """Every program with its key: `broken`, `fixed`, then `<variation>-broken`..."""
        found = [("broken", self.broken), ("fixed", self.fixed)]
        for variation in self.variations:
            found += [
                (f"{variation.name}-broken", variation.broken),
                (f"{variation.name}-fixed", variation.fixed),
            ]
        return tuple(found)


@dataclass(frozen=True, slots=True)
class ProgramRun:
    """What running a demo program really did."""

    #: Combined stdout and stderr, ending with the uncaught exception as Python prints it.
    output: str
    #: The uncaught exception's qualified class name, or None when the program ended normally.
    raised: str | None
    #: The rows of the program's last `rows stored:` line, or None if it printed none.
    rows: tuple[str, ...] | None
    #: The SQLAlchemy version the program ran with.
    sqlalchemy_version: str
    seconds: float

    @property
    def outcome(self) -> Outcome:
        """How the run ended, as an Outcome (the uncaught exception, or the rows reported)."""
        return Outcome(raises=self.raised, rows=self.rows)


class DemoRunError(RuntimeError):
    """A demo program could not be run (timeout, or the runner itself failed)."""


# Runs the program as __main__ and records how it ended in a JSON file; the
# uncaught exception is printed exactly as Python would print its last line.
_RUNNER = """\
import json, runpy, sys, traceback
result_path, program_path = sys.argv[1], sys.argv[2]
raised = None
try:
    runpy.run_path(program_path, run_name="__main__")
except Exception as error:
    kind = type(error)
    raised = kind.__qualname__ if kind.__module__ == "builtins" else (
        kind.__module__ + "." + kind.__qualname__)
    sys.stdout.flush()
    sys.stderr.write("".join(traceback.format_exception_only(kind, error)))
    sys.stderr.flush()
try:
    import sqlalchemy
    version = sqlalchemy.__version__
except ImportError:
    version = "not installed"
with open(result_path, "w", encoding="utf-8") as result:
    json.dump({"raised": raised, "sqlalchemy": version}, result)
"""


def run_program(
    source: str,
    *,
    database_url: str = "sqlite:///:memory:",
    async_database_url: str = "sqlite+aiosqlite:///:memory:",
    file_name: str = "demo.py",
    timeout: float = 60.0,
) -> ProgramRun:
    """Run a demo program in a fresh interpreter against `database_url`.

    The program runs as `file_name` in a temporary directory, so paths in
    warnings do not depend on the machine. Raises `DemoRunError` on timeout.
    """
    # Imported here: rule modules import this one, and `check` never runs a program.
    import json
    import subprocess
    import tempfile
    import time

    with tempfile.TemporaryDirectory(prefix="sessionsafe-demo-") as directory:
        program = Path(directory, file_name)
        program.write_text(source, encoding="utf-8")
        result = Path(directory, "result.json")
        environment = {
            **os.environ,
            DATABASE_URL_VARIABLE: database_url,
            ASYNC_DATABASE_URL_VARIABLE: async_database_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
        }
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                [sys.executable, "-c", _RUNNER, str(result), file_name],
                cwd=directory,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise DemoRunError(f"the demo program did not finish within {timeout:g} s") from error
        seconds = time.perf_counter() - started
        output = completed.stdout.decode("utf-8", errors="replace")
        if not result.exists():
            raise DemoRunError(
                f"the demo runner exited with status {completed.returncode}:\n{output}"
            )
        recorded = json.loads(result.read_text(encoding="utf-8"))
    return ProgramRun(
        output=output,
        raised=recorded["raised"],
        rows=rows_reported(output),
        sqlalchemy_version=recorded["sqlalchemy"],
        seconds=seconds,
    )


def program_file_name(key: str) -> str:
    """The file name a program is shown and run under: `broken.py`, `query_error_fixed.py`."""
    return key.replace("-", "_") + ".py"


def recorded_output_path(code: str, key: str) -> Path:
    """The file holding the recorded output of rule `code`'s program `key` (`broken`...)."""
    return RECORDED_OUTPUT_DIRECTORY / f"{code}-{key}.txt"


def recorded_output(code: str, key: str) -> str:
    """The recorded output of a demo program, or a line saying it was never recorded."""
    path = recorded_output_path(code, key)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"(no recorded output: run scripts/record_demo_output.py to create {path.name})\n"


def rows_reported(output: str) -> tuple[str, ...] | None:
    """The rows listed on the last `rows stored: [...]` line of a program's output."""
    for line in reversed(output.splitlines()):
        if line.startswith(ROWS_STORED_PREFIX):
            rows = ast.literal_eval(line.removeprefix(ROWS_STORED_PREFIX))
            return tuple(str(row) for row in rows)
    return None
