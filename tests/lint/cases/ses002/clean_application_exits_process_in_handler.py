"""Application launcher logs any startup failure and exits the process.

Modelled on a real hub's `launch_instance_async` (found by running the linter on the
whole project): `initialize()` and `start()` use the application's `self.db` session, and
`except Exception: self.log.exception(""); self.exit(1)` ends the process. `exit` here is
traitlets' `Application.exit`, which raises `SystemExit`, so nothing uses the session after
the handler: not SES002 (a handler whose last statement is `self.exit(...)`,
`sys.exit(...)` or `os._exit(...)` ends the program, like a re-raise).
"""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from traitlets.config import Application

from hub import orm


class Hub(Application):
    db: Session

    async def initialize(self, argv=None) -> None:
        self.parse_command_line(argv)
        self.db = sessionmaker(bind=orm.new_engine(self.db_url))()
        orm.check_db_revision(self.db)

    async def start(self) -> None:
        for user in self.db.query(orm.User).filter(orm.User.server_id.isnot(None)):
            self.log.info("resuming server of %s", user.name)

    async def launch_instance_async(self, argv=None) -> None:
        try:
            await self.initialize(argv)
            await self.start()
        except Exception:
            self.log.exception("")
            self.exit(1)
