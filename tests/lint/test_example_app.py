"""`sessionsafe check examples/` finds exactly the bugs planted in the example application."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sessionsafe.lint.config import default_settings
from sessionsafe.lint.rules import RULES_BY_CODE
from sessionsafe.lint.runner import check_paths

EXAMPLES = Path(__file__).parents[2] / "examples"

#: (file, line, code) of every finding the example application is meant to show.
INTENDED = [
    # BookRepository.save_price commits the request's session from inside the repository.
    ("bookshop/repositories.py", 25, "SES001"),
    # register_customer commits the session its caller (the API handler) owns.
    ("bookshop/services.py", 27, "SES001"),
    # The worker swallows IntegrityError and keeps using the session for the next event.
    ("bookshop/worker.py", 39, "SES002"),
]


def test_every_example_file_is_valid_python() -> None:
    """The example is user-facing code: every file parses."""
    files = sorted(EXAMPLES.rglob("*.py"))
    assert len(files) >= 7
    for path in files:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_example_app_shows_exactly_the_intended_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each planted bug is found at its line, and the correct code around it is not flagged."""
    monkeypatch.chdir(EXAMPLES)
    report = check_paths(["."], default_settings(str(EXAMPLES)), use_cache=False)
    found = [(d.path, d.line, d.code) for d in report.diagnostics]
    expected = [finding for finding in INTENDED if finding[2] in RULES_BY_CODE]
    assert found == expected


def test_the_intended_lines_hold_what_the_findings_describe() -> None:
    """The recorded lines still point at a commit call or an except clause."""
    for path, line, code in INTENDED:
        text = (EXAMPLES / path).read_text(encoding="utf-8").splitlines()[line - 1].strip()
        assert text.endswith(".commit()") if code == "SES001" else text.startswith("except ")
