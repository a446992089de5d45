"""FastAPI `BackgroundTasks` function that receives the request's session and commits it.

The background function runs after the response, with the session of the request it was
handed (its `get_db` has already closed it). It does not own that session (DESIGN.md
SES001: received as a parameter); it should open its own.
"""
from __future__ import annotations

from typing import Iterator

from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session

from packages.db import SessionLocal
from packages.installer import pip_install
from packages.models import PackageInstall

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


def install_in_background(db: Session, install_id: int) -> None:
    install = db.get(PackageInstall, install_id)
    install.log = pip_install(install.package, install.version)
    install.status = "done"
    db.commit()  # error: SES001


@app.post("/installs", status_code=202)
def request_install(package: str, version: str, tasks: BackgroundTasks, db: Session = Depends(get_db)) -> dict[str, int]:
    install = PackageInstall(package=package, version=version, status="pending")
    db.add(install)
    db.commit()
    tasks.add_task(install_in_background, db, install.id)
    return {"id": install.id}
