"""Flask-SQLAlchemy `session_options=dict(autoflush=False)` (keyword form of the dict).

The anchor is the `autoflush=False` keyword inside `dict(...)` (DESIGN.md SES003,
Flask-SQLAlchemy `session_options`).
"""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy(session_options=dict(autoflush=False))  # error: SES003


class Subscriber(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
