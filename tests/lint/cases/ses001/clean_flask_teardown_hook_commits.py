"""Flask app whose teardown hook commits the scoped session when the request succeeded.

Request teardown hooks are owners (DESIGN.md "What owns a session"); the views and
helpers only add and flush. A module-level `scoped_session` is a registry, not a shared
session.
"""
from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from kb.models import Article

app = Flask(__name__)
engine = create_engine(app.config.get("DATABASE_URL", "sqlite:///kb.db"))
db_session = scoped_session(sessionmaker(bind=engine))


@app.teardown_appcontext
def finish_session(exception: BaseException | None = None) -> None:
    try:
        if exception is None:
            db_session.commit()
        else:
            db_session.rollback()
    finally:
        db_session.remove()


def publish(article: Article) -> None:
    article.published = True
    db_session.flush()


@app.post("/articles/<int:article_id>/publish")
def publish_article(article_id: int):
    article = db_session.scalars(select(Article).where(Article.id == article_id)).one()
    publish(article)
    return jsonify(id=article.id, published=article.published, requested_by=request.remote_addr)
