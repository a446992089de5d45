"""Async API package."""
