"""The generated rule pages under docs/rules/ match the rule classes they come from."""

from __future__ import annotations

from pathlib import Path

from sessionsafe.lint.pages import rule_pages
from sessionsafe.lint.rules import ALL_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_pages_are_up_to_date() -> None:
    """Every page scripts/gen_rule_docs.py would write is already written, unchanged."""
    stale = [
        name
        for name, text in rule_pages().items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"stale pages {stale}: run `.venv/bin/python scripts/gen_rule_docs.py`"


def test_no_page_remains_for_a_rule_that_no_longer_exists() -> None:
    """docs/rules/ holds exactly the index and one page per rule."""
    expected = {"index.md"} | {f"{rule.code}.md" for rule in ALL_RULES}
    assert {path.name for path in (DOCS / "rules").glob("*.md")} == expected


def test_every_rule_page_is_in_the_index() -> None:
    """The rules index links every rule page."""
    index = rule_pages()["rules/index.md"]
    assert [rule.code for rule in ALL_RULES if f"]({rule.code}.md)" not in index] == []


def test_site_navigation_lists_every_rule_page() -> None:
    """mkdocs.yml's nav names each rule page (the strict build rejects pages left out)."""
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [f"rules/{rule.code}.md" for rule in ALL_RULES if f"rules/{rule.code}.md" not in nav]
    assert missing == [], f"add {missing} under `Rules:` in mkdocs.yml's nav"
