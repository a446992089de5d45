"""Seeding script committing a module-level `scoped_session` under `__main__`.

The `if __name__ == "__main__":` block is an entry point (DESIGN.md "What owns a
session"); the helpers add and flush only. A `scoped_session` registry is not a shared
session (SES007 excludes it).
"""
from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from catalog.models import Category, Product

engine = create_engine("sqlite:///catalog.db")
Session = scoped_session(sessionmaker(bind=engine))

CATEGORIES = {"books": ["Dune", "Hyperion"], "games": ["Go", "Chess"]}


def ensure_category(name: str) -> Category:
    category = Session.scalars(select(Category).where(Category.name == name)).first()
    if category is None:
        category = Category(name=name)
        Session.add(category)
        Session.flush()
    return category


def seed() -> int:
    created = 0
    for category_name, titles in CATEGORIES.items():
        category = ensure_category(category_name)
        for title in titles:
            Session.add(Product(title=title, category=category))
            created += 1
    return created


if __name__ == "__main__":
    count = seed()
    Session.commit()
    Session.remove()
    print(f"seeded {count} products")
