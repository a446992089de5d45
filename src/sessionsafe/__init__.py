"""sessionsafe: safe SQLAlchemy session handling.

This module holds the version only and imports nothing: importing
``sessionsafe.lint`` runs it first, and the analyzer must stay free of
SQLAlchemy and of anything heavy.
"""

__version__ = "0.1.0"
