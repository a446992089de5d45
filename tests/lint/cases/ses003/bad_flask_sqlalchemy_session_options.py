"""Flask-SQLAlchemy `SQLAlchemy(session_options={"autoflush": False})`.

DESIGN.md SES003: Flask-SQLAlchemy `session_options` with autoflush disabled; the anchor is
the `"autoflush": False` entry.
"""
from __future__ import annotations

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(
    model_class=Base,
    session_options={
        "autoflush": False,  # error: SES003
        "expire_on_commit": False,
    },
)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://app@localhost/app"
    db.init_app(app)
    return app
