"""`sessionsafe check examples/` finds exactly the bugs planted in the example application."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
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


WORKER_RUN = """
from sqlalchemy.exc import PendingRollbackError
from bookshop.db import SessionLocal, engine
from bookshop.models import Base, Book
from bookshop.worker import consume, consume_with_savepoints

Base.metadata.create_all(engine)
with SessionLocal() as session:
    session.add(Book(isbn="9780000000001", title="Dune", stock=1, price_cents=999))
    session.commit()
events = [
    {"id": "e1", "kind": "restock", "isbn": "9780000000001", "delta": "5"},
    {"id": "e1", "kind": "restock", "isbn": "9780000000001", "delta": "5"},
    {"id": "e2", "kind": "restock", "isbn": "9780000000001", "delta": "2"},
]
try:
    consume(events)
except PendingRollbackError:
    print("consume: PendingRollbackError")
again = [dict(event, id="s" + event["id"]) for event in events]
print("consume_with_savepoints:", consume_with_savepoints(again))
with SessionLocal() as session:
    print("stock:", session.get(Book, 1).stock)
"""


def test_the_planted_worker_bug_really_breaks_the_batch(tmp_path: Path) -> None:
    """Run on SQLite, the flagged worker dies on the duplicate; the savepoint twin skips it."""
    pytest.importorskip("sqlalchemy")
    result = subprocess.run(
        [sys.executable, "-c", WORKER_RUN],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "BOOKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}"},
    )
    assert result.stdout == (
        "consume: PendingRollbackError\nconsume_with_savepoints: 2\nstock: 8\n"
    )
