"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=app/db.py,line=3,col=5,endLine=3,endColumn=9,title=SES002 (name)::message`
with the values escaped as the Actions runner expects (`%`, CR, LF, and in
properties also `:` and `,`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessionsafe.lint.runner import Report


def render(report: Report, *, color: bool = False) -> str:
    lines = []
    for d in report.diagnostics:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", d.path),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", f"{d.code} ({d.name})"),
            )
        )
        message = d.message if d.help is None else f"{d.message}\nhelp: {d.help}"
        lines.append(f"::error {properties}::{_escape_data(message)}\n")
    return "".join(lines)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
