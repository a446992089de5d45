"""Tag helpers called from views."""
from __future__ import annotations

from blog import db
from blog.models import Post, Tag


def tag_named(name: str) -> Tag:
    tag = db.session.execute(db.select(Tag).filter_by(name=name)).scalar_one_or_none()
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
    return tag


def set_tags(post: Post, raw: str) -> None:
    names = sorted({part.strip().lower() for part in raw.split(",") if part.strip()})
    post.tags = [tag_named(name) for name in names]
    db.session.commit()  # error: SES001
