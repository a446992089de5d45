"""Billing worker package."""
