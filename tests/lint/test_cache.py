"""The per-file cache: hits, misses, invalidation by content, settings and imported summaries."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sessionsafe.lint.analysis.project import ModuleSummary, ProjectIndex
from sessionsafe.lint.cache import (
    CACHE_DIRECTORY,
    RACY_NANOSECONDS,
    Cache,
    ScanEntry,
    _read_shard,
)
from sessionsafe.lint.config import (
    CommandLineOptions,
    FileOptions,
    default_settings,
    resolve_settings,
)
from sessionsafe.lint.runner import (
    Report,
    _File,
    _ModuleResolver,
    _result_key,
    check_paths,
    imported_modules,
)

SESSION_CODE = "from app.db import SessionLocal\n\ndef handler(session):\n    session.add(1)\n"


def project(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "db.py").write_text("from sqlalchemy.orm import sessionmaker\n")
    (root / "app" / "api.py").write_text(SESSION_CODE)
    (root / "app" / "broken.py").write_text("session = (\n")
    (root / "app" / "plain.py").write_text("x = 1\n")


def run(root: Path, use_cache: bool = True, ignore: tuple[str, ...] = ()) -> Report:
    settings = resolve_settings(FileOptions(ignore=ignore), CommandLineOptions(), root=str(root))
    return check_paths([str(root)], settings, use_cache=use_cache, jobs=1)


def scanned(path: str, module: str) -> _File:
    scan = ScanEntry((0, 0, 0), 0, "hash", module, candidate=True, summarisable=True, imports=())
    return _File(path, (module,), False, scan)


def age(root: Path) -> None:
    """Make every file look written well before any scan, so its stamp can be trusted."""
    past = time.time_ns() - 10 * RACY_NANOSECONDS
    for file in root.rglob("*.py"):
        os.utime(file, ns=(past, past))


def names(paths: tuple[str, ...]) -> list[str]:
    return sorted(Path(path).name for path in paths)


def test_an_unchanged_project_is_answered_from_the_cache(tmp_path: Path) -> None:
    """The second run analyses nothing and reports the same findings."""
    project(tmp_path)
    first = run(tmp_path)
    second = run(tmp_path)
    assert names(first.analysed) == ["api.py", "broken.py", "db.py"]
    assert second.analysed == ()
    assert second.cached == 3
    assert second.diagnostics == first.diagnostics
    assert [d.code for d in second.diagnostics] == ["SES901"]


def test_editing_a_file_re_analyses_only_that_file(tmp_path: Path) -> None:
    """A changed body is a cache miss for its own file only."""
    project(tmp_path)
    run(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("session = 1\n")
    report = run(tmp_path)
    assert names(report.analysed) == ["broken.py"]
    assert report.diagnostics == ()


def test_other_settings_use_their_own_cache(tmp_path: Path) -> None:
    """Changing what is enabled re-analyses; switching back is warm again."""
    project(tmp_path)
    run(tmp_path)
    assert len(run(tmp_path, ignore=("SES901",)).analysed) == 3
    assert run(tmp_path).analysed == ()


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    """--no-cache leaves no cache directory behind and analyses everything."""
    project(tmp_path)
    assert len(run(tmp_path, use_cache=False).analysed) == 3
    assert not (tmp_path / CACHE_DIRECTORY).exists()


def test_the_cache_directory_ignores_itself_for_git(tmp_path: Path) -> None:
    """`.sessionsafe_cache/.gitignore` holds `*`, so the cache is never committed."""
    project(tmp_path)
    run(tmp_path)
    ignore = (tmp_path / CACHE_DIRECTORY / ".gitignore").read_text().splitlines()
    assert "*" in ignore


def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    """Garbage in the cache file means a cold run, not a crash."""
    project(tmp_path)
    run(tmp_path)
    for directory, _, files in os.walk(tmp_path / CACHE_DIRECTORY):
        for name in files:
            if name.endswith(".pickle"):
                Path(directory, name).write_bytes(b"\x80\x05not a pickle")
    assert len(run(tmp_path).analysed) == 3
    assert run(tmp_path).analysed == ()


def test_an_unwritable_cache_directory_does_not_fail_the_run(tmp_path: Path) -> None:
    """If the cache cannot be written the run still reports its findings."""
    project(tmp_path)
    (tmp_path / CACHE_DIRECTORY).write_text("a file where the directory should be")
    report = run(tmp_path)
    assert [d.code for d in report.diagnostics] == ["SES901"]


def test_a_changed_summary_of_an_imported_module_changes_the_key() -> None:
    """The result key depends on the summaries of the modules a file imports, and no others."""
    source = scanned("app/api.py", "app.api")
    imports = ("app", "app.db", "app.db.SessionLocal")
    before = ProjectIndex({"app.db": ModuleSummary("app.db"), "app.other": ModuleSummary("x")})
    after_import_changed = ProjectIndex(
        {"app.db": ModuleSummary("app.db", factories={"SessionLocal": "sync"})}
        | {"app.other": ModuleSummary("x")}
    )
    after_other_changed = ProjectIndex(
        {"app.db": ModuleSummary("app.db"), "app.other": ModuleSummary("y")}
    )
    key = _result_key(source, imports, _ModuleResolver(before))
    assert _result_key(source, imports, _ModuleResolver(after_import_changed)) != key
    assert _result_key(source, imports, _ModuleResolver(after_other_changed)) == key
    assert _result_key(source, imports, _ModuleResolver(ProjectIndex())) != key


def test_the_settings_fingerprint_is_stable_across_processes() -> None:
    """The cache file name does not depend on hash randomisation."""
    code = (
        "from sessionsafe.lint.config import default_settings;"
        "print(default_settings().fingerprint())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {default_settings().fingerprint() + "\n"}


WORKER = """\
from sqlalchemy.exc import IntegrityError

