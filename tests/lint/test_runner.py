"""The runner: bad input becomes SES90x findings, the pre-filter, parallel runs, module names."""

from __future__ import annotations

import ast
import os
import pickle
import re
from pathlib import Path

import pytest
from privileges import as_unprivileged, shared_directory

from sessionsafe.lint import runner
from sessionsafe.lint._discovery import discover
from sessionsafe.lint._prefilter import BASE_MARKERS, markers_for, may_contain_session_code
from sessionsafe.lint.analysis.project import ModuleSummary, ProjectIndex
from sessionsafe.lint.config import (
    CommandLineOptions,
    FileOptions,
    default_settings,
    resolve_settings,
)
from sessionsafe.lint.diagnostics import Diagnostic
from sessionsafe.lint.pages import example_source
from sessionsafe.lint.rules import ALL_RULES
from sessionsafe.lint.runner import (
    PARALLEL_THRESHOLD_BYTES,
    Report,
    check_paths,
    imported_modules,
    module_names,
)

CASES = Path(__file__).parent / "cases"
SESSION_CODE = "from app.db import SessionLocal\n\ndef handler(session):\n    session.add(1)\n"


def run(root: Path, **options: object) -> Report:
    return check_paths([str(root)], default_settings(str(root)), use_cache=False, **options)


def codes_and_positions(report: Report) -> list[tuple[str, str, int, int]]:
    return [(Path(d.path).name, d.code, d.line, d.column) for d in report.diagnostics]


def test_a_syntax_error_is_a_finding_with_the_parsers_message_and_position(
    tmp_path: Path,
) -> None:
    """SES901 carries Python's own message and points at the error; other files still run."""
    (tmp_path / "broken.py").write_text("def handler(session):\n    session.commit(\n")
    (tmp_path / "fine.py").write_text(SESSION_CODE)
    report = run(tmp_path)
    [finding] = report.diagnostics
    assert (finding.code, finding.name, finding.line) == ("SES901", "syntax-error", 2)
    assert finding.message == "syntax error: '(' was never closed"
    assert finding.column == 19
    assert report.files_checked == 2


def test_an_indentation_error_says_so(tmp_path: Path) -> None:
    """IndentationError is reported as an indentation error, at its line."""
    (tmp_path / "bad.py").write_text("def f(session):\nsession.commit()\n")
    [finding] = run(tmp_path).diagnostics
    assert finding.code == "SES901"
    assert finding.message.startswith("indentation error: expected an indented block")
    assert finding.line == 2


def test_nesting_deeper_than_the_parser_allows_is_a_syntax_finding(tmp_path: Path) -> None:
    """A pathologically nested expression ends as one SES901, not a crash."""
    (tmp_path / "deep.py").write_text("session = " + "(" * 5000 + ")" * 5000 + "\n")
    (tmp_path / "deeper.py").write_text("session = " + "-" * 200_000 + "1\n")
    report = run(tmp_path)
    assert [(Path(d.path).name, d.code) for d in report.diagnostics] == [
        ("deep.py", "SES901"),
        ("deeper.py", "SES901"),
    ]


def test_nul_bytes_make_a_binary_finding_at_the_first_nul(tmp_path: Path) -> None:
    """A binary file named .py is SES902 at the position of its first NUL byte."""
    (tmp_path / "blob.py").write_bytes(b"session = 1\nab\x00cd\x89PNG")
    [finding] = run(tmp_path).diagnostics
    assert (finding.code, finding.line, finding.column) == ("SES902", 2, 3)
    assert "NUL bytes" in finding.message


def test_bytes_invalid_in_utf8_are_a_finding_at_their_position(tmp_path: Path) -> None:
    """A Latin-1 file without a coding declaration is SES902 at the first bad byte."""
    (tmp_path / "latin.py").write_bytes(b"# session\nname = 'caf\xe9'\n")
    [finding] = run(tmp_path).diagnostics
    assert (finding.code, finding.line, finding.column) == ("SES902", 2, 12)
    assert finding.message == "is not valid utf-8 text: byte 0xe9 cannot be decoded"


