"""Flask views committing `db.session` at the end of the request.

Flask-SQLAlchemy 3 does not commit for the view (it only removes the session at
teardown), so the view is the owner of the request's unit of work (DESIGN.md "What owns
a session": a request handler when no dependency or middleware commits for it).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Bookmark, Folder

bp = Blueprint("bookmarks", __name__, url_prefix="/bookmarks")


def add_to_folder(folder: Folder, url: str, title: str) -> Bookmark:
    bookmark = Bookmark(folder=folder, url=url, title=title or url)
    db.session.add(bookmark)
    return bookmark


@bp.route("/<int:folder_id>/add", methods=["POST"])
@login_required
def add(folder_id: int):
    folder = db.get_or_404(Folder, folder_id)
    if folder.owner_id != current_user.id:
        abort(403)
    add_to_folder(folder, request.form["url"], request.form.get("title", ""))
    db.session.commit()
    flash("Bookmark saved")
    return redirect(url_for("bookmarks.show", folder_id=folder.id))


@bp.route("/<int:folder_id>")
@login_required
def show(folder_id: int):
    folder = db.get_or_404(Folder, folder_id)
    return render_template("bookmarks/folder.html", folder=folder)
