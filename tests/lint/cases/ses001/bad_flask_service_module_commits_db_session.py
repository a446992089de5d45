"""Flask service module committing `db.session` in helpers called from views.

`register` is the view and commits once; `grant_role` and `log_signup` are helpers it
calls, and they commit the scoped session too (DESIGN.md SES001: a scoped session
used inside a helper). `db` comes from the app package, as in most Flask projects.
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from app import db
from app.models import AuditEntry, Role, User

bp = Blueprint("auth", __name__)


def grant_role(user: User, role_name: str) -> None:
    role = db.session.execute(db.select(Role).filter_by(name=role_name)).scalar_one()
    user.roles.append(role)
    db.session.commit()  # error: SES001


def log_signup(user: User, ip: str) -> None:
    db.session.add(AuditEntry(user=user, action="signup", ip=ip))
    db.session.commit()  # error: SES001


@bp.post("/register")
def register():
    user = User(email=request.form["email"], name=request.form["name"])
    db.session.add(user)
    grant_role(user, "member")
    log_signup(user, request.remote_addr or "")
    db.session.commit()
    return redirect(url_for("auth.welcome"))
