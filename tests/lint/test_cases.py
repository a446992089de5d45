"""Every case of the lint corpus (tests/lint/cases) yields exactly its `# error:` markers.

Only the codes of implemented rules (`ALL_RULES`) are compared, so the corpus
can hold markers for rules that do not exist yet. A project directory
(`cases/projects/<name>/`) is checked as one tree: its module summaries form
the `ProjectIndex` every file of it is checked with.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sessionsafe.lint.analysis.project import ProjectIndex, module_name_for, summarize_module
from sessionsafe.lint.config import Settings
from sessionsafe.lint.engine import check_source
from sessionsafe.lint.rules import ALL_RULES

CASES = Path(__file__).parent / "cases"
PROJECTS = CASES / "projects"
_MARKER = re.compile(r"#\s*error:\s*(?P<codes>SES\d{3}(?:\s*,\s*SES\d{3})*)")
IMPLEMENTED = frozenset(rule.code for rule in ALL_RULES)
SETTINGS = Settings(enabled=IMPLEMENTED)

Finding = tuple[int, str]


def expected_findings(source: str) -> set[Finding]:
    """The (line, code) pairs the `# error:` markers of `source` ask for."""
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _MARKER.finditer(line):
            for code in match.group("codes").split(","):
                if code.strip() in IMPLEMENTED:
                    found.add((number, code.strip()))
    return found


def single_files() -> list[Path]:
    return sorted(path for path in CASES.rglob("*.py") if PROJECTS not in path.parents)


def project_dirs() -> list[Path]:
    return sorted(path for path in PROJECTS.iterdir() if path.is_dir()) if PROJECTS.exists() else []


def _case_id(path: Path) -> str:
    return str(path.relative_to(CASES))


@pytest.mark.parametrize("path", single_files(), ids=_case_id)
def test_case_file_yields_exactly_its_markers(path: Path) -> None:
    """A single-file case produces the findings its markers name and no others."""
    source = path.read_text(encoding="utf-8")
    found = {(d.line, d.code) for d in check_source(source, path.name, SETTINGS)}
    assert found == expected_findings(source)


@pytest.mark.parametrize("root", project_dirs(), ids=_case_id)
def test_project_case_yields_exactly_its_markers(root: Path) -> None:
    """Every file of a cross-file project yields its markers when checked with the project index."""
    sources = {path: path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))}
    trees = {path: ast.parse(source) for path, source in sources.items()}
    summaries = {}
    for path, tree in trees.items():
        module, is_package = module_name_for(str(path.relative_to(root)))
        summaries[module] = summarize_module(tree, module, SETTINGS, is_package)
    index = ProjectIndex(summaries)
    mismatches = {}
    for path, source in sources.items():
        relative = str(path.relative_to(root))
        found = {
            (d.line, d.code) for d in check_source(source, relative, SETTINGS, index, trees[path])
        }
        expected = expected_findings(source)
        if found != expected:
            mismatches[relative] = {"missing": expected - found, "unexpected": found - expected}
    assert mismatches == {}


def test_marker_parser_reads_several_codes_and_ignores_unimplemented_ones() -> None:
    """`# error: SES001, SES999` asks for SES001 only while SES999 does not exist."""
    assert expected_findings("x = 1\ns.commit()  # error: SES001, SES999\n") == {(2, "SES001")}
