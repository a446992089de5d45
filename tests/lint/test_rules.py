"""Every rule's own examples behave as marked, and every rule's metadata is complete."""

from __future__ import annotations

import inspect
import re

import pytest

from sessionsafe.lint._rule_codes import DEFAULT_ENABLED, RULE_CODES
from sessionsafe.lint.config import Settings
from sessionsafe.lint.engine import check_source
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import ALL_RULES, RULES_BY_CODE

_MARKER = re.compile(r"#\s*error:\s*(?P<codes>SES\d{3}(?:\s*,\s*SES\d{3})*)")
ALL_CODES = frozenset(rule.code for rule in ALL_RULES)
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Known limits")


def _examples() -> list[tuple[type[Rule], str, int, str]]:
    return [
        (rule, kind, index, sample)
        for rule in ALL_RULES
        for kind, samples in (("bad", rule.bad), ("good", rule.good))
        for index, sample in enumerate(samples)
    ]


def _marked(source: str) -> set[tuple[int, str]]:
    return {
        (number, code.strip())
        for number, line in enumerate(source.splitlines(), start=1)
        for match in _MARKER.finditer(line)
        for code in match.group("codes").split(",")
        if code.strip() in ALL_CODES
    }


@pytest.mark.parametrize(
    ("rule", "kind", "index", "sample"),
    _examples(),
    ids=[f"{rule.code}-{kind}{index}" for rule, kind, index, _ in _examples()],
)
def test_example_yields_exactly_its_markers(
    rule: type[Rule], kind: str, index: int, sample: str
) -> None:
    """A rule's bad example is flagged where marked; a good one is flagged nowhere."""
    source = inspect.cleandoc(sample)
    found = {
        (d.line, d.code) for d in check_source(source, "example.py", Settings(enabled=ALL_CODES))
    }
    assert found == _marked(source)
    own = {code for _, code in _marked(source)} & {rule.code}
    assert bool(own) == (kind == "bad")


def test_the_light_code_table_matches_the_registry() -> None:
    """`_rule_codes` lets configuration resolve codes without importing the rules."""
    assert tuple(rule.code for rule in ALL_RULES) == RULE_CODES
    assert {rule.code for rule in ALL_RULES if rule.default_enabled} == DEFAULT_ENABLED


def test_codes_are_unique_and_the_registry_is_ordered_by_code() -> None:
    """No two rules share a code, and ALL_RULES lists them by code."""
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    assert set(RULES_BY_CODE) == set(codes)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_documents_itself(rule: type[Rule]) -> None:
    """Each rule has the doc sections, a message without a trailing period, help and examples."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    positions = [doc.find(section) for section in REQUIRED_SECTIONS]
    assert all(position >= 0 for position in positions), positions
    assert positions == sorted(positions)
    assert rule.message
    assert not rule.message.endswith(".")
    assert "`" in rule.message
    assert rule.help
    assert not rule.help.endswith(".")
    assert rule.bad
    assert rule.good
    assert rule.summary().endswith(".")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_name_is_the_kebab_case_of_its_class(rule: type[Rule]) -> None:
    """`CommitInBusinessLogic` is named `commit-in-business-logic`."""
    assert rule.name == re.sub(r"(?<!^)(?=[A-Z])", "-", rule.__name__).lower()
