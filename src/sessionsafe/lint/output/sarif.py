"""`--format sarif`: a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.

One run; `tool.driver.rules` describes every rule and file-error code (id,
name, short and full description, help URI, default configuration); each
result points at its rule by `ruleId` and `ruleIndex` and at its file by a
URI relative to `%SRCROOT%` (the current directory), or an absolute
`file://` URI for a file outside it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sessionsafe import __version__
from sessionsafe.lint._file_errors import NAMES, SUMMARIES
from sessionsafe.lint.output import rule_url
from sessionsafe.lint.rules import ALL_RULES

if TYPE_CHECKING:
    from sessionsafe.lint.diagnostics import Diagnostic
    from sessionsafe.lint.rule import Rule
    from sessionsafe.lint.runner import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_INFORMATION_URI = "https://sessionsafe.readthedocs.io"

_Json = dict[str, object]


def render(report: Report, *, color: bool = False) -> str:
    rules = [*(_rule(rule) for rule in ALL_RULES), *map(_file_error_rule, SUMMARIES)]
    index = {str(rule["id"]): position for position, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sessionsafe",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": _INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": [_result(d, index) for d in report.diagnostics],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: type[Rule]) -> _Json:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": _full_description(rule)},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"enabled": rule.default_enabled, "level": "error"},
    }


def _full_description(rule: type[Rule]) -> str:
    """The rule's *What it does* and *Why is this bad?* sections, as plain paragraphs."""
    kept: list[str] = []
    keep = False
    for line in (rule.__doc__ or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("## "):
            keep = stripped[3:].rstrip("?").lower() in ("what it does", "why is this bad")
            continue
        if keep:
            kept.append(stripped)
    text = "\n".join(kept).strip()
    return " ".join(text.split()) if text else rule.summary()


def _file_error_rule(code: str) -> _Json:
    return {
        "id": code,
        "name": NAMES[code],
        "shortDescription": {"text": SUMMARIES[code]},
        "fullDescription": {"text": SUMMARIES[code]},
        "helpUri": rule_url(code),
        "defaultConfiguration": {"enabled": True, "level": "error"},
    }


def _result(d: Diagnostic, index: dict[str, int]) -> _Json:
    result: _Json = {
        "ruleId": d.code,
        "level": "error",
        "message": {"text": d.message if d.help is None else f"{d.message}. Help: {d.help}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(d.path),
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column,
                    },
                }
            }
        ],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    return result


def _artifact(path: str) -> _Json:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative.startswith(".."):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}
