"""Autoflush turned off for a bulk step and set back to `True` in `finally`.

A try/finally restore makes the change scoped (issue 3, SES003).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from graph.models import Edge, Vertex


def import_graph(session: Session, vertices: list[str], edges: list[tuple[str, str]]) -> None:
    session.autoflush = False
    try:
        by_name = {name: Vertex(name=name) for name in vertices}
        session.add_all(by_name.values())
        session.add_all(Edge(source=by_name[a], target=by_name[b]) for a, b in edges)
    finally:
        session.autoflush = True
    session.flush()
