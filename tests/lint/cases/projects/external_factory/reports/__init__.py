"""Reporting jobs and endpoints."""
