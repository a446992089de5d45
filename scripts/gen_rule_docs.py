"""Generate docs/rules/*.md from the rule classes (never edit those pages by hand).

    .venv/bin/python scripts/gen_rule_docs.py           # write the pages
    .venv/bin/python scripts/gen_rule_docs.py --check   # exit 1 if a page is stale

tests/docs/test_rule_pages.py runs the same comparison.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sessionsafe.lint.pages import rule_pages

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    args = parser.parse_args(argv)
    expected = rule_pages()
    stale = sorted(
        name
        for name, text in expected.items()
        if not (DOCS / name).exists() or (DOCS / name).read_text(encoding="utf-8") != text
    )
    existing = {f"rules/{path.name}" for path in (DOCS / "rules").glob("*.md")}
    orphans = sorted(existing - set(expected))
    if args.check:
        for name in stale + orphans:
            print(f"docs/{name} is stale: run scripts/gen_rule_docs.py", file=sys.stderr)
        return 1 if stale or orphans else 0
    (DOCS / "rules").mkdir(parents=True, exist_ok=True)
    for name in stale:
        (DOCS / name).write_text(expected[name], encoding="utf-8")
        print(f"wrote docs/{name}")
    for name in orphans:
        (DOCS / name).unlink()
        print(f"removed docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