def test_a_declared_encoding_and_a_bom_are_honoured(tmp_path: Path) -> None:
    """PEP 263 declarations and a UTF-8 BOM decode like Python decodes them."""
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nsession = 'caf\xe9'\n")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfsession = 'ok'\n")
    report = run(tmp_path)
    assert report.diagnostics == ()
    assert sorted(Path(p).name for p in report.analysed) == ["bom.py", "latin.py"]


def test_an_unreadable_file_is_a_finding_and_the_others_are_checked() -> None:
    """A file without read permission is SES903 with the system's reason."""
    with shared_directory() as root:
        (root / "secret.py").write_text(SESSION_CODE)
        (root / "secret.py").chmod(0)
        (root / "broken.py").write_text("session = (\n")
        report = as_unprivileged(lambda: run(root))
    assert codes_and_positions(report) == [
        ("broken.py", "SES901", 1, 11),
        ("secret.py", "SES903", 1, 1),
    ]
    assert report.diagnostics[1].message == "cannot read: Permission denied"


def test_an_unreadable_directory_is_a_finding() -> None:
    """A chmod 000 directory is SES903 at the directory, and the walk goes on."""
    with shared_directory() as root:
        (root / "blocked").mkdir()
        (root / "blocked").chmod(0)
        (root / "ok.py").write_text(SESSION_CODE)
        report = as_unprivileged(lambda: run(root))
    [finding] = report.diagnostics
    assert (finding.code, finding.path) == ("SES903", str(root / "blocked"))
    assert report.files_checked == 1


def test_a_directory_named_like_a_python_file_is_unreadable(tmp_path: Path) -> None:
    """Naming a directory `x.py`'s path explicitly is walked, not opened as a file."""
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "inner.py").write_text("session = (\n")
    report = check_paths([str(tmp_path / "pkg.py")], default_settings(), use_cache=False)
    assert [d.code for d in report.diagnostics] == ["SES901"]


def test_the_prefilter_skips_files_without_session_code_unparsed(tmp_path: Path) -> None:
    """A file with none of the markers is not parsed: even its syntax error goes unreported."""
    (tmp_path / "utils.py").write_text("def add(a, b:\n    return a + b\n")
    (tmp_path / "db.py").write_text(SESSION_CODE)
    report = run(tmp_path)
    assert report.diagnostics == ()
    assert (report.files_checked, report.skipped) == (2, 1)
    assert [Path(p).name for p in report.analysed] == ["db.py"]


def test_configured_factories_and_project_exports_extend_the_prefilter() -> None:
    """A configured factory name and a name the project exports make a file pass the filter."""
    source = "def job():\n    s = make_unit()\n    s.add(1)\n"
    assert not may_contain_session_code(source)
    settings = resolve_settings(
        FileOptions(session_factories=("app.factories.make_unit",)), CommandLineOptions(), root="."
    )
    assert may_contain_session_code(source, markers_for(settings))
    project = ProjectIndex({"app.db": ModuleSummary("app.db", providers={"make_unit": "sync"})})
    assert may_contain_session_code(source, markers_for(default_settings(), project))


def _bad_examples() -> list[tuple[str, str]]:
    examples = [(rule.code, example_source(bad)) for rule in ALL_RULES for bad in rule.bad]
    for path in sorted(CASES.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"#\s*error:", text):
            examples.append((str(path.relative_to(CASES)), text))
    return examples


@pytest.mark.parametrize(("origin", "source"), _bad_examples())
def test_every_example_with_a_finding_passes_the_prefilter(origin: str, source: str) -> None:
    """The pre-filter is sound on every bad example of every rule and every marked case file."""
    assert may_contain_session_code(source, BASE_MARKERS), origin


def test_per_file_ignores_drop_findings_in_matching_files(tmp_path: Path) -> None:
    """`per-file-ignores` applies to findings of the runner too."""
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "broken.py").write_text("session = (\n")
    (tmp_path / "broken.py").write_text("session = (\n")
    options = FileOptions(per_file_ignores=(("gen/**", ("SES901",)),))
    settings = resolve_settings(options, CommandLineOptions(), root=str(tmp_path))
    report = check_paths([str(tmp_path)], settings, use_cache=False)
    assert [Path(d.path).relative_to(tmp_path).as_posix() for d in report.diagnostics] == [
        "broken.py"
    ]


