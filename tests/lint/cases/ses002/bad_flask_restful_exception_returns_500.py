"""Flask-RESTful resource returning a 500 body from `except Exception` on `db.session`.

The handler turns the failure into a response instead of re-raising; the scoped session
outlives the method (Flask's error handlers, `after_request` hooks and the next use in
the same app context see a failed session). DESIGN.md SES002.
"""
from __future__ import annotations

from flask import request
from flask_restful import Resource

from app.extensions import db
from app.models import Comment, Post


class CommentList(Resource):
    def get(self, post_id: int):
        post = db.get_or_404(Post, post_id)
        return [{"id": c.id, "body": c.body} for c in post.comments]

    def post(self, post_id: int):
        post = db.get_or_404(Post, post_id)
        comment = Comment(post=post, body=request.json["body"], author=request.json["author"])
        try:
            db.session.add(comment)
            db.session.commit()
        except Exception as exc:  # error: SES002
            return {"message": f"could not save comment: {exc}"}, 500
        return {"id": comment.id}, 201
