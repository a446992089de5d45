"""Flask-SQLAlchemy `session_options` kept in a module-level dict with autoflush off.

The dict is defined once and passed by name; the `"autoflush": False` entry is the
anchor (DESIGN.md SES003).
"""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

SESSION_OPTIONS = {
    "autoflush": False,  # error: SES003
    "expire_on_commit": False,
}

db = SQLAlchemy(session_options=SESSION_OPTIONS)
