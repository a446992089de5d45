"""Framework integrations built on `sessionsafe.runtime`.

Each module imports only its own framework (plus SQLAlchemy), so import the
one you need; nothing is imported here:

- `sessionsafe.integrations.fastapi`: ``session_dependency`` /
  ``async_session_dependency``, committed before the response is sent;
- `sessionsafe.integrations.starlette`: ``UnitOfWorkMiddleware`` for any ASGI app;
- `sessionsafe.integrations.flask`: the ``SessionSafe`` extension (also for
  Flask-SQLAlchemy 3's ``db.session``);
- `sessionsafe.integrations.celery`: ``install(app, factory)`` and
  ``current_session()``.

The pytest plugin is `sessionsafe.pytest_plugin` (opt-in).
"""
