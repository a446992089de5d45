"""Stack inspection, used only on rare paths (a violation, an error, a savepoint release)."""

from __future__ import annotations

import sys
from types import FrameType

from sqlalchemy.orm import SessionTransaction


def _is_plumbing(frame: FrameType) -> bool:
    """Tell whether a frame belongs to SQLAlchemy, to this package or to contextlib.

    The module name is used, not the file name: the wrappers SQLAlchemy's
    decorators compile have ``<string>`` as their file name (SQLAlchemy 2.0)
    but SQLAlchemy's module name in their globals.
    """
    module: str = frame.f_globals.get("__name__", "")
    return (
        module.partition(".")[0] == "sqlalchemy"
        or module.startswith("sessionsafe.runtime")
        or module == "contextlib"
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
            if not _is_plumbing(stack):
                return f"{stack.f_code.co_filename}:{stack.f_lineno}"
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
