"""Which files `sessionsafe check` discovers: skipped directories, .gitignore, exclude, links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from privileges import as_unprivileged, shared_directory

from sessionsafe.lint._discovery import MissingPathError, discover
from sessionsafe.lint._gitignore import IgnoreFile, is_ignored
from sessionsafe.lint._globs import glob_matches
from sessionsafe.lint.config import (
    CommandLineOptions,
    FileOptions,
    default_settings,
    resolve_settings,
)


def make(root: Path, *paths: str) -> None:
    for path in paths:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x = 1\n")


def found(root: Path, *paths: str, exclude: tuple[str, ...] = ()) -> list[str]:
    settings = resolve_settings(FileOptions(exclude=exclude), CommandLineOptions(), root=str(root))
    names = [str(root / p) if p else str(root) for p in paths] or [str(root)]
    files = discover(names, settings).files
    return sorted(os.path.relpath(f, root).replace(os.sep, "/") for f in files)


def test_python_files_are_found_recursively_and_other_files_are_not(tmp_path: Path) -> None:
    """Only `*.py` files are discovered, at any depth."""
    make(tmp_path, "app/__init__.py", "app/db.py", "app/api/routes.py", "README.md", "app/x.pyc")
    assert found(tmp_path) == ["app/__init__.py", "app/api/routes.py", "app/db.py"]


def test_tool_and_build_directories_and_virtualenvs_are_skipped(tmp_path: Path) -> None:
    """.git, .venv, venv, env, build, dist, node_modules, __pycache__, caches and any pyvenv.cfg."""
    make(
        tmp_path,
        "app.py",
        ".git/hooks/x.py",
        ".venv/lib/x.py",
        "venv/lib/x.py",
        "env/lib/x.py",
        "build/lib/x.py",
        "dist/x.py",
        "node_modules/x.py",
        "app/__pycache__/x.py",
        ".sessionsafe_cache/x.py",
        "python-env/lib/x.py",
    )
    (tmp_path / "python-env" / "pyvenv.cfg").write_text("home = /usr\n")
    assert found(tmp_path) == ["app.py"]


def test_gitignore_patterns_are_honoured_in_every_directory(tmp_path: Path) -> None:
    """Patterns of nested .gitignore files apply below their directory, negation included."""
    make(
        tmp_path,
        "app/models.py",
        "app/generated_pb2.py",
        "app/keep_pb2.py",
        "scratch/notes.py",
        "app/scratch/real.py",
        "docs/conf.py",
        "docs/api/conf.py",
    )
    (tmp_path / ".gitignore").write_text("*_pb2.py\n!keep_pb2.py\n/scratch/\n")
    (tmp_path / "docs" / ".gitignore").write_text("/conf.py\n")
    assert found(tmp_path) == [
        "app/keep_pb2.py",
        "app/models.py",
        "app/scratch/real.py",
        "docs/api/conf.py",
    ]


def test_gitignore_files_above_the_checked_directory_apply_inside_a_repository(
    tmp_path: Path,
) -> None:
    """Checking `src/` in a git work tree still honours the repository root's .gitignore."""
    make(tmp_path, "src/app/db.py", "src/app/local_settings.py")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("local_settings.py\n")
    assert found(tmp_path, "src") == ["src/app/db.py"]


def test_exclude_globs_skip_names_at_any_depth_and_anchored_paths(tmp_path: Path) -> None:
    """A bare name excludes that name anywhere; a path with `/` is anchored at the root."""
    make(tmp_path, "app/db.py", "app/migrations/0001.py", "src/legacy/old.py", "legacy/new.py")
    assert found(tmp_path, exclude=("migrations", "src/legacy")) == ["app/db.py", "legacy/new.py"]


