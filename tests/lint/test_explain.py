"""`explain(code)`: the rule page in teaching order, demo programs run live or shown as recorded."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from sessionsafe.lint import demo as demo_module
from sessionsafe.lint.demo import Demo, Outcome, Program
from sessionsafe.lint.explain import UnknownRuleError, explain, wrap_prose
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import RULES_BY_CODE

BROKEN = """
    import sys
    print("the broken program runs in", "a subprocess" if __name__ == "__main__" else "?")
    raise LookupError("nothing stored")
"""
FIXED = """
    print("rows stored:", ["kept"])
"""
LONG_SENTENCE = "A failed flush leaves the session unusable until it is rolled back. " * 4


class ExampleTeachingRule(Rule):
    """
    ## What it does
    Flags the example pattern.

    ## Why is this bad?
    It is only an example.

    ## Known limits
    Sees nothing at all.
    """

    code = "SES990"
    message = "`{session}` is an example"
    help = "Do the other thing"
    bad = ("session.commit()  # error: SES990\n",)
    good = ("session.flush()\n",)
    demo = Demo(
        mental_model=LONG_SENTENCE,
        setup="A program that fails, and one that does not.",
        broken=Program(source=BROKEN, outcome=Outcome(raises="LookupError"), requires=("sys",)),
        fixed=Program(source=FIXED, outcome=Outcome(rows=("kept",)), requires=("sys",)),
        why="Because.",
        in_production="- it failed 3 times\n- then 5 times",
        takeaway="Do not do it.",
        prevention="`unit_of_work` prevents it.",
    )


class ExampleReferenceRule(Rule):
    """
    ## What it does
    Flags another pattern.

    ## Why is this bad?
    Reasons.
    """

    code = "SES991"
    message = "example"
    help = "Fix it"
    bad = ("session.commit()  # error: SES991\n",)
    good = ("pass\n",)


@pytest.fixture
def example_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Register the two example rules and give them recorded output."""
    monkeypatch.setitem(RULES_BY_CODE, "SES990", ExampleTeachingRule)
    monkeypatch.setitem(RULES_BY_CODE, "SES991", ExampleReferenceRule)
    monkeypatch.setattr(demo_module, "RECORDED_OUTPUT_DIRECTORY", tmp_path)
    demo_module.recorded_output_path("SES990", "broken").write_text("recorded broken output\n")
    demo_module.recorded_output_path("SES990", "fixed").write_text("recorded fixed output\n")


def headings(page: str) -> list[str]:
    """Section titles: unindented upper-case lines."""
    return [line for line in page.splitlines() if line.isupper() and not line.startswith(" ")]


@pytest.mark.usefixtures("example_rules")
def test_page_follows_the_teaching_order() -> None:
    """Mental model, setup, broken code, what happens, fix, why, story, takeaway, prevention."""
    page = explain("SES990", run=False)
    assert headings(page) == [
        "MENTAL MODEL",
        "THE SETUP",
        "THE BROKEN CODE",
        "WHAT ACTUALLY HAPPENS",
        "THE FIXED CODE",
        "WHY SQLALCHEMY BEHAVES THIS WAY",
        "HOW THIS FAILS IN REAL SYSTEMS",
        "KEY TAKEAWAY",
        "HOW SESSIONSAFE PREVENTS IT",
        "WHAT `SESSIONSAFE CHECK` FLAGS (SES990)",
        "KNOWN LIMITS",
    ]


@pytest.mark.usefixtures("example_rules")
def test_live_run_shows_the_real_output_of_each_program() -> None:
    """With run=True both programs execute in a subprocess and their real output is shown."""
    page = explain("SES990", run=True)
    assert "the broken program runs in a subprocess" in page
    assert "LookupError: nothing stored" in page
    assert "rows stored: ['kept']" in page
    assert "recorded broken output" not in page
    assert re.search(r"Run just now on in-memory SQLite with SQLAlchemy \S+ \(\d+\.\d s\)", page)


