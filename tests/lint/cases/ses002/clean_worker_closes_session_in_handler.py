"""Long-lived worker session: the handler `close()`s it, which fully recovers it.

`close()` (like `rollback()`) ends the failed transaction and expunges stale objects;
the next message starts clean (reference/semantics.md §1; DESIGN.md SES002: "rolls
back/closes that session"). The worker creates the session in `__enter__` and closes it
in `__exit__`, so it owns it and may commit (not SES001).
"""
from __future__ import annotations

import logging
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError

from mailer.db import SessionLocal
from mailer.models import OutgoingEmail
from mailer.smtp import deliver

log = logging.getLogger("mailer")


class Mailer:
    def __enter__(self) -> "Mailer":
        self.session = SessionLocal()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.session.close()

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


def send_all(email_ids: list[int]) -> int:
    with Mailer() as mailer:
        return sum(mailer.send_one(email_id) for email_id in email_ids)
