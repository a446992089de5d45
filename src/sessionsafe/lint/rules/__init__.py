"""The registry: every rule, ordered by code. Adding a rule = one file + one line here."""

from __future__ import annotations

from sessionsafe.lint.rule import Rule

ALL_RULES: tuple[type[Rule], ...] = ()

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
