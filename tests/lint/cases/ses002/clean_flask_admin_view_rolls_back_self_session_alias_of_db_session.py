"""Flask-Admin view queries `db.session` and rolls back `self.session`: the same session.

Modelled on a real Flask application's admin views (found by running the linter on the
whole project): `admin.add_view(UrlsModelView(Urls, db.session))` hands Flask-Admin the
application's `db.session`, which Flask-Admin stores as `self.session`. The overridden
`update_model` mixes both spellings; its handler calls `self.session.rollback()`, which
rolls back the very session the `try` used through `db.session`, and returns False as
Flask-Admin expects. Not SES002: a handler that rolls back a session that may be the same
object (a `self.session` the class never assigned itself, next to a module-level
`db.session`) must not be reported as swallowing the other one (DESIGN.md: precision
comes first).
"""
from __future__ import annotations

import logging

from flask import flash
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext

from app import app, db
from app.api.models import Pods, Urls

logger = logging.getLogger(__name__)


class UrlsModelView(ModelView):
    column_searchable_list = ["url", "title"]

    def update_model(self, form, model):
        try:
            old_pod = model.pod
            pod = db.session.query(Pods).filter_by(name=old_pod).first()
            form.populate_obj(model)
            self._on_model_change(form, model, False)
            self.session.commit()
        except Exception as ex:
            if not self.handle_view_exception(ex):
                flash(gettext("Failed to update record. %(error)s", error=str(ex)), "error")
            self.session.rollback()
            return False
        logger.info("updated %s (pod %s)", model.url, pod.name if pod else old_pod)
        self.after_model_change(form, model, False)
        return True


admin = Admin(app, name="PeARS DB")
admin.add_view(UrlsModelView(Urls, db.session))
