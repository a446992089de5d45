"""`DBSession()` from the project's scoped registry, used in a view without closing it.

An imported `DBSession`/`Session` may be a `scoped_session` registry whose session the
request teardown removes; the view does not close it itself, so nothing says it owns a
new session (SES005 stays silent: precision first).
"""
from __future__ import annotations

from pyramid.view import view_config

from shop.models import DBSession, Product


@view_config(route_name="product", renderer="json")
def product(request) -> dict[str, str]:
    session = DBSession()
    item = session.get(Product, int(request.matchdict["id"]))
    return {"name": item.name}
