"""Application factory and the shared Flask-SQLAlchemy extension."""
from __future__ import annotations

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://blog@localhost/blog"
    app.config.update(config or {})
    db.init_app(app)

    from blog import views

    app.register_blueprint(views.bp)
    return app
