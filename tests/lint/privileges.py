"""Run a function as an unprivileged user, so permission errors are real even under root.

Root reads a `chmod 000` directory as if nothing happened; tests of
"permission denied" therefore fork, drop to the `nobody` user in the child,
and send the result back through a pipe.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

Result = TypeVar("Result")
NOBODY = 65534


def as_unprivileged(function: Callable[[], Result]) -> Result:
    """`function()`, run by a user without root's right to read anything."""
    if os.geteuid() != 0:
        return function()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        status = 1
        try:
            os.close(read_end)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(function(), pipe)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child, 0)
    if status != 0 or not data:
        raise RuntimeError(f"the unprivileged child failed with status {status}")
    result: Result = pickle.loads(data)
    return result


@contextmanager
def shared_directory() -> Iterator[Path]:
    """A temporary directory the unprivileged user can enter (pytest's tmp_path is private)."""
    directory = Path(tempfile.mkdtemp(prefix="sessionsafe-perm-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        for path in directory.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(directory)