def test_parallel_and_in_process_runs_find_the_same(tmp_path: Path) -> None:
    """Enough work starts worker processes; their findings equal an in-process run's."""
    body = "".join(
        f"def handler_{n}(session):\n    session.add({n})\n    session.flush()\n\n"
        for n in range(200)
    )
    count = PARALLEL_THRESHOLD_BYTES // len(body) + 4
    for number in range(count):
        text = body if number % 5 else body + "session = (\n"
        (tmp_path / f"module_{number}.py").write_text(text)
    parallel = run(tmp_path, jobs=2)
    serial = run(tmp_path, jobs=1)
    assert parallel.diagnostics == serial.diagnostics
    assert len(parallel.diagnostics) == len(range(0, count, 5))
    assert sorted(parallel.analysed) == sorted(serial.analysed)


def test_a_value_sent_to_workers_is_unpickled_once_per_process() -> None:
    """The project index goes with every chunk of the check pass, pickled once by the
    parent; a worker unpickles it for the first chunk and reuses it for the others."""
    index = {"app.db": ["SessionLocal"]}
    sent = runner._SentOnce(index)
    first, second = (pickle.loads(pickle.dumps(sent)) for _ in range(2))
    assert sent.value() is index
    assert first.value() == index
    assert first.value() is second.value()
    assert pickle.loads(pickle.dumps(runner._SentOnce(index))).value() is not first.value()


