"""Flask app calling the `scoped_session` registry in views; `remove()` at teardown.

`db_session()` returns the request thread's session owned by the registry, and the
teardown hook removes (closes) it; the view does not create a session of its own
(DESIGN.md SES005 / SES007: `scoped_session` registries are fine).
"""
from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from forum.models import Thread

app = Flask(__name__)
engine = create_engine("postgresql+psycopg://forum@localhost/forum")
db_session = scoped_session(sessionmaker(bind=engine))


@app.teardown_appcontext
def remove_session(exception: BaseException | None = None) -> None:
    db_session.remove()


@app.get("/threads")
def threads():
    session = db_session()
    latest = session.scalars(select(Thread).order_by(Thread.updated_at.desc()).limit(20)).all()
    return jsonify([{"id": t.id, "title": t.title} for t in latest])
