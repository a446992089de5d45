"""Celery: every task runs in its own unit of work; no session outlives a task.

::

    from celery import Celery
    from sessionsafe.integrations.celery import current_session, install

    app = Celery("shop", broker="redis://127.0.0.1:6379/0")
    install(app, SessionLocal)                 # before the tasks are defined

    @app.task
    def record(event: str) -> None:
        current_session().add(AuditLog(event=event))   # committed when the task returns

What `install` does:

- Replaces ``app.Task`` with a subclass whose ``__call__`` runs the task body in
  `sessionsafe.runtime.unit_of_work`: the task's session is committed once when
  the task returns, before Celery stores the task's result, so a failing commit
  makes the task fail instead of reporting SUCCESS for lost work. An exception
  rolls the task back. A database error the task swallowed makes it fail
  (`SwallowedDatabaseError`) instead of poisoning the next task.
- Retries a task whose unit failed with a retryable database error
  (serialization failure, deadlock, a connection lost before COMMIT, as judged
  by `sessionsafe.runtime.is_retryable`) through Celery's own ``retry``, so
  ``max_retries`` applies. Set ``sessionsafe_retry = False`` on a task (``@app.task
  (sessionsafe_retry=False)``) to opt out.
- Connects ``task_prerun`` / ``task_postrun``: a `scoped_session` factory is
  checked with `ensure_usable` before each task and removed after it, whatever
  the task's outcome, so a failed task cannot leave a poisoned session behind.
- Connects ``worker_process_init``: under the prefork pool each child disposes
  of the engine pool it inherited from the parent (``dispose(close=False)``),
  so no two processes share a database connection.

A task declared with its own ``base=`` class gets all this only if that class
derives from ``app.Task`` as it is after `install`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NoReturn

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun, worker_process_init
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from sessionsafe.runtime import GuardPolicy, ensure_usable, is_retryable, unit_of_work

__all__ = ["current_session", "install"]

logger = logging.getLogger("sessionsafe.integrations.celery")

_current_session: ContextVar[Session | None] = ContextVar(
    "sessionsafe_celery_session", default=None
)

#: First retry delay in seconds; doubled on each retry, capped, with jitter.
RETRY_BASE_DELAY_S = 0.1
RETRY_MAX_DELAY_S = 5.0


def current_session() -> Session:
    """The session of the task that is running now.

    Raises `LookupError` outside a task of an app given to `install`.
    """
    session = _current_session.get()
    if session is None:
        raise LookupError(
            "current_session() was called outside a Celery task run by an app given to "
            "sessionsafe.integrations.celery.install(); call it from inside a task"
        )
    return session


SessionFactory = Callable[[], Session]


@dataclass
class _Installation:
    app: Celery
    factory: SessionFactory
    guard: GuardPolicy
    engines: list[Engine] = field(default_factory=list)

    def owns(self, task: Any) -> bool:
        return getattr(task, "app", None) is self.app

    @contextmanager
    def task_session(self) -> Iterator[Session]:
        with unit_of_work(self.factory, guard=self.guard) as session:
            token = _current_session.set(session)
            try:
                yield session
            finally:
                _current_session.reset(token)

    def check_scoped_session(self, sender: Any = None, **_: Any) -> None:
        if self.owns(sender) and isinstance(self.factory, scoped_session):
            ensure_usable(self.factory())

    def remove_scoped_session(self, sender: Any = None, **_: Any) -> None:
        if self.owns(sender) and isinstance(self.factory, scoped_session):
            self.factory.remove()

    def dispose_inherited_pools(self, **_: Any) -> None:
        for engine in self.engines:
            # close=False: the parent process still owns those connections.
            engine.dispose(close=False)


def install(
    app: Celery,
    factory: SessionFactory,
    *,
    engines: list[Engine] | None = None,
    guard: GuardPolicy = "raise",
) -> type[Task]:
    """Run every task of `app` in a unit of work on a session from `factory`.

    `factory` is a `sessionmaker`, a `scoped_session` or any callable that
    returns a new `Session`. `engines` lists the engines to dispose of after a
    prefork fork; by default the ``bind`` of a `sessionmaker` (or of a
    `scoped_session`'s factory). `guard` is the runtime's policy for a
    ``commit()`` inside a task: ``"raise"`` (default), ``"warn"`` or
    ``"flush"``. Call it before the tasks are defined; returns
    the new task base class (also available as ``app.Task``).
    """
    if app.finalized:
        raise RuntimeError(
            f"sessionsafe.integrations.celery.install() was called after the Celery app "
            f"{app.main!r} created its tasks; call install(app, factory) right after "
            f"creating the app, before any task is defined or app.tasks is used"
        )
    if getattr(app.Task, "sessionsafe_installed", False):
        raise RuntimeError(
            f"sessionsafe.integrations.celery.install() was already called for the Celery app "
            f"{app.main!r}; call it once per app"
        )
    installation = _Installation(
        app, factory, guard, engines if engines is not None else _binds(factory)
    )

    class SessionSafeTask(app.Task):  # type: ignore[misc]
        """Runs the task body in a unit of work; retries retryable database errors."""

        sessionsafe_installed = True
        sessionsafe_retry = True

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            try:
                with installation.task_session():
                    return super().__call__(*args, **kwargs)
            except Exception as error:
                if not (self.sessionsafe_retry and is_retryable(error)):
                    raise
                _retry(self, error)

    app.Task = SessionSafeTask
    task_prerun.connect(installation.check_scoped_session, weak=False)
    task_postrun.connect(installation.remove_scoped_session, weak=False)
    worker_process_init.connect(installation.dispose_inherited_pools, weak=False)
    return SessionSafeTask


def _retry(task: Any, error: Exception) -> NoReturn:
    """Ask Celery to run `task` again after a jittered, exponential delay.

    Celery's ``retry`` raises `celery.exceptions.Retry`, or re-raises `error`
    once the task's ``max_retries`` is exhausted.
    """
    retries = task.request.retries
    delay = min(RETRY_BASE_DELAY_S * 2**retries, RETRY_MAX_DELAY_S) * random.uniform(0.5, 1.0)
    logger.warning(
        "task %s[%s] failed with a retryable database error; retry %d in %.2fs: %s",
        task.name,
        task.request.id,
        retries + 1,
        delay,
        error,
    )
    raise task.retry(exc=error, countdown=delay)


def _binds(factory: SessionFactory) -> list[Engine]:
    maker = factory.session_factory if isinstance(factory, scoped_session) else factory
    if isinstance(maker, sessionmaker):
        bind = maker.kw.get("bind")
        if isinstance(bind, Engine):
            return [bind]
    return []
