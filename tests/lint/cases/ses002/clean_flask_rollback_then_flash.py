"""Flask view rolls back `db.session` before flashing and re-rendering the form.

The scoped session is rolled back in the handler, so the template can lazy-load
relationships safely (DESIGN.md SES002: the handler rolls back that session).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Team

bp = Blueprint("teams", __name__)


@bp.route("/teams/new", methods=["GET", "POST"])
def create_team():
    if request.method == "GET":
        return render_template("teams/new.html")
    team = Team(name=request.form["name"], handle=request.form["handle"].lower())
    db.session.add(team)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(f"The handle @{team.handle} is taken.", "error")
        return render_template("teams/new.html", suggestions=Team.similar_handles(team.handle))
    return redirect(url_for("teams.show", handle=team.handle))
