"""The analyzer: standard library only; never imports SQLAlchemy or the runtime."""
