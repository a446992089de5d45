"""Long-lived worker session: the handler `close()`s it, which fully recovers it.

`close()` (like `rollback()`) ends the failed transaction and expunges stale objects;
the next message starts clean (reference/semantics.md §1; DESIGN.md SES002: "rolls
back/closes that session").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from mailer.db import SessionLocal
from mailer.models import OutgoingEmail
from mailer.smtp import deliver

log = logging.getLogger("mailer")


class Mailer:
    def __init__(self) -> None:
        self.session = SessionLocal()

    def send_one(self, email_id: int) -> bool:
        try:
            email = self.session.get(OutgoingEmail, email_id)
            deliver(email.recipient, email.subject, email.body)
            email.sent = True
            self.session.commit()
        except SQLAlchemyError:
            log.exception("email %s not marked as sent", email_id)
            self.session.close()
            return False
        return True

    def shutdown(self) -> None:
        self.session.close()
