"""`session.autoflush = False` inside a try/finally that restores the previous value.

Issue 3, SES003: "a try/finally that restores the old value" is not a finding.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tree.models import Node


def move_subtree(session: Session, node: Node, new_parent: Node) -> None:
    previous = session.autoflush
    session.autoflush = False
    try:
        node.parent = new_parent
        for child in session.scalars(select(Node).where(Node.path.startswith(node.path + "/"))):
            child.path = new_parent.path + "/" + child.path[len(node.path) - len(node.name):]
        node.path = f"{new_parent.path}/{node.name}"
    finally:
        session.autoflush = previous
    session.flush()
