"""Views registering pending publishers; the unique constraint reports double posts."""
from __future__ import annotations

from psycopg.errors import UniqueViolation
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from registry.models import PendingPublisher


@view_config(route_name="manage.publishing", request_method="POST", renderer="publishing.html")
def add_pending_publisher(request):
    publisher = PendingPublisher(
        repository=request.POST["repository"],
        owner=request.POST["owner"],
        project_name=request.POST["project_name"],
        added_by=request.user,
    )
    try:
        request.db.add(publisher)
        request.db.flush()
    except UniqueViolation:  # error: SES002
        request.session.flash("This publisher is already registered for another project.", queue="error")
        return HTTPSeeOther(request.path)
    request.user.record_event(tag="pending_publisher:added", request=request)
    return HTTPSeeOther(request.path)


@view_config(route_name="manage.publishing.remove", request_method="POST")
def remove_pending_publisher(request):
    publisher = request.db.get(PendingPublisher, request.POST["publisher_id"])
    try:
        request.db.delete(publisher)
        request.db.flush()
    except UniqueViolation:
        request.db.rollback()
        request.session.flash("Could not remove the publisher.", queue="error")
    return HTTPSeeOther(request.path)
