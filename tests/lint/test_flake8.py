"""The flake8 plugin, run by real flake8 in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sessionsafe.lint.flake8 import SessionSafePlugin
from sessionsafe.lint.rules import ALL_RULES


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_plugin_is_registered_with_flake8(tmp_path: Path) -> None:
    """`flake8 --version` lists sessionsafe, through the `SES` entry point."""
    result = flake8("--version", cwd=tmp_path)
    assert f"sessionsafe: {SessionSafePlugin.version}" in " ".join(result.stdout.split())


def test_a_clean_file_passes(tmp_path: Path) -> None:
    """Code without session problems gives flake8 nothing from the plugin."""
    (tmp_path / "ok.py").write_text("def handler(session):\n    session.add(1)\n")
    result = flake8("--select", "SES", "ok.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_a_bad_configuration_is_reported_as_a_finding_not_a_crash(tmp_path: Path) -> None:
    """An invalid [tool.sessionsafe] table becomes one line-1 finding naming the problem."""
    (tmp_path / "pyproject.toml").write_text("[tool.sessionsafe]\nselct = []\n")
    (tmp_path / "db.py").write_text("def handler(session):\n    session.add(1)\n")
    result = flake8("--select", "SES", "db.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("db.py:1:1: SES900 cannot use the sessionsafe configuration: ")
    assert "unknown key 'selct'" in result.stdout
    assert "Traceback" not in result.stderr


def _bad_examples() -> list[tuple[str, str, list[tuple[int, str]]]]:
    import inspect
    import re

    marker = re.compile(r"#\s*error:\s*(?P<codes>SES\d{3}(?:\s*,\s*SES\d{3})*)")
    examples = []
    for rule in ALL_RULES:
        for number, bad in enumerate(rule.bad):
            source = inspect.cleandoc(bad)
            expected = [
                (line_number, code.strip())
                for line_number, line in enumerate(source.splitlines(), 1)
                for match in [marker.search(line)]
                if match
                for code in match.group("codes").split(",")
            ]
            examples.append((f"{rule.code}-{number}", source, expected))
    return examples


@pytest.mark.parametrize(("name", "source", "expected"), _bad_examples())
def test_flake8_reports_each_rules_bad_examples(
    tmp_path: Path, name: str, source: str, expected: list[tuple[int, str]]
) -> None:
    """flake8 reports the same codes on the same lines as the rule's `# error:` markers."""
    (tmp_path / "example.py").write_text(source)
    result = flake8("--select", "SES", "--format", "%(row)d %(code)s", "example.py", cwd=tmp_path)
    found = [
        (int(row), code)
        for row, code in (line.split() for line in result.stdout.split("\n") if line)
    ]
    assert sorted(found) == sorted(expected), name


def test_flake8_noqa_silences_the_plugin(tmp_path: Path) -> None:
    """`# noqa: SES...` works through flake8 for the plugin's codes (here a config finding)."""
    (tmp_path / "pyproject.toml").write_text("[tool.sessionsafe]\nselct = []\n")
    (tmp_path / "db.py").write_text("session = 1  # noqa: SES900\n")
    result = flake8("--select", "SES", "db.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
