"""Units of work: one session, committed once by its owner, rolled back on any failure."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar, overload

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from sessionsafe.runtime._frames import caller_location
from sessionsafe.runtime._observe import RuntimeEvent, logger, record
from sessionsafe.runtime._state import GUARD_POLICIES, GuardPolicy, ensure_state
from sessionsafe.runtime.errors import (
    CommitInsideUnitOfWork,
    SessionSafeError,
    SwallowedDatabaseError,
)

S = TypeVar("S", bound=Session)
A = TypeVar("A", bound=AsyncSession)


def _check_policy(guard: GuardPolicy) -> None:
    if guard not in GUARD_POLICIES:
        raise ValueError(
            f"guard={guard!r} is not a guard policy; use one of {', '.join(GUARD_POLICIES)}"
        )


def _check_factory(factory: object, wanted: str, other: str) -> None:
    if not callable(factory):
        raise TypeError(
            f"{wanted}() needs a session factory (a sessionmaker, an engine or a callable "
            f"returning a session), got {type(factory).__name__}; for the other session "
            f"kind use {other}()"
        )


class _Core:
    """The bookkeeping shared by the sync and async units (no I/O happens here)."""

    __slots__ = ("_closed", "_finished", "_owns_session", "_state", "_sync_session")

    def _join(self, session: Session, guard: GuardPolicy, *, owns_session: bool) -> None:
        _check_policy(guard)
        state = ensure_state(session)
        if state.policy is not None:
            raise SessionSafeError(
                "this session already belongs to a unit of work; a unit of work cannot be "
                "nested in another on the same session (a scoped_session returns the same "
                "session in one thread): use the outer unit's session, or begin_nested()"
            )
        state.enter_unit(guard)
        if guard == "flush":
            # An instance attribute shadows Session.commit for this session only;
            # AsyncSession.commit looks it up on the sync session too.
            vars(session)["commit"] = _commit_as_flush(session)
        self._sync_session = session
        self._state = state
        self._owns_session = owns_session
        self._finished = False
        self._closed = False

    def _check_open(self, operation: str) -> None:
        if self._finished:
            raise SessionSafeError(
                f"{operation}() was called on a unit of work that already committed or rolled "
                f"back; open a new unit of work for more work"
            )

    def _refuse_unsafe_commit(self) -> None:
        """Raise instead of committing when the block broke the unit's transaction."""
        state = self._state
        violation = state.violation
        if isinstance(violation, CommitInsideUnitOfWork):
            raise CommitInsideUnitOfWork.at(
                violation.operation, violation.location, swallowed=True
            ) from violation
        if state.closed_at is not None:
            closed = CommitInsideUnitOfWork.at("close", state.closed_at)
            record(RuntimeEvent.GUARD_VIOLATION, closed)
            if state.policy != "warn":
                raise closed
            logger.warning("%s (guard='warn': allowed)", closed)
        errors = state.live_errors(self._sync_session)
        if errors:
            error = SwallowedDatabaseError.of(
                tuple(raised.error for raised in errors),
                tuple(raised.location for raised in errors),
            )
            record(RuntimeEvent.SWALLOWED_ERROR, error)
            raise error from errors[0].error

    def _start_owner_operation(self) -> None:
        self._state.owner_finishing = True
        self._restore_commit()

    def _finish(self) -> None:
        self._finished = True
        self._restore_commit()
        self._state.leave_unit()

    def _restore_commit(self) -> None:
        if self._state.policy == "flush":
            vars(self._sync_session).pop("commit", None)

    @staticmethod
    def _log_failed_rollback(rollback_error: BaseException, cause: BaseException | None) -> None:
        logger.warning(
            "rolling back the unit of work failed (%s: %s) after %s; closing the session "
            "returns its connection, which the pool discards if it is broken",
            type(rollback_error).__name__,
            rollback_error,
            f"{type(cause).__name__}: {cause}" if cause else "its owner closed it",
        )


def _commit_as_flush(session: Session) -> Callable[[], None]:
    def commit_as_flush() -> None:
        error = CommitInsideUnitOfWork.at("commit", caller_location())
        record(RuntimeEvent.GUARD_VIOLATION, error)
        logger.info("%s (guard='flush': turned into session.flush())", error)
        session.flush()

    return commit_as_flush