def test_a_file_named_explicitly_is_always_checked(tmp_path: Path) -> None:
    """Naming an excluded, gitignored or non-.py file checks it anyway."""
    make(tmp_path, "build/gen.py", "ignored.py", "script")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    paths = ("build/gen.py", "ignored.py", "script")
    assert found(tmp_path, *paths, exclude=("build",)) == ["build/gen.py", "ignored.py", "script"]


def test_a_file_named_twice_is_checked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file reached both by name and through its directory appears once."""
    make(tmp_path, "a.py")
    settings = default_settings(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert discover(["a.py", ".", "./a.py"], settings).files == ["a.py"]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    """A path that does not exist raises MissingPathError naming it."""
    with pytest.raises(MissingPathError, match=r"nope\.py: no such file or directory"):
        discover([str(tmp_path / "nope.py")], default_settings())


def test_a_symlink_loop_does_not_hang_the_walk(tmp_path: Path) -> None:
    """Links to directories are not followed, so a loop ends; links to files are checked."""
    make(tmp_path, "app/db.py")
    (tmp_path / "app" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "app" / "alias.py").symlink_to(tmp_path / "app" / "db.py")
    (tmp_path / "app" / "self.py").symlink_to(tmp_path / "app" / "self.py")
    assert found(tmp_path) == ["app/alias.py", "app/db.py"]


def test_an_unreadable_directory_is_reported_and_the_rest_is_found() -> None:
    """A directory that cannot be listed is returned with the reason, and the walk goes on."""
    with shared_directory() as root:
        make(root, "ok.py", "blocked/x.py")
        (root / "blocked").chmod(0)
        discovery = as_unprivileged(lambda: discover([str(root)], default_settings(str(root))))
    assert discovery.files == [str(root / "ok.py")]
    assert discovery.unreadable == [(str(root / "blocked"), "Permission denied")]


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.py", "a/b/c.py", False, True),
        ("/top.py", "top.py", False, True),
        ("/top.py", "sub/top.py", False, False),
        ("build/", "x/build", True, True),
        ("build/", "x/build", False, False),
        ("doc/*.txt", "doc/a.txt", False, True),
        ("doc/*.txt", "doc/sub/a.txt", False, False),
        ("**/logs", "deep/er/logs", True, True),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("a/**", "a/x/y", False, True),
        ("file[0-9].py", "file7.py", False, True),
        ("file[!0-9].py", "filex.py", False, True),
        ("file[!0-9].py", "file7.py", False, False),
        ("?.py", "ab.py", False, False),
        ("\\#literal.py", "#literal.py", False, True),
        ("trailing.py\\ ", "trailing.py ", False, True),
        ("# a comment", "# a comment", False, False),
    ],
)
def test_gitignore_pattern_syntax(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    """Each gitignore feature matches as git documents it."""
    base = os.path.abspath("/repo")
    stack = (IgnoreFile.parse(pattern, base),)
    assert is_ignored(stack, os.path.join(base, path), is_dir) is ignored


def test_the_last_matching_gitignore_pattern_wins() -> None:
    """A later `!pattern` re-includes; a later pattern re-excludes."""
    base = os.path.abspath("/repo")
    ignore = IgnoreFile.parse("*.py\n!keep.py\nkeep.py\n!app/keep.py\n", base)
    assert is_ignored((ignore,), os.path.join(base, "keep.py"), False)
    assert not is_ignored((ignore,), os.path.join(base, "app", "keep.py"), False)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("migrations", "app/migrations/0001.py", True),
        ("test_*.py", "tests/unit/test_db.py", True),
        ("tests/**", "tests/unit/test_db.py", True),
        ("tests/*.py", "tests/unit/test_db.py", False),
        ("app/db.py", "app/db.py", True),
        ("app/db.py", "lib/app/db.py", False),
    ],
)
def test_settings_globs(pattern: str, path: str, matches: bool) -> None:
    """`exclude`/`per-file-ignores` globs: bare names match anywhere, paths are anchored."""
    assert glob_matches(pattern, path) is matches
