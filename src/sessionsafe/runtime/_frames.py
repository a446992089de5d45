"""Stack inspection, used only on rare paths (a violation, an error, a savepoint release)."""

from __future__ import annotations

import contextlib
import os
import sys
from types import FrameType

import sqlalchemy
from sqlalchemy.orm import SessionTransaction

# Frames in these directories are plumbing, never the user's code.
_PLUMBING = (
    os.path.dirname(sqlalchemy.__file__) + os.sep,
    os.path.dirname(__file__) + os.sep,
    contextlib.__file__,
    "<sqlalchemy generated",  # wrappers SQLAlchemy's decorators compile at import
)


def caller_location() -> str | None:
    """Return ``"path:line"`` of the innermost frame outside SQLAlchemy and sessionsafe.

    Under ``AsyncSession`` the listener runs in a greenlet that SQLAlchemy
    spawned for the call, so the user's ``await`` is found in the parent
    greenlet's suspended stack.
    """
    frame: FrameType | None = sys._getframe(1)
    for stack in _stacks(frame):
        while stack is not None:
            filename = stack.f_code.co_filename
            if not filename.startswith(_PLUMBING):
                return f"{filename}:{stack.f_lineno}"
            stack = stack.f_back
    return None


def _stacks(frame: FrameType | None) -> list[FrameType | None]:
    stacks = [frame]
    try:
        import greenlet  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - greenlet ships with SQLAlchemy's asyncio extra
        return stacks
    current = greenlet.getcurrent().parent
    while current is not None:
        stacks.append(current.gr_frame)
        current = current.parent
    return stacks


def releasing_savepoint() -> bool:
    """Tell whether the running ``before_commit`` event comes from a SAVEPOINT release.

    ``before_commit`` fires both when a savepoint is released and when the
    root transaction commits, and while a savepoint is open the session looks
    the same in both cases. The transaction whose ``_prepare_impl`` fired the
    event says which one it is. Only called while a savepoint is open.
    """
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_prepare_impl":
            transaction = frame.f_locals.get("self")
            if isinstance(transaction, SessionTransaction):
                return transaction.nested
        frame = frame.f_back
    # SQLAlchemy's internals changed: allow the commit rather than break savepoints.
    return True