class UnitOfWork(_Core, Generic[S]):
    """One unit of work on a `Session`: commit once at the end, roll back on failure.

    Use it as a context manager (that is what `unit_of_work` returns), or
    drive it yourself when the moment to commit is decided elsewhere, e.g. by
    a middleware that commits when it sees the response status::

        unit = UnitOfWork(SessionLocal)          # opens the session, guard on
        try:
            handle(unit.session)
            unit.commit()                        # refuses (raises) if the block broke the unit
        finally:
            unit.close()                         # rolls back if not committed; closes

    Args:
        factory: a ``sessionmaker``, a ``scoped_session``, an ``Engine`` or any
            zero-argument callable returning a ``Session``.
        guard: what a ``commit()``/``rollback()`` called by the code using
            ``session`` does: ``"raise"`` raises `CommitInsideUnitOfWork` and
            the unit rolls back; ``"warn"`` logs it and lets it happen;
            ``"flush"`` turns ``commit()`` into ``flush()``. Savepoints
            (``begin_nested()``) are always allowed.
    """

    __slots__ = ("session",)

    session: S
    """The unit's session; give it to the code doing the work."""

    @overload
    def __init__(
        self: UnitOfWork[Session], factory: Engine, *, guard: GuardPolicy = ...
    ) -> None: ...
    @overload
    def __init__(self, factory: Callable[[], S], *, guard: GuardPolicy = ...) -> None: ...
    def __init__(self, factory: Engine | Callable[[], S], *, guard: GuardPolicy = "raise") -> None:
        _check_policy(guard)
        if isinstance(factory, Engine):
            session: Session = Session(factory)
        else:
            _check_factory(factory, "unit_of_work", "async_unit_of_work")
            session = factory()
        if not isinstance(session, Session):
            raise TypeError(
                f"unit_of_work() needs a factory returning a sqlalchemy.orm.Session, got "
                f"{type(session).__name__}; for an AsyncSession use async_unit_of_work()"
            )
        self.session = session  # type: ignore[assignment]
        self._join(session, guard, owns_session=True)

    @classmethod
    def adopt(cls, session: S, *, guard: GuardPolicy = "raise") -> UnitOfWork[S]:
        """Make a session someone else created a unit of work, guard and tracking included.

        The unit commits or rolls back the session's transaction, but `close`
        leaves the session open: its creator closes it. Use this for a session
        bound to an outer test transaction
        (``join_transaction_mode="create_savepoint"``) or one a framework owns.
        """
        unit = cls.__new__(cls)
        unit.session = session
        unit._join(session, guard, owns_session=False)
        return unit

    def commit(self) -> None:
        """Commit the unit's work once; on any failure roll back and re-raise.

        Raises:
            CommitInsideUnitOfWork: the block called ``commit()``/``rollback()``
                and caught the guard's error.
            SwallowedDatabaseError: a database error was raised inside the unit
                and caught without a rollback.
            SessionSafeError: the unit already committed or rolled back.
        """
        self._check_open("commit")
        try:
            self._refuse_unsafe_commit()
            self._start_owner_operation()
            self.session.commit()
        except BaseException as error:
            self._rollback_after(error)
            raise
        finally:
            self._finish()
        record(RuntimeEvent.COMMIT)

    def rollback(self) -> None:
        """Roll back the unit's work; the unit is then finished."""
        self._check_open("rollback")
        self._start_owner_operation()
        try:
            self.session.rollback()
        finally:
            self._finish()
        record(RuntimeEvent.ROLLBACK)

    def close(self) -> None:
        """Roll back unless committed, then close the session (not an adopted one). Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self._finished:
                self._rollback_after(None)
                self._finish()
        finally:
            if self._owns_session:
                self.session.close()

    def _rollback_after(self, cause: BaseException | None) -> None:
        self._start_owner_operation()
        try:
            self.session.rollback()
        except Exception as rollback_error:
            self._log_failed_rollback(rollback_error, cause)
        record(RuntimeEvent.ROLLBACK, cause)

    def __enter__(self) -> S:
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                if not self._finished:
                    self.commit()
            elif not self._finished:
                self._rollback_after(exc)
                self._finish()
        finally:
            self.close()


class AsyncUnitOfWork(_Core, Generic[A]):
    """`UnitOfWork` for an `AsyncSession`: the same rules, with awaitable methods.

    ``async_unit_of_work`` returns one; drive it yourself with
    ``await unit.commit()``, ``await unit.rollback()`` and ``await unit.close()``.

    Args:
        factory: an ``async_sessionmaker``, an ``async_scoped_session``, an
            ``AsyncEngine`` or any zero-argument callable returning an
            ``AsyncSession``.
        guard: as for `UnitOfWork`.
        expire_on_commit: applied to the session the unit opens. ``False`` by
            default: after an async commit, reading an expired attribute
            raises ``MissingGreenlet``.
    """

    __slots__ = ("session",)

    session: A
    """The unit's session; give it to the code doing the work."""

    @overload
    def __init__(
        self: AsyncUnitOfWork[AsyncSession],
        factory: AsyncEngine,
        *,
        guard: GuardPolicy = ...,
        expire_on_commit: bool = ...,
    ) -> None: ...
    @overload
    def __init__(
        self,
        factory: Callable[[], A],
        *,
        guard: GuardPolicy = ...,
        expire_on_commit: bool = ...,
    ) -> None: ...
    def __init__(
        self,
        factory: AsyncEngine | Callable[[], A],
        *,
        guard: GuardPolicy = "raise",
        expire_on_commit: bool = False,
    ) -> None:
        _check_policy(guard)
        if isinstance(factory, AsyncEngine):
            session: AsyncSession = AsyncSession(factory, expire_on_commit=expire_on_commit)
        else:
            _check_factory(factory, "async_unit_of_work", "unit_of_work")
            session = factory()
            if not isinstance(session, AsyncSession):
                raise TypeError(
                    f"async_unit_of_work() needs a factory returning a "
                    f"sqlalchemy.ext.asyncio.AsyncSession, got {type(session).__name__}; for "
                    f"a Session use unit_of_work()"
                )
            session.sync_session.expire_on_commit = expire_on_commit
        self.session = session  # type: ignore[assignment]
        self._join(session.sync_session, guard, owns_session=True)

    @classmethod
    def adopt(cls, session: A, *, guard: GuardPolicy = "raise") -> AsyncUnitOfWork[A]:
        """Make an `AsyncSession` someone else created a unit of work (see `UnitOfWork.adopt`)."""
        unit = cls.__new__(cls)
        unit.session = session
        unit._join(session.sync_session, guard, owns_session=False)
        return unit

    async def commit(self) -> None:
        """Commit the unit's work once; on failure roll back and re-raise (`UnitOfWork.commit`)."""
        self._check_open("commit")
        try:
            self._refuse_unsafe_commit()
            self._start_owner_operation()
            await self.session.commit()
        except BaseException as error:
            await self._rollback_after(error)
            raise
        finally:
            self._finish()
        record(RuntimeEvent.COMMIT)

    async def rollback(self) -> None:
        """Roll back the unit's work; the unit is then finished."""
        self._check_open("rollback")
        self._start_owner_operation()
        try:
            await self.session.rollback()
        finally:
            self._finish()
        record(RuntimeEvent.ROLLBACK)

    async def close(self) -> None:
        """Roll back unless committed, then close the session (not an adopted one). Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self._finished:
                await self._rollback_after(None)
                self._finish()
        finally:
            if self._owns_session:
                await self.session.close()

    async def _rollback_after(self, cause: BaseException | None) -> None:
        self._start_owner_operation()
        try:
            await self.session.rollback()
        except Exception as rollback_error:
            self._log_failed_rollback(rollback_error, cause)
        record(RuntimeEvent.ROLLBACK, cause)

    async def __aenter__(self) -> A:
        return self.session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                if not self._finished:
                    await self.commit()
            elif not self._finished:
                await self._rollback_after(exc)
                self._finish()
        finally:
            await self.close()


@overload
def unit_of_work(factory: Engine, *, guard: GuardPolicy = ...) -> UnitOfWork[Session]: ...
@overload
def unit_of_work(factory: Callable[[], S], *, guard: GuardPolicy = ...) -> UnitOfWork[S]: ...
def unit_of_work(
    factory: Engine | Callable[[], S], *, guard: GuardPolicy = "raise"
) -> UnitOfWork[S] | UnitOfWork[Session]:
    """Open a session, yield it, commit once at the end, roll back on any exception, close.

    ::

        with unit_of_work(SessionLocal) as session:
            session.add(AuditLog(event="START"))
        # committed here; an exception in the block rolled back and propagated

    Inside the block, ``session.commit()``/``session.rollback()`` are guarded
    (see `UnitOfWork` for ``guard``), and a database error the block catches
    without rolling back makes the unit roll back and raise
    `SwallowedDatabaseError` instead of committing. The unit emits exactly the
    SQL of ``with factory.begin() as session:``.

    Args:
        factory: a ``sessionmaker``, a ``scoped_session``, an ``Engine`` or any
            zero-argument callable returning a ``Session``.
        guard: ``"raise"`` (default), ``"warn"`` or ``"flush"``.
    """
    if isinstance(factory, Engine):
        return UnitOfWork(factory, guard=guard)
    return UnitOfWork(factory, guard=guard)


@overload
def async_unit_of_work(
    factory: AsyncEngine, *, guard: GuardPolicy = ..., expire_on_commit: bool = ...
) -> AsyncUnitOfWork[AsyncSession]: ...
@overload
def async_unit_of_work(
    factory: Callable[[], A], *, guard: GuardPolicy = ..., expire_on_commit: bool = ...
) -> AsyncUnitOfWork[A]: ...
def async_unit_of_work(
    factory: AsyncEngine | Callable[[], A],
    *,
    guard: GuardPolicy = "raise",
    expire_on_commit: bool = False,
) -> AsyncUnitOfWork[A] | AsyncUnitOfWork[AsyncSession]:
    """`unit_of_work` for ``AsyncSession``: use with ``async with``.

    ::

        async with async_unit_of_work(AsyncSessionLocal) as session:
            session.add(AuditLog(event="START"))

    The session is opened with ``expire_on_commit=False`` unless you pass
    ``expire_on_commit=True``, so objects stay readable after the commit
    without triggering ``MissingGreenlet``.
    """
    if isinstance(factory, AsyncEngine):
        return AsyncUnitOfWork(factory, guard=guard, expire_on_commit=expire_on_commit)
    return AsyncUnitOfWork(factory, guard=guard, expire_on_commit=expire_on_commit)
