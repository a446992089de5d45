"""Active-record style `save()`/`delete()` mixin on Flask-SQLAlchemy models.

`db.session` is the application's scoped session; views own it for the request. A model
method that commits it is a helper committing a scoped session (DESIGN.md SES001), so
`user.save(); profile.save()` becomes two transactions.
"""
from __future__ import annotations

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class CRUDMixin:
    def save(self) -> "CRUDMixin":
        db.session.add(self)
        db.session.commit()  # error: SES001
        return self

    def delete(self) -> None:
        db.session.delete(self)
        db.session.commit()  # error: SES001


class User(CRUDMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(255), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)


class Profile(CRUDMixin, db.Model):
    __tablename__ = "profiles"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    bio = db.Column(db.Text, default="")
