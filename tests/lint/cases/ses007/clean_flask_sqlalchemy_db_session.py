"""Flask-SQLAlchemy's module-level `db`: `db.session` is a scoped session per app context.

`db = SQLAlchemy()` at module level is an extension object, not a shared Session
(DESIGN.md SES007).
"""
from __future__ import annotations

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Counter(db.Model):
    name = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.Integer, nullable=False, default=0)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///counters.db"
    db.init_app(app)

    @app.post("/counters/<name>/increment")
    def increment(name: str):
        counter = db.session.get(Counter, name) or Counter(name=name, value=0)
        counter.value += 1
        db.session.add(counter)
        db.session.commit()
        return jsonify(name=name, value=counter.value)

    return app
