"""REST view inherits an unannotated `session` and answers 400 after a failed commit.

Modelled on a real fix in a Flask REST API generator: the base view receives the
application's session in `__init__(self, session, model)` (no annotation, no session
factory in the module: it is a library) and the subclass's `patch` catches SQLAlchemy's own `DataError` /
`IntegrityError` / `ProgrammingError` around `self.session.commit()`, logs, and returns a
400 without rolling back. The session is the application's (it outlives the request),
so the next request through it raises `PendingRollbackError` (DESIGN.md SES002). Catching
`sqlalchemy.exc` database errors around `self.session.commit()` and `self.session.query`
calls is enough to know `self.session` is a SQLAlchemy session. The real fix added
`self.session.rollback()` to the handler.
"""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError


class ModelView(MethodView):
    def __init__(self, session, model, primary_key="id"):
        self.session = session
        self.model = model
        self.primary_key = primary_key


class ResourceView(ModelView):
    def get(self, instid):
        item = self.session.query(self.model).get(instid)
        return ({"id": instid}, 200) if item is not None else ({"message": "not found"}, 404)

    def patch(self, instid):
        data = request.get_json() or {}
        query = self.session.query(self.model).filter(getattr(self.model, self.primary_key) == instid)
        if query.count() == 0:
            return {"message": "not found"}, 404
        try:
            for item in query.all():
                for field, value in data.items():
                    setattr(item, field, value)
            self.session.commit()
        except (DataError, IntegrityError, ProgrammingError) as exception:  # error: SES002
            current_app.logger.exception(str(exception))
            return {"message": type(exception).__name__}, 400
        return {"modified": query.count()}, 200
