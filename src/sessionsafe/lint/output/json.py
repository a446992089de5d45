"""`--format json`: a JSON array with one object per finding.

Each object has `code`, `name`, `message`, `path`, `line`, `column`,
`end_line`, `end_column` (1-based; columns count characters) and `fix`
(null until autofix exists).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessionsafe.lint.runner import Report


def render(report: Report, *, color: bool = False) -> str:
    findings = [
        {
            "code": d.code,
            "name": d.name,
            "message": d.message,
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "end_line": d.end_line,
            "end_column": d.end_column,
            "fix": None,
        }
        for d in report.diagnostics
    ]
    return json.dumps(findings, indent=2, ensure_ascii=False) + "\n"
