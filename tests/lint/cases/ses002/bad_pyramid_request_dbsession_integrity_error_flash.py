"""Pyramid view catches `IntegrityError` from `request.dbsession` and renders the form again.

Modelled on real Pyramid applications (the cookiecutter names the request's session
`request.dbsession`, others `request.db`): the flush fails on a duplicate name, the
handler flashes a message and returns the form, and `pyramid_tm` later commits the same
session, which raises `PendingRollbackError` while rendering or committing (DESIGN.md
SES002: the request's session outlives the view). `request.dbsession` / `request.db` is a
SQLAlchemy session by the Pyramid convention. The fix is `request.dbsession.rollback()`
in the handler (or a savepoint around the insert).
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy.exc import IntegrityError

from tracker.models import Project


@view_config(route_name="project_new", renderer="project_new.jinja2", request_method="POST")
def create_project(request):
    name = request.POST["name"].strip()
    project = Project(name=name, owner_id=request.user.id)
    try:
        request.dbsession.add(project)
        request.dbsession.flush()
    except IntegrityError:  # error: SES002
        request.session.flash(f"A project named {name!r} already exists.", queue="error")
        return {"name": name}
    return HTTPSeeOther(request.route_url("project", id=project.id))
