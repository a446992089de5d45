"""Per-session bookkeeping, kept in ``Session.info`` so it lives and dies with the session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

#: What the commit guard does when code inside a unit of work calls
#: ``commit()`` or ``rollback()`` on the unit's session.
GuardPolicy = Literal["raise", "warn", "flush"]

GUARD_POLICIES: tuple[GuardPolicy, ...] = ("raise", "warn", "flush")

STATE_KEY = "sessionsafe.state"


@dataclass(frozen=True, slots=True)
class RaisedError:
    """A database error that passed through the session, and where it happened."""

    error: DBAPIError
    transaction: SessionTransaction | None
    savepoint: SessionTransaction | None
    location: str | None

    def inside(self, savepoint: SessionTransaction) -> bool:
        """Tell whether the error was raised inside `savepoint` (or a savepoint nested in it)."""
        transaction = self.savepoint
        while transaction is not None:
            if transaction is savepoint:
                return True
            transaction = transaction.parent
        return False


class SessionState:
    """What sessionsafe knows about one session.

    A session gets one when it joins a unit of work, or when a database error
    passes through it: errors are remembered for all sessions, so that
    `ensure_usable` can see an error swallowed by a long-lived worker session.
    Only a session inside a unit of work has a guard ``policy``.
    """

    __slots__ = (
        "closed_at",
        "errors",
        "owner_finishing",
        "policy",
        "user_committing",
        "violation",
    )

    def __init__(self) -> None:
        self.policy: GuardPolicy | None = None
        self.owner_finishing = False
        self.user_committing = False
        self.closed_at: str | None = None
        self.violation: BaseException | None = None
        self.errors: list[RaisedError] = []

    def live_errors(self, session: Session) -> list[RaisedError]:
        """The errors raised in the session's current transaction (older ones are dropped)."""
        if self.errors:
            current = session.get_transaction()
            self.errors = [raised for raised in self.errors if raised.transaction is current]
        return self.errors

    def forget_errors_inside(self, savepoint: SessionTransaction) -> None:
        """Drop the errors a rolled-back savepoint has undone."""
        self.errors = [raised for raised in self.errors if not raised.inside(savepoint)]

    def enter_unit(self, policy: GuardPolicy) -> None:
        self.policy = policy
        self.owner_finishing = False
        self.user_committing = False
        self.closed_at = None
        self.violation = None

    def leave_unit(self) -> None:
        self.policy = None
        self.owner_finishing = False
        self.user_committing = False
        self.closed_at = None
        self.violation = None
        if self.errors:
            self.errors = []


def state_of(session: Session) -> SessionState | None:
    """Return the session's state, if it ever began a transaction or joined a unit."""
    state: SessionState | None = session.info.get(STATE_KEY)
    return state


def ensure_state(session: Session) -> SessionState:
    """Return the session's state, creating it on first use."""
    state: SessionState | None = session.info.get(STATE_KEY)
    if state is None:
        state = SessionState()
        session.info[STATE_KEY] = state
    return state
