"""The model's text tests: which statements may matter, which nodes may involve a session."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis import SemanticModel
from sessionsafe.lint.analysis.project import ProjectIndex
from sessionsafe.lint.config import Settings

SOURCE = """\
import os


def plain(path):
    return os.path.exists(path)


@decorated(session_scope)
def decorated(x):
    return x


def uses_db(x):
    return x.db


def last():
    return SessionLocal
"""


def _answers(source: str) -> list[tuple[bool, bool]]:
    tree = ast.parse(source)
    model = SemanticModel.build(tree, source, "app/module.py", Settings(), ProjectIndex.empty())
    return [(model.may_matter(s), model.may_involve_sessions(s)) for s in tree.body]


def test_statements_are_told_apart_by_their_lines() -> None:
    assert _answers(SOURCE) == [
        (False, False),
        (False, False),
        (True, False),  # the marker is on a decorator's line, outside the function's own text
        (False, True),
        (True, True),
    ]


@pytest.mark.parametrize("line_break", ["\r\n", "\r"])
def test_other_line_breaks_give_the_same_answers(line_break: str) -> None:
    assert _answers(SOURCE.replace("\n", line_break)) == _answers(SOURCE)
