"""The rule codes, and which run by default, without importing a rule.

Resolving `select`/`ignore` needs only the codes. A run answered from the cache then
imports no rule and no part of the model, which keeps `sessionsafe check one_file.py`
(pre-commit) quick. `tests/lint/test_rules.py` checks this table against the registry
in `rules/__init__.py`.
"""

from __future__ import annotations

#: Every rule's code, in the registry's order.
RULE_CODES: tuple[str, ...] = (
    "SES001",
    "SES002",
    "SES003",
    "SES004",
    "SES005",
    "SES006",
    "SES007",
    "SES010",
    "SES013",
)
#: The codes of the rules that run unless a configuration deselects them.
DEFAULT_ENABLED: frozenset[str] = frozenset(RULE_CODES)