def test_a_parallel_pass_reports_progress_up_to_the_last_file(tmp_path: Path) -> None:
    """The progress callback hears about each chunk of a parallel pass."""
    body = "def f(session):\n    session.add(1)\n" * 2000
    for number in range(PARALLEL_THRESHOLD_BYTES // len(body) + 2):
        (tmp_path / f"m{number}.py").write_text(body)
    heard: list[tuple[str, int, int]] = []
    run(tmp_path, jobs=2, progress=lambda *event: heard.append(event))
    assert heard[-1][0] == "checking"
    assert heard[-1][1] == heard[-1][2]


def test_module_names_follow_packages_and_the_path_from_the_root(tmp_path: Path) -> None:
    """`src/app/db.py` in package `app` is `app.db`; a namespace package is known by its path."""
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("")
    (tmp_path / "services").mkdir()
    root = str(tmp_path)
    assert module_names(str(tmp_path / "src/app/db.py"), root, {}) == ("app.db",)
    assert module_names(str(tmp_path / "src/app/__init__.py"), root, {}) == ("app",)
    assert module_names(str(tmp_path / "services/orders.py"), root, {}) == (
        "services.orders",
        "orders",
    )


def test_imports_include_parents_names_and_resolved_relative_imports() -> None:
    """Every import form yields the modules it may depend on, over-approximated; a star
    import may bring any name of its module, so it also stands for the modules below it."""
    source = (
        "import os.path\n"
        "import app.db as db, json\n"
        "from . import models\n"
        "from ..core.session import (\n    SessionLocal,\n    get_db as provider,\n)\n"
        "from app.helpers import *\n"
        "    from late import thing  # inside a function\n"
        "from app.flags import (\n    important,\n    imported_late as late_flag,\n)\n"
        '"""Not an import: import this."""\n'
    )
    assert imported_modules(source, "app.api.routes") == (
        "app",
        "app.api",
        "app.api.models",
        "app.core",
        "app.core.session",
        "app.core.session.SessionLocal",
        "app.core.session.get_db",
        "app.db",
        "app.db.*",
        "app.flags",
        "app.flags.important",
        "app.flags.imported_late",
        "app.helpers",
        "app.helpers.*",
        "json",
        "json.*",
        "late",
        "late.thing",
        "os",
        "os.path",
        "os.path.*",
    )


def test_file_errors_can_be_ignored(tmp_path: Path) -> None:
    """`ignore = ["SES901"]` silences syntax errors like any other code."""
    (tmp_path / "broken.py").write_text("session = (\n")
    settings = resolve_settings(FileOptions(ignore=("SES901",)), CommandLineOptions(), root=".")
    assert check_paths([str(tmp_path)], settings, use_cache=False).diagnostics == ()


def test_findings_are_sorted_by_path_line_and_column(tmp_path: Path) -> None:
    """The report is in a stable order whatever order the workers finish in."""
    for name in ("b.py", "a.py", "c.py"):
        (tmp_path / name).write_text("session = (\n")
    diagnostics: tuple[Diagnostic, ...] = run(tmp_path).diagnostics
    assert [Path(d.path).name for d in diagnostics] == ["a.py", "b.py", "c.py"]


PROJECTS = CASES / "projects"


def summarising_everything(root: Path) -> list[tuple[str, int, str]]:
    """The reference: every file summarised into one index, every file checked with it."""
    settings = default_settings(str(root))
    files = discover(["."], settings).files
    package_dirs: dict[str, object] = {}
    texts = {path: Path(path).read_text() for path in files}
    modules: dict[str, ModuleSummary] = {}
    for path in files:
        names = runner.module_names(path, str(root), package_dirs)
        qualified = runner._qualified(names, os.path.basename(path) == "__init__.py")
        summary = runner._summarize(ast.parse(texts[path]), qualified, settings)
        for name in names:
            modules.setdefault(name, summary)
    index = ProjectIndex(modules)
    findings = [d for path in files for d in runner.check_file(texts[path], path, settings, index)]
    return sorted((Path(d.path).as_posix(), d.line, d.code) for d in findings)


@pytest.mark.parametrize(
    "root",
    [
        *(sorted(p for p in PROJECTS.iterdir() if p.is_dir()) if PROJECTS.exists() else []),
        Path(__file__).parents[2] / "examples",
    ],
    ids=lambda path: path.name,
)
def test_the_runner_finds_what_summarising_every_file_finds(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-filter, import-driven summaries and waves lose nothing against the simple way."""
    monkeypatch.chdir(root)
    for jobs in (1, 2):
        report = check_paths(["."], default_settings(str(root)), use_cache=False, jobs=jobs)
        found = sorted((Path(d.path).as_posix(), d.line, d.code) for d in report.diagnostics)
        assert found == summarising_everything(root)


def test_a_fifo_named_on_the_command_line_is_not_read(tmp_path: Path) -> None:
    """Reading a FIFO could block forever: it is reported as not a regular file instead."""
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    report = check_paths([str(fifo)], default_settings(str(tmp_path)), use_cache=False)
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("SES903", "cannot read: not a regular file")
    ]


def test_a_short_exported_name_pulls_in_only_files_naming_it_as_an_identifier(
    tmp_path: Path,
) -> None:
    """A session exported as `ss` is looked for as a name: `class` and `pass` do not contain it."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "db.py").write_text("from sqlalchemy.orm import Session\nss = Session()\n")
    (package / "api.py").write_text(
        "from sqlalchemy.orm import Session\n\nfrom app.db import ss\n\n\n"
        "def list_items(session: Session):\n    return ss.query(1)\n"
    )
    (package / "jobs.py").write_text(
        "from app.db import ss\n\n\ndef run(item):\n    ss.add(item)\n"
    )
    (package / "models.py").write_text("class Item:\n    pass\n")
    analysed = {Path(path).name for path in run(tmp_path).analysed}
    assert "jobs.py" in analysed
    assert "models.py" not in analysed


def test_only_files_importing_an_exported_name_are_pulled_in(tmp_path: Path) -> None:
    """`db` exported by one module pulls in a file importing that `db` (by name, by star, or
    re-exported), not files that merely say `db` (a module path, another module's `db`)."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("from app.models import db\n")
    (package / "models.py").write_text(
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
    )
    (package / "other.py").write_text("db = 'a database name'\n")
    (package / "api.py").write_text("from app.models import db\n\ndb.session.add(1)\n")
    using = "\n\ndef run(item):\n    save(db, item)\n"
    (package / "by_name.py").write_text(
        "from app.models import db as store" + using.replace("db", "store")
    )
    (package / "by_star.py").write_text("from app.models import *" + using)
    (package / "re_exported.py").write_text("from app import db" + using)
    (package / "module_path.py").write_text("import app.other.db" + using)
    (package / "other_db.py").write_text("from app.other import db" + using)
    analysed = {Path(path).name for path in run(tmp_path).analysed}
    assert {"by_name.py", "by_star.py", "re_exported.py"} <= analysed
    assert not {"module_path.py", "other_db.py"} & analysed
