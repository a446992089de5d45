"""Allocation service."""
