"""Tutorial-style script: `with Session.begin() as session:` at module level with a commit inside.

The explicit commit ends the block's transaction; the `add_all` after it belongs to no
transaction the block will commit, and an error after the commit cannot undo the first
insert (reference/semantics.md §4; DESIGN.md SES010). Shape taken from a real tutorial
repository; module-level code is checked like a function body.
"""
from __future__ import annotations

from db_init import Person, Session

with Session.begin() as session:
    session.add(Person(name="Amy", birthday="2000-09-18"))
    session.commit()  # error: SES010
    session.add_all([Person(name="Eric", birthday="1998-02-18"), Person(name="Samuel", birthday="1997-01-15")])
