"""The registry: every rule, ordered by code. Adding a rule = one file + one line here,
and its code in `lint/_rule_codes.py` (a test checks that both agree)."""

from __future__ import annotations

from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules.async_session_misuse import AsyncSessionMisuse
from sessionsafe.lint.rules.autoflush_disabled import AutoflushDisabled
from sessionsafe.lint.rules.commit_after_response import CommitAfterResponse
from sessionsafe.lint.rules.commit_in_business_logic import CommitInBusinessLogic
from sessionsafe.lint.rules.commit_in_loop import CommitInLoop
from sessionsafe.lint.rules.commit_inside_begin import CommitInsideBegin
from sessionsafe.lint.rules.session_not_closed import SessionNotClosed
from sessionsafe.lint.rules.shared_session import SharedSession
from sessionsafe.lint.rules.swallowed_session_failure import SwallowedSessionFailure

ALL_RULES: tuple[type[Rule], ...] = (
    CommitInBusinessLogic,
    SwallowedSessionFailure,
    AutoflushDisabled,
    CommitInLoop,
    SessionNotClosed,
    AsyncSessionMisuse,
    SharedSession,
    CommitInsideBegin,
    CommitAfterResponse,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
