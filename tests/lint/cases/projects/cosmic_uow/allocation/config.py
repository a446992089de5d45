"""Settings."""
from __future__ import annotations

import os


def get_postgres_uri() -> str:
    host = os.environ.get("DB_HOST", "localhost")
    return f"postgresql+psycopg://allocation:abc123@{host}:5432/allocation"
