"""No crash on the CPython standard library and its test suite (which has broken files on purpose).

Two runs:

- `sessionsafe check` on the standard library of this interpreter, as a user runs it:
  every file ends as findings or one clean SES90x diagnostic, a file reported as
  unparsable really is, and a file Python cannot parse that passes the pre-filter is
  reported;
- the analyzer itself (module summary + every rule) on the files the pre-filter would
  skip too.

Both run on a deterministic sample by default; `SESSIONSAFE_STDLIB_ALL=1` runs every file.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

from sessionsafe.lint._discovery import discover
from sessionsafe.lint._file_errors import decode_source
from sessionsafe.lint._prefilter import may_contain_session_code
from sessionsafe.lint.analysis.project import ProjectIndex, summarize_module
from sessionsafe.lint.config import Settings, default_settings
from sessionsafe.lint.engine import check_source
from sessionsafe.lint.rules import RULES_BY_CODE

STDLIB = Path(sysconfig.get_path("stdlib"))
FILE_ERROR_CODES = {"SES900", "SES901", "SES902", "SES903"}
EVERY_RULE = Settings(enabled=frozenset(RULES_BY_CODE))
RUN_TIMEOUT_SECONDS = 600
#: `SESSIONSAFE_STDLIB_ALL=1` checks every file (the full run); by default a sample keeps the
#: suite fast: every 4th file through the command line, every 20th through the analyzer alone.
EVERYTHING = os.environ.get("SESSIONSAFE_STDLIB_ALL") == "1"
COMMAND_LINE_STRIDE = 1 if EVERYTHING else 4
ANALYZER_STRIDE = 1 if EVERYTHING else 20
#: Name parts of the test suite's deliberately broken files, always in the sample.
BROKEN_ON_PURPOSE = ("bad", "syntax", "coding", "grammar")


def python_rejects(path: Path) -> bool:
    """Whether CPython's own parser refuses the file (bytes, so it applies the PEP 263 coding)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return True
    return False


def stdlib_files() -> list[Path]:
    return [Path(p) for p in discover([str(STDLIB)], default_settings(str(STDLIB))).files]


def command_line_sample() -> list[Path]:
    files = stdlib_files()
    sample = set(files[::COMMAND_LINE_STRIDE])
    sample.update(path for path in files if any(part in path.name for part in BROKEN_ON_PURPOSE))
    return sorted(sample)


@pytest.mark.slow
def test_checking_the_standard_library_ends_every_file_cleanly(tmp_path: Path) -> None:
    sample = command_line_sample()
    targets = [str(STDLIB)] if EVERYTHING else [str(path) for path in sample]
    completed = subprocess.run(
        [sys.executable, "-m", "sessionsafe", "check", "--no-cache", "--format=json", *targets],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (0, 1), completed.stderr
    codes_by_file: dict[Path, list[str]] = defaultdict(list)
    for finding in json.loads(completed.stdout):
        codes_by_file[Path(finding["path"]).resolve()].append(finding["code"])

    internal_errors = {path: codes for path, codes in codes_by_file.items() if "SES900" in codes}
    assert internal_errors == {}
    for path, codes in codes_by_file.items():
        file_errors = [code for code in codes if code in FILE_ERROR_CODES]
        assert file_errors == [] or codes == file_errors[:1], (path, codes)
        if file_errors:
            assert python_rejects(path), (path, codes)

    rejected_and_filtered_in = [
        path
        for path in sample
        if may_contain_session_code(path.read_bytes().decode("utf-8", "replace"))
        and python_rejects(path)
    ]
    assert rejected_and_filtered_in, "the sample holds files Python cannot parse"
    unreported = [
        path for path in rejected_and_filtered_in if not codes_by_file.get(path.resolve())
    ]
    assert unreported == []


@pytest.mark.slow
def test_the_analyzer_survives_stdlib_files_the_pre_filter_would_skip() -> None:
    sample = stdlib_files()[::ANALYZER_STRIDE]
    analysed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning of odd escapes in old test files
        for path in sample:
            if python_rejects(path):
                continue
            source = decode_source(path.read_bytes(), str(path))
            assert isinstance(source, str), source  # Python could parse it, so it is text
            tree = ast.parse(source, filename=str(path))
            summary = summarize_module(tree, path.stem, EVERY_RULE)
            index = ProjectIndex(modules={path.stem: summary})
            for diagnostic in check_source(source, str(path), EVERY_RULE, index, tree):
                assert diagnostic.code in RULES_BY_CODE, diagnostic
            analysed += 1
    assert analysed > len(sample) * 0.9
