"""Pyramid + zope.sqlalchemy script: `transaction.commit()` is the transaction manager.

The `transaction` package's commit is not a SQLAlchemy session commit; DESIGN.md lists
`transaction` among objects whose `.commit()` is never a finding. The session here is
registered with the manager and never committed directly.
"""
from __future__ import annotations

import sys

import transaction
from pyramid.paster import bootstrap, setup_logging
from sqlalchemy import select
from sqlalchemy.orm import Session

from tutorial.models import Page, get_tm_session


def add_front_page(dbsession: Session, author: str) -> None:
    existing = dbsession.scalars(select(Page).where(Page.name == "FrontPage")).first()
    if existing is None:
        dbsession.add(Page(name="FrontPage", data="This is the front page", creator=author))


def sync_pages(dbsession: Session, author: str) -> None:
    add_front_page(dbsession, author)
    transaction.commit()


def main(argv: list[str] = sys.argv) -> None:
    config_uri = argv[1]
    setup_logging(config_uri)
    env = bootstrap(config_uri)
    with env["request"].tm:
        dbsession = get_tm_session(env["registry"]["dbsession_factory"], transaction.manager)
        add_front_page(dbsession, "editor")