from app.db import SessionLocal
from app.errors import handle_db_error


def consume(events):
    with SessionLocal() as session:
        for event in events:
            try:
                session.add(event)
                session.flush()
            except IntegrityError as error:
                handle_db_error(session, error)
        session.commit()
"""
HELPER = "def handle_db_error(session, error):\n    session.rollback()\n"


def test_changing_an_imported_helper_re_analyses_its_importers_only(tmp_path: Path) -> None:
    """A rollback helper that stops rolling back re-checks the module using it, not the others."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "db.py").write_text(
        "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n"
    )
    (tmp_path / "app" / "errors.py").write_text(HELPER)
    (tmp_path / "app" / "worker.py").write_text(WORKER)
    assert run(tmp_path).diagnostics == ()
    (tmp_path / "app" / "errors.py").write_text(HELPER.replace("session.rollback()", "pass"))
    report = run(tmp_path)
    assert names(report.analysed) == ["errors.py", "worker.py"]
    assert [(Path(d.path).name, d.line, d.code) for d in report.diagnostics] == [
        ("worker.py", 13, "SES002")
    ]


def test_a_plain_import_depends_on_every_module_below_it() -> None:
    """After `import app`, code may name `app.db.SessionLocal`: app.db's summary is in the key."""
    source = scanned("jobs.py", "jobs")
    imports = imported_modules("import app\n", "jobs")
    assert "app.*" in imports
    before = ProjectIndex({"app": ModuleSummary("app"), "app.db": ModuleSummary("app.db")})
    after = ProjectIndex(
        {"app": ModuleSummary("app"), "app.db": ModuleSummary("app.db", factories={"S": "sync"})}
    )
    assert _result_key(source, imports, _ModuleResolver(before)) != _result_key(
        source, imports, _ModuleResolver(after)
    )


def test_a_warm_run_reads_no_file_whose_stamp_is_unchanged(tmp_path: Path) -> None:
    """Like ruff and git, the cache trusts (mtime, size, inode) and does not read the file."""
    project(tmp_path)
    age(tmp_path)
    first = run(tmp_path)
    second = run(tmp_path)
    assert first.read == 5
    assert (second.read, second.analysed, second.cached) == (0, (), 3)
    assert second.diagnostics == first.diagnostics


def test_an_edit_changing_the_stamp_is_read_and_re_analysed(tmp_path: Path) -> None:
    """A new size or mtime means a new scan; only the edited file is read and analysed."""
    project(tmp_path)
    age(tmp_path)
    run(tmp_path)
    (tmp_path / "app" / "api.py").write_text(SESSION_CODE + "# edited\n")
    report = run(tmp_path)
    assert (report.read, names(report.analysed)) == (1, ["api.py"])


def test_a_stamp_as_recent_as_the_scan_is_not_trusted(tmp_path: Path) -> None:
    """A file written within the clock's resolution of its scan may have changed unseen: an
    edit keeping its size and mtime is still found, because such a stamp is read again."""
    project(tmp_path)
    run(tmp_path)
    api = tmp_path / "app" / "api.py"
    written = api.stat().st_mtime_ns
    api.write_text(SESSION_CODE.replace("add(1)", "add(2)"))
    os.utime(api, ns=(written, written))
    report = run(tmp_path)
    assert report.read == 5
    assert names(report.analysed) == ["api.py"]


def test_a_file_pulled_in_by_an_exported_name_keeps_its_scan(tmp_path: Path) -> None:
    """Recording the imports of a file that names an exported factory keeps the rest of its
    scan: a module that may summarise (it raises) stays summarisable on the next run."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
    )
    (package / "api.py").write_text("from app.models import db\n\ndb.session.add(1)\n")
    (package / "helpers.py").write_text(
        "from app.models import db as store\n\n\ndef fail(item):\n"
        "    keep(store, item)\n    raise ValueError(item)\n"
    )
    first = run(tmp_path)
    assert "helpers.py" in names(first.analysed)
    settings = resolve_settings(FileOptions(), CommandLineOptions(), root=str(tmp_path))
    scan = Cache.open(str(tmp_path), settings.fingerprint()).scan(str(package / "helpers.py"))
    assert scan is not None
    assert (scan.candidate, scan.summarisable) == (False, True)
    assert "app.models.db" in scan.imports
    assert run(tmp_path).diagnostics == first.diagnostics


def cached_paths(root: Path) -> set[str]:
    """The paths the cache of `root` holds a record for, as saved."""
    shards = root.glob(f"{CACHE_DIRECTORY}/*/*/*.pickle")
    return {path for shard in shards for path in _read_shard(shard)}


def test_a_directory_run_forgets_files_gone_from_it_and_a_file_run_does_not(
    tmp_path: Path,
) -> None:
    """Deleted or newly excluded files lose their records when their directory is walked
    again, so the cache does not grow with the project's history; a run on named files
    leaves the records of the others alone."""
    project(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "kept.py").write_text(SESSION_CODE)
    app = str(tmp_path / "app")
    settings = resolve_settings(FileOptions(), CommandLineOptions(), root=str(tmp_path))
    check_paths([app, str(tmp_path / "other")], settings, jobs=1)
    api = os.path.join(app, "api.py")
    assert api in cached_paths(tmp_path)
    os.remove(api)
    check_paths([os.path.join(app, "db.py")], settings, jobs=1)
    assert api in cached_paths(tmp_path)
    check_paths([app], settings, jobs=1)
    remaining = cached_paths(tmp_path)
    assert api not in remaining
    assert {os.path.join(app, "db.py"), str(tmp_path / "other" / "kept.py")} <= remaining
