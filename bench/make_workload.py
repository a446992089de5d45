"""Rebuild the benchmark workload: the Python files of real projects that use SQLAlchemy.

Usage:
    python bench/make_workload.py DEST [--mirrors DIR] [--only NAME ...]

For each project of `PROJECTS`, the exact commit is fetched from its public git URL
(a shallow fetch of that one commit) and every `.py` file of the commit is written
under `DEST/<name>/`, keeping its path. Only Python files are exported: both linters
then see the same files, and no project configuration (ruff settings, .gitignore)
changes what either tool checks. `--mirrors DIR` reuses local git directories laid
out as `DIR/<owner>+<repo>/repo` instead of the network (how the workload was first
built; blobs missing from such a snapshot are counted and reported).

Keep DEST outside the sessionsafe repository: the workload is never committed.
Prints the files and lines of Python per project and in total.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    name: str
    owner_repo: str
    commit: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner_repo}.git"

    @property
    def mirror_dir_name(self) -> str:
        return self.owner_repo.replace("/", "+")


PROJECTS: tuple[Project, ...] = (
    Project("sqlalchemy", "sqlalchemy/sqlalchemy", "f35da7e2b9349a08b8de1f6bd3b07c8bf8616790"),
    Project("nova", "openstack/nova", "00a030403f672b975364c855b7d25b40ef83e757"),
    Project("neutron", "openstack/neutron", "2131d26f73262ec89a5d3e3e0d65521df4908e65"),
    Project("prefect", "PrefectHQ/prefect", "ce79dd3d6cfa2b7337265498210dbc4d25bcdc98"),
    Project("buildbot", "buildbot/buildbot", "61f2f4118098dbbd22cf9212e2b470cea7c505ba"),
    Project("indico", "indico/indico", "b8f1fde8b81b199341cc84a75909cb0ed362d44e"),
    Project("warehouse", "pypi/warehouse", "6b62157124ab7865029afeeadf282bce27d601d9"),
    Project("CTFd", "CTFd/CTFd", "91ced62d44d3ec3142a0948ee96ed19947cfc979"),
    Project("redash", "getredash/redash", "ca79fe988d81cdac9675b412f3dfcab107bc1fbc"),
)

GIT_TIMEOUT_SECONDS = 1800


@dataclass
class ExportCount:
    files: int = 0
    lines: int = 0
    missing_blobs: int = 0


def git(git_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    completed = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        input=stdin,
        capture_output=True,
        timeout=GIT_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"git {' '.join(args)} failed in {git_dir}: {message}")
    return completed.stdout


def fetch_commit(project: Project, cache_dir: Path) -> Path:
    """A bare git directory holding `project.commit`, fetched shallowly once."""
    git_dir = cache_dir / f"{project.name}.git"
    if not git_dir.exists():
        subprocess.run(["git", "init", "--quiet", "--bare", str(git_dir)], check=True)
    has_commit = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{project.commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if has_commit.returncode != 0:
        print(f"fetching {project.url} at {project.commit[:12]} ...", file=sys.stderr)
        git(git_dir, "fetch", "--quiet", "--depth", "1", project.url, project.commit)
    return git_dir


def python_blobs(git_dir: Path, commit: str) -> list[tuple[str, str]]:
    """(blob id, path) of every regular `.py` file in the commit (symlinks excluded)."""
    listing = git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, blob_id = meta.decode().split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        if kind == "blob" and mode in ("100644", "100755") and path.endswith(".py"):
            blobs.append((blob_id, path))
    return blobs


def export_python_files(git_dir: Path, commit: str, target: Path) -> ExportCount:
    """Write the commit's `.py` files under `target`; blobs absent from the git dir are skipped."""
    blobs = python_blobs(git_dir, commit)
    request = "".join(f"{blob_id}\n" for blob_id, _ in blobs).encode()
    stream = git(git_dir, "cat-file", "--batch", stdin=request)
    count = ExportCount()
    position = 0
    for blob_id, path in blobs:
        header_end = stream.index(b"\n", position)
        header = stream[position:header_end].decode().split()
        position = header_end + 1
        if header[1] == "missing":
            count.missing_blobs += 1
            continue
        if header[0] != blob_id:
            raise RuntimeError(f"git cat-file answered {header[0]} for {blob_id} ({path})")
        size = int(header[2])
        content = stream[position : position + size]
        position += size + 1  # the content is followed by a newline
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
        count.files += 1
        count.lines += content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)
    return count


def git_dir_for(project: Project, mirrors: Path | None, cache_dir: Path) -> Path:
    if mirrors is not None:
        mirrored = mirrors / project.mirror_dir_name / "repo"
        if mirrored.is_dir():
            return mirrored
    return fetch_commit(project, cache_dir)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="directory to write the workload into")
    parser.add_argument(
        "--mirrors",
        type=Path,
        help="reuse local git dirs laid out as DIR/<owner>+<repo>/repo instead of fetching",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=[project.name for project in PROJECTS],
        help="export only these projects",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    dest: Path = args.dest.resolve()
    cache_dir = dest / ".git-cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    selected = [p for p in PROJECTS if args.only is None or p.name in args.only]
    total = ExportCount()
    print(f"{'project':<12} {'commit':<12} {'files':>7} {'lines':>10}  missing blobs")
    for project in selected:
        target = dest / project.name
        if target.exists():
            shutil.rmtree(target)
        git_dir = git_dir_for(project, args.mirrors, cache_dir)
        count = export_python_files(git_dir, project.commit, target)
        total.files += count.files
        total.lines += count.lines
        total.missing_blobs += count.missing_blobs
        print(
            f"{project.name:<12} {project.commit[:12]:<12} {count.files:>7} {count.lines:>10}"
            f"  {count.missing_blobs}"
        )
    print(f"{'total':<12} {'':<12} {total.files:>7} {total.lines:>10}  {total.missing_blobs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
