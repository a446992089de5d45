"""`check_source`: one file through model, rules and noqa to sorted diagnostics."""

from __future__ import annotations

import ast
import gc
import textwrap

import pytest

from sessionsafe.lint.analysis import SemanticModel
from sessionsafe.lint.analysis.project import ProjectIndex
from sessionsafe.lint.config import Settings
from sessionsafe.lint.engine import _walk, check_source
from sessionsafe.lint.pages import example_source
from sessionsafe.lint.rule import Reporter, Rule
from sessionsafe.lint.rules import ALL_RULES

BOTH = Settings(enabled=frozenset({"SES001", "SES002"}))

SOURCE = textwrap.dedent(
    """
    from sqlalchemy.orm import Session


    def save(session: Session, rows):
        for row in rows:
            try:
                session.add(row)
                session.flush()
            except Exception:
                pass
        session.commit()
    """
)


def test_findings_are_sorted_by_line_and_carry_rule_metadata() -> None:
    """Both findings come back in source order with code, name, message and help."""
    found = check_source(SOURCE, "app/services.py", BOTH)
    assert [(d.line, d.code, d.name) for d in found] == [
        (10, "SES002", "swallowed-session-failure"),
        (12, "SES001", "commit-in-business-logic"),
    ]
    commit = found[1]
    assert commit.message == (
        "`session.commit()` in `save`, which does not own `session` (a parameter)"
    )
    assert commit.help is not None
    assert commit.help.startswith("Remove the commit")
    assert (commit.column, commit.end_column) == (5, 21)


def test_except_finding_spans_only_the_handler_header() -> None:
    """The SES002 anchor covers `except Exception` on its own line."""
    swallowed = check_source(SOURCE, "app/services.py", BOTH)[0]
    assert (swallowed.line, swallowed.column, swallowed.end_line, swallowed.end_column) == (
        10,
        9,
        10,
        25,
    )


def test_only_enabled_rules_run() -> None:
    """A run with only SES002 enabled reports no SES001."""
    found = check_source(SOURCE, "x.py", Settings(enabled=frozenset({"SES002"})))
    assert [d.code for d in found] == ["SES002"]


@pytest.mark.parametrize(
    ("comment", "remaining"),
    [
        ("# noqa: SES001", ["SES002"]),
        ("# noqa", ["SES002"]),
        ("# noqa: SES002", ["SES002", "SES001"]),
    ],
)
def test_noqa_on_the_anchor_line_silences_the_named_codes(
    comment: str, remaining: list[str]
) -> None:
    """`# noqa: SES001` on the commit line silences that finding only; other codes stay."""
    source = SOURCE.replace("session.commit()", f"session.commit()  {comment}")
    assert [d.code for d in check_source(source, "x.py", BOTH)] == remaining


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_noqa_works_with_every_line_break(line_break: str) -> None:
    """A `# noqa` on the commit line silences it whether lines end in LF, CRLF or a lone CR."""
    source = SOURCE.replace("session.commit()", "session.commit()  # noqa: SES001")
    found = check_source(source.replace("\n", line_break), "x.py", BOTH)
    assert [d.code for d in found] == ["SES002"]


def test_columns_count_characters_not_utf8_bytes() -> None:
    """A non-ASCII string before the call shifts the column by characters."""
    source = SOURCE.replace("session.commit()", 'label = "été"; session.commit()')
    commit = check_source(source, "x.py", BOTH)[1]
    assert commit.column == 5 + len('label = "été"; ')


def test_unparsable_source_raises_syntax_error() -> None:
    """The runner turns the SyntaxError into its own diagnostic."""
    with pytest.raises(SyntaxError):
        check_source("def broken(:\n", "broken.py", BOTH)


def test_file_without_sessions_yields_nothing() -> None:
    """Ordinary code with `try`/`except` and `.commit()` on other objects is silent."""
    source = textwrap.dedent(
        """
        import sqlite3

        def store(path, rows):
            conn = sqlite3.connect(path)
            try:
                conn.executemany("insert into t values (?)", rows)
                conn.commit()
            except Exception:
                pass
        """
    )
    assert check_source(source, "x.py", BOTH) == []


class _EveryCall(Rule):
    code = "SES998"
    message = help = "unused"

    def __init__(self, model: SemanticModel, reporter: Reporter) -> None:
        super().__init__(model, reporter)
        self.seen: list[str] = []

    def visit_Call(self, node: ast.Call) -> None:
        self.seen.append(ast.unparse(node.func))


class _CommitsOnly(_EveryCall):
    code = "SES999"
    call_attributes = frozenset({"commit", "rollback"})


def test_visit_call_sees_only_the_method_calls_a_rule_names() -> None:
    """`call_attributes` narrows `visit_Call` to those methods; other rules see every call."""
    source = "session.commit()\nsession.add(make())\nsession.rollback()\ncommit()\n"
    tree = ast.parse(source)
    model = SemanticModel.build(tree, source, "x.py", Settings(), ProjectIndex.empty())
    every, commits = _EveryCall(model, _ignore), _CommitsOnly(model, _ignore)
    _walk(tree, [every, commits], model)
    assert every.seen == ["session.commit", "session.add", "make", "session.rollback", "commit"]
    assert commits.seen == ["session.commit", "session.rollback"]


def _ignore(*_: object) -> None:
    pass


def test_checking_a_file_leaves_no_reference_cycle() -> None:
    """The runner pauses the cyclic garbage collector while it checks files
    (`runner._paced`), so what one file's check builds must be freed by reference counting
    alone: a model or rule that referred back to itself would keep every file's tree alive
    until the next collection (a lambda holding the model once cost 19% of a cold run)."""
    every_rule = Settings(enabled=frozenset(rule.code for rule in ALL_RULES))
    sources = [example_source(bad) for rule in ALL_RULES for bad in rule.bad]
    gc.collect()
    gc.disable()
    try:
        for source in sources:
            check_source(source, "app/service.py", every_rule)
        assert gc.collect() == 0
    finally:
        gc.enable()
