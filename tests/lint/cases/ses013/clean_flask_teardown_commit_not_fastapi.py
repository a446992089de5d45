"""Flask `teardown_request` committing the scoped session: not a FastAPI dependency.

Flask runs teardown callbacks after the view returned but this app commits only when
there was no exception; SES013 is specific to FastAPI `yield` dependencies. The
teardown hook owns the commit (DESIGN.md "What owns a session").
"""
from __future__ import annotations

from flask import Flask, g, jsonify
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

from kb.models import View

app = Flask(__name__)
db_session = scoped_session(sessionmaker(bind=create_engine("sqlite:///kb.db")))


@app.teardown_request
def finish(exception: BaseException | None = None) -> None:
    try:
        if exception is None:
            db_session.commit()
    finally:
        db_session.remove()


@app.get("/articles/<int:article_id>")
def show(article_id: int):
    db_session.add(View(article_id=article_id, visitor=g.get("visitor_id")))
    return jsonify(id=article_id)
