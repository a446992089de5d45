"""Views: each view owns `db.session` for its request and commits once."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from blog import db
from blog.dberrors import rollback_and_log
from blog.models import Post
from blog.tagging import set_tags

bp = Blueprint("posts", __name__)


@bp.route("/posts", methods=["POST"])
def create_post():
    post = Post(slug=request.form["slug"], title=request.form["title"], body=request.form["body"])
    db.session.add(post)
    set_tags(post, request.form.get("tags", ""))
    try:
        db.session.commit()
    except IntegrityError as exc:
        rollback_and_log(exc)
        flash("That slug is already used.")
        return render_template("posts/new.html"), 409
    return redirect(url_for("posts.show", slug=post.slug))


@bp.route("/posts/<slug>/edit", methods=["POST"])
def edit_post(slug: str):
    post = db.first_or_404(db.select(Post).filter_by(slug=slug))
    post.slug = request.form["slug"]
    post.title = request.form["title"]
    try:
        db.session.commit()
    except IntegrityError:  # error: SES002
        flash("That slug is already used.")
    return render_template("posts/edit.html", post=post)


@bp.route("/posts/<slug>")
def show(slug: str):
    post = db.first_or_404(db.select(Post).filter_by(slug=slug))
    return render_template("posts/show.html", post=post)
