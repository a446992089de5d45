"""Renderers of a run's findings: `text`, `json`, `sarif` and `github`.

Each format is a module with `render(report, *, color) -> str`, imported only
when asked for, so a run that prints text never loads the JSON or SARIF code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sessionsafe.lint.runner import Report

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github")

#: Where each rule's documentation page lives.
DOCS_URL = "https://sessionsafe.readthedocs.io/en/latest/rules/{code}/"


class _Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool) -> str: ...


def render(output_format: str, report: Report, *, color: bool = False) -> str:
    """The report in `output_format` (one of `FORMATS`), ending with a newline when non-empty."""
    if output_format not in FORMATS:
        raise ValueError(f"unknown output format {output_format!r}; use one of {FORMATS}")
    module = importlib.import_module(f"sessionsafe.lint.output.{output_format}")
    renderer: _Renderer = module.render
    return renderer(report, color=color)


def rule_url(code: str) -> str:
    """The URL of the documentation page of the rule `code`."""
    return DOCS_URL.format(code=code)
