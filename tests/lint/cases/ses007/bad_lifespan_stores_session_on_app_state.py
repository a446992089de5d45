"""FastAPI lifespan opening one session and storing it on `app.state` for every request.

`app` here is the lifespan's parameter, the application itself: every request handler
reads `request.app.state.db` and all of them share the one session (DESIGN.md SES007:
a lazily created singleton).
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI, Request
from sqlalchemy import select

from notes.db import AsyncSessionLocal
from notes.models import Note


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.db = AsyncSessionLocal()  # error: SES007
    yield
    await app.state.db.close()


api = FastAPI(lifespan=lifespan)


@api.get("/notes")
async def list_notes(request: Request) -> list[str]:
    return list(await request.app.state.db.scalars(select(Note.title)))
