"""Engine and per-request session; database errors surface as the driver's own classes."""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker


@event.listens_for(Engine, "handle_error")
def unwrap_dbapi_exceptions(context):
    """Raise psycopg's exception instead of SQLAlchemy's wrapper (views catch them)."""
    if isinstance(context.sqlalchemy_exception, DBAPIError) and context.original_exception:
        raise context.original_exception from context.sqlalchemy_exception


def includeme(config):
    engine = create_engine(config.registry.settings["database.url"], pool_size=20)
    config.registry["dbsession_factory"] = sessionmaker(bind=engine)

    def request_db(request):
        session = config.registry["dbsession_factory"]()
        request.tm.join(session)
        request.add_finished_callback(lambda _: session.close())
        return session

    config.add_request_method(request_db, name="db", reify=True)