@pytest.mark.usefixtures("example_rules")
def test_no_run_shows_the_recorded_output_and_says_so() -> None:
    """With run=False nothing executes: the recorded output is shown, labelled as such."""
    page = explain("SES990", run=False)
    assert "recorded broken output" in page
    assert "runs in a subprocess" not in page
    assert "Recorded output (--no-run)" in page


@pytest.mark.usefixtures("example_rules")
def test_missing_dependency_shows_recorded_output_and_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the program's requirements installed, the page says how to see it live."""
    monkeypatch.setattr(Program, "missing_modules", lambda self: ("sqlalchemy",))
    page = explain("SES990", run=True, width=200)
    assert "recorded broken output" in page
    assert "sqlalchemy is not installed here" in page
    assert "pip install 'sessionsafe[runtime]'" in page


@pytest.mark.usefixtures("example_rules")
def test_plain_page_has_no_ansi_and_color_page_has() -> None:
    """Plain text by default (safe to pipe); ANSI styling only when asked."""
    assert "\x1b[" not in explain("SES990", run=False)
    assert "\x1b[1;36mMENTAL MODEL\x1b[0m" in explain("SES990", run=False, color=True)


@pytest.mark.usefixtures("example_rules")
def test_prose_fits_the_width_but_code_is_never_wrapped() -> None:
    """Prose lines fit in `width` columns; code lines keep their length."""
    page = explain("SES990", run=False, width=60)
    prose = page.split("MENTAL MODEL")[1].split("THE SETUP")[0]
    assert max(len(line) for line in prose.splitlines()) <= 60
    long_code_line = '    print("the broken program runs in", "a subprocess" if __name__ =='
    assert long_code_line in page


@pytest.mark.usefixtures("example_rules")
def test_rule_without_demo_renders_its_docstring_and_examples() -> None:
    """A rule without a demo shows its docs, with Example/Use instead from bad/good."""
    page = explain("ses991", run=True)
    assert headings(page) == ["WHAT IT DOES", "WHY IS THIS BAD?", "EXAMPLE", "USE INSTEAD"]
    assert "    session.commit()\n" in page
    assert "# error" not in page


def test_unknown_code_raises_an_error_saying_what_to_do() -> None:
    """An unknown code is a ValueError naming the code and the command that lists codes."""
    with pytest.raises(UnknownRuleError, match=r"unknown rule code 'XYZ'.*sessionsafe rules"):
        explain("XYZ")
    assert issubclass(UnknownRuleError, ValueError)


def test_bullets_wrap_with_a_hanging_indent() -> None:
    """Bullet items wrap under their own text, not under the dash."""
    lines = wrap_prose("- " + "word " * 30, 40)
    assert lines[0].startswith("  - ")
    assert all(line.startswith("    ") for line in lines[1:])
    assert max(map(len, lines)) <= 40


def test_demo_runner_uses_this_interpreter() -> None:
    """Demo programs run with sys.executable, so they see the same installed packages."""
    run = demo_module.run_program("import sys\nprint('rows stored:', [sys.executable])\n")
    assert run.rows == (sys.executable,)


def test_wrapping_keeps_a_short_code_span_on_one_line() -> None:
    """A command in backticks is never split across lines, so it can be copied."""
    text = "x " * 33 + "`pip install 'sessionsafe[runtime]'` to see it live."
    lines = wrap_prose(text, 80)
    assert any("`pip install 'sessionsafe[runtime]'`" in line for line in lines)
    assert max(map(len, lines)) <= 80


def test_ses002_page_runs_the_seed_scenario_live() -> None:
    """`explain SES002` shows SQLAlchemy's real PendingRollbackError, then the fix succeeding."""
    page = explain("SES002", run=True, width=80)
    broken = page.split("WHAT ACTUALLY HAPPENS")[1].split("THE FIXED CODE")[0]
    fixed = page.split("THE FIXED CODE")[1].split("WHY SQLALCHEMY BEHAVES THIS WAY")[0]
    assert "sqlalchemy.exc.PendingRollbackError: This Session's transaction has been" in broken
    assert "Run just now on in-memory SQLite" in broken
    assert "Second operation succeeded!" in fixed
    assert "rows stored: ['SHUTDOWN']" in fixed
    assert max(len(line) for line in page.splitlines()) <= 80
