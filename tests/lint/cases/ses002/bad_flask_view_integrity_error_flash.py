"""Flask view flashes a message on `IntegrityError` and renders the form again.

`db.session` is a scoped session that outlives the view; rendering the template then
touches `current_user` and lazy relationships on the failed session, which raises
`PendingRollbackError` (DESIGN.md SES002: a scoped session outlives the function).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app import db
from app.models import Project

bp = Blueprint("projects", __name__)


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new_project():
    if request.method == "POST":
        project = Project(name=request.form["name"], slug=request.form["slug"], owner=current_user)
        db.session.add(project)
        try:
            db.session.commit()
        except IntegrityError:  # error: SES002
            flash("A project with that slug already exists.", "error")
            return render_template("projects/new.html", projects=current_user.projects)
        return redirect(url_for("projects.show", slug=project.slug))
    return render_template("projects/new.html", projects=current_user.projects)
