"""Flask: a unit of work per request, committed before the response leaves.

With a plain SQLAlchemy `sessionmaker`::

    from flask import Flask
    from sessionsafe.integrations.flask import SessionSafe

    app = Flask(__name__)
    db = SessionSafe(app, SessionLocal)

    @app.post("/users")
    def create_user():
        db.session.add(User(email=request.form["email"]))   # no commit here
        return {"ok": True}, 201

With Flask-SQLAlchemy 3, pass its ``db.session`` (a `scoped_session` bound to
the app context) and keep writing ``db.session`` in views::

    db = SQLAlchemy(app)
    SessionSafe(app, db.session)

For every request the extension opens a `sessionsafe.runtime.unit_of_work`
before the view runs. After the view, in ``after_request`` (so before the
response is sent), it commits when the status is one to commit (by default
below 400) and rolls back otherwise; a failing commit turns the response into
Flask's 500 error. An exception raised by the view rolls back. The session is
closed at ``teardown_request`` in every case, so nothing survives the request.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from flask import Flask, Response, g
from sqlalchemy.orm import Session

from sessionsafe.runtime import unit_of_work

__all__ = ["SessionSafe", "commit_below_400"]

_UNIT_KEY = "_sessionsafe_unit"


def commit_below_400(status: int) -> bool:
    """Default policy: commit for 1xx-3xx responses, roll back for 4xx and 5xx."""
    return status < 400


class _RolledBackForStatus(Exception):
    """Ends a unit with a rollback because the response status asks for it."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP response status {status}")


class _RequestUnit:
    """Drives one `unit_of_work`: leaving without an exception commits, with one rolls back."""

    def __init__(self, factory: Callable[[], Session]) -> None:
        self.scope: AbstractContextManager[Session] = unit_of_work(factory)
        self.session = self.scope.__enter__()
        self.ended = False

    def commit(self) -> None:
        self._end(None)

    def rollback(self, reason: BaseException) -> None:
        self._end(reason)

    def _end(self, error: BaseException | None) -> None:
        if self.ended:
            return
        self.ended = True
        if error is None:
            self.scope.__exit__(None, None, None)
        else:
            self.scope.__exit__(type(error), error, error.__traceback__)


class SessionSafe:
    """Flask extension: one unit of work per request on sessions from `factory`.

    `factory` is a `sessionmaker`, a `scoped_session` (Flask-SQLAlchemy's
    ``db.session``) or any callable returning a `Session`. `should_commit`
    decides from the response status whether to commit.
    """

    def __init__(
        self,
        app: Flask | None = None,
        factory: Callable[[], Session] | None = None,
        *,
        should_commit: Callable[[int], bool] = commit_below_400,
    ) -> None:
        self.factory = factory
        self.should_commit = should_commit
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, factory: Callable[[], Session] | None = None) -> None:
        """Register the request hooks on `app` (application-factory style)."""
        if factory is not None:
            self.factory = factory
        if self.factory is None:
            raise TypeError(
                "SessionSafe needs a session factory: SessionSafe(app, SessionLocal), or "
                "SessionSafe(app, db.session) with Flask-SQLAlchemy"
            )
        if "sessionsafe" in app.extensions:
            raise RuntimeError(f"SessionSafe is already registered on the Flask app {app.name!r}")
        app.extensions["sessionsafe"] = self
        factory_for_app = self.factory
        app.before_request(lambda: self._open(factory_for_app))
        app.after_request(self._finish)
        app.teardown_request(self._close)

    @property
    def session(self) -> Session:
        """The session of the request being handled."""
        unit: _RequestUnit | None = g.get(_UNIT_KEY)
        if unit is None:
            raise RuntimeError(
                "SessionSafe.session was used outside a request of an app registered with "
                "SessionSafe(app, factory); use it from a view or request hook"
            )
        return unit.session

    def _open(self, factory: Callable[[], Session]) -> None:
        setattr(g, _UNIT_KEY, _RequestUnit(factory))

    def _finish(self, response: Response) -> Response:
        unit: _RequestUnit | None = g.get(_UNIT_KEY)
        if unit is not None and not unit.ended:
            if self.should_commit(response.status_code):
                # A failing commit raises here; Flask answers with its 500 error.
                unit.commit()
            else:
                unit.rollback(_RolledBackForStatus(response.status_code))
        return response

    def _close(self, error: BaseException | None) -> None:
        unit: _RequestUnit | None = g.pop(_UNIT_KEY, None)
        if unit is not None and not unit.ended:
            unit.rollback(error if error is not None else _RolledBackForStatus(0))

    def __repr__(self) -> str:
        return f"SessionSafe(factory={self.factory!r})"
