"""Config-sync helper that commits a git index while holding a session parameter.

`repo.index.commit(...)` is GitPython, not SQLAlchemy; the session the helper receives is
only queried. DESIGN.md: `.commit()` on git objects is never a finding.
"""
from __future__ import annotations

import json
from pathlib import Path

from git import Repo
from sqlalchemy import select
from sqlalchemy.orm import Session

from gitops.models import ServiceConfig


def export_configs(session: Session, checkout: Path, author: str) -> str | None:
    repo = Repo(checkout)
    configs = session.scalars(select(ServiceConfig).order_by(ServiceConfig.name)).all()
    changed: list[str] = []
    for config in configs:
        target = checkout / "services" / f"{config.name}.json"
        rendered = json.dumps(config.settings, indent=2, sort_keys=True) + "\n"
        if not target.exists() or target.read_text() != rendered:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered)
            changed.append(str(target.relative_to(checkout)))
    if not changed:
        return None
    repo.index.add(changed)
    commit = repo.index.commit(f"sync {len(changed)} service configs", author=author)
    return commit.hexsha
