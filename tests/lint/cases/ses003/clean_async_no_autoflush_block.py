"""`with session.no_autoflush:` on an `AsyncSession` while assembling related objects.

`AsyncSession.no_autoflush` is the same scoped context manager (issue 3, SES003).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cms.models import Page, PageBlock, Template


async def create_page(session: AsyncSession, slug: str, template_name: str) -> Page:
    stmt = select(Template).where(Template.name == template_name).options(selectinload(Template.default_blocks))
    template = (await session.scalars(stmt)).one()
    page = Page(slug=slug, template=template)
    session.add(page)
    with session.no_autoflush:
        for position, block in enumerate(template.default_blocks):
            page.blocks.append(PageBlock(kind=block.kind, position=position, content=block.content))
    await session.flush()
    return page
