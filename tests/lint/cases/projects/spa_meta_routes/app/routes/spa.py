"""Server-side meta tags for shared recipe pages; every failure is a plain 404."""
from __future__ import annotations

from fastapi import Depends, FastAPI, Response
from sqlalchemy.orm import Session

from app.db.setup import generate_session
from app.html import content_with_meta, response_404
from app.repos import AllRepositories

def serve_recipe_with_meta(group_slug: str, recipe_slug: str, session: Session = Depends(generate_session)) -> Response:
    try:
        repos = AllRepositories(session)
        group = repos.groups.get_by_slug(group_slug)
        if group is None or group.preferences.private_group:
            return response_404()
        recipe = repos.recipes.get_one(recipe_slug, group_id=group.id)
        if recipe is None or not recipe.settings.public:
            return response_404()
        return Response(content_with_meta(group_slug, recipe), media_type="text/html")
    except Exception:
        return response_404()


def serve_shared_recipe_with_meta(group_slug: str, token_id: str, session: Session = Depends(generate_session)) -> Response:
    try:
        token = AllRepositories(session).recipe_share_tokens.get_one(token_id)
        if token is None:
            return response_404()
        return Response(content_with_meta(group_slug, token.recipe), media_type="text/html")
    except Exception:
        return response_404()


def mount_spa(app: FastAPI) -> None:
    """Routes are registered here, next to the static files they decorate."""
    app.get("/g/{group_slug}/r/{recipe_slug}")(serve_recipe_with_meta)
    app.get("/g/{group_slug}/shared/{token_id}")(serve_shared_recipe_with_meta)
