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

from flask import Flask, Response, g
from sqlalchemy.orm import Session

from sessionsafe.runtime import GuardPolicy, UnitOfWork

__all__ = ["SessionSafe", "commit_below_400"]

_UNIT_KEY = "_sessionsafe_unit"


def commit_below_400(status: int) -> bool:
    """Default policy: commit for 1xx-3xx responses, roll back for 4xx and 5xx."""
    return status < 400


class _RequestUnit:
    """The request's `UnitOfWork`, committed or rolled back at most once."""

    def __init__(self, factory: Callable[[], Session], guard: GuardPolicy) -> None:
        self.unit: UnitOfWork[Session] = UnitOfWork(factory, guard=guard)
        self.ended = False

    def finish(self, commit: bool) -> None:
        if self.ended:
            return
        self.ended = True
        if commit:
            self.unit.commit()
        else:
            self.unit.rollback()


class SessionSafe:
    """Flask extension: one unit of work per request on sessions from `factory`.

    `factory` is a `sessionmaker`, a `scoped_session` (Flask-SQLAlchemy's
    ``db.session``) or any callable returning a `Session`. `should_commit`
    decides from the response status whether to commit. `guard` is the
    runtime's policy for a ``commit()`` in a view: ``"raise"`` (default),
    ``"warn"`` (log it and let it happen: for migrating an app that commits in
    its views) or ``"flush"``.
    """

    def __init__(
        self,
        app: Flask | None = None,
        factory: Callable[[], Session] | None = None,
        *,
        should_commit: Callable[[int], bool] = commit_below_400,
        guard: GuardPolicy = "raise",
    ) -> None:
        self.factory = factory
        self.should_commit = should_commit
        self.guard: GuardPolicy = guard
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
        return unit.unit.session

    def _open(self, factory: Callable[[], Session]) -> None:
        setattr(g, _UNIT_KEY, _RequestUnit(factory, self.guard))

    def _finish(self, response: Response) -> Response:
        unit: _RequestUnit | None = g.get(_UNIT_KEY)
        if unit is not None:
            # A failing commit raises here; Flask then answers with its 500 error
            # (and calls this hook again, when the unit has already ended).
            unit.finish(commit=self.should_commit(response.status_code))
        return response

    def _close(self, _error: BaseException | None) -> None:
        unit: _RequestUnit | None = g.pop(_UNIT_KEY, None)
        if unit is not None:
            # Rolls back unless committed (the view raised, or no response was made).
            unit.unit.close()

    def __repr__(self) -> str:
        return f"SessionSafe(factory={self.factory!r})"
