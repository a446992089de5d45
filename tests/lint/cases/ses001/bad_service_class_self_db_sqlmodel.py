"""Service class built per request with the request's SQLModel session.

`TeamService(db)` is created by a dependency; `invite` commits `self.db`, a session the
service was given (DESIGN.md SES001, `self.<attr>` from an annotated parameter).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from teams.models import Invitation, Team, TeamMember


class TeamService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def members(self, team_id: int) -> list[TeamMember]:
        return list(self.db.exec(select(TeamMember).where(TeamMember.team_id == team_id)))

    def invite(self, team: Team, email: str, invited_by: int) -> Invitation:
        invitation = Invitation(
            team_id=team.id,
            email=email.lower(),
            invited_by=invited_by,
            token=secrets.token_urlsafe(32),
            expires_at=datetime.now(timezone.utc) + timedelta(days=7),
        )
        self.db.add(invitation)
        self.db.commit()  # error: SES001
        self.db.refresh(invitation)
        return invitation
