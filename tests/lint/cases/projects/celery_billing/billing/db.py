"""Worker database setup: one scoped session registry per process."""
from __future__ import annotations

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine(os.environ["BILLING_DATABASE_URL"], pool_pre_ping=True, pool_size=5)
Session = scoped_session(sessionmaker(bind=engine))
