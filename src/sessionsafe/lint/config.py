"""Settings of a run: `[tool.sessionsafe]` in pyproject.toml plus command-line overrides.

`Settings` is the resolved, immutable result the engine reads. Loading and
validation (`load_settings`) report bad input as `ConfigError`, whose message
names the file and the key.

Rule selection works like ruff's: `select` (default: every rule enabled by
default) and `extend-select` name codes or code prefixes (`SES0`, `ALL`);
`ignore` removes them. When a code matches both a selector and an ignore
entry, the more specific (longer) one wins; on a tie, `ignore` wins.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sessionsafe.lint._globs import glob_matches
from sessionsafe.lint._rule_codes import DEFAULT_ENABLED, RULE_CODES


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI prints it and exits with 2."""


#: Codes of the findings about files that cannot be analysed at all (see `_file_errors`).
FILE_ERROR_CODES: tuple[str, ...] = ("SES900", "SES901", "SES902", "SES903")

_SECTION = "[tool.sessionsafe]"
_SELECTOR = re.compile(r"^(ALL|SES\d{0,3})$")


@dataclass(frozen=True, slots=True)
class Settings:
    """What to check and how; hashable, so it can key the cache."""

    #: Rule codes that run (after select / ignore / extend-select are resolved).
    enabled: frozenset[str] = frozenset()
    #: (glob, codes) pairs: codes ignored in files matching the glob.
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    #: Globs of paths never discovered (an explicitly named file is still checked).
    exclude: tuple[str, ...] = ()
    #: Extra dotted or bare names whose call produces a session (or a factory).
    session_factories: tuple[str, ...] = ()
    #: Extra decorators that make a function a session owner (`celery_app.task`).
    lifecycle_decorators: tuple[str, ...] = ()
    #: Directory the relative globs and module names are resolved against.
    root: str = field(default=".", compare=False)
    #: File-error codes (internal error, unparsable, not text, unreadable) that are reported.
    file_errors: frozenset[str] = frozenset(FILE_ERROR_CODES)

    def fingerprint(self) -> str:
        """A digest of everything that changes findings, stable across processes and runs."""
        parts = [
            ",".join(sorted(self.enabled)),
            ";".join(f"{glob}={','.join(sorted(codes))}" for glob, codes in self.per_file_ignores),
            ",".join(self.session_factories),
            ",".join(self.lifecycle_decorators),
            ",".join(sorted(self.file_errors)),
        ]
        return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()

    def ignored_in(self, path: str) -> frozenset[str]:
        """The codes `per-file-ignores` silences in `path` (relative to `root` or absolute)."""
        if not self.per_file_ignores:
            return frozenset()
        relative = relative_to_root(path, self.root)
        ignored: frozenset[str] = frozenset()
        for glob, codes in self.per_file_ignores:
            if glob_matches(glob, relative):
                ignored |= codes
        return ignored


def default_settings(root: str = ".") -> Settings:
    """The settings of a project without any configuration."""
    return resolve_settings(FileOptions(), CommandLineOptions(), root=root)


@dataclass(frozen=True, slots=True)
class FileOptions:
    """The validated `[tool.sessionsafe]` table, before resolution (None: not given)."""

    source: str = "<defaults>"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    session_factories: tuple[str, ...] = ()
    lifecycle_decorators: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommandLineOptions:
    """Overrides from the command line: given values replace the file's (extend-select adds)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None


def find_pyproject(start: str) -> Path | None:
    """The nearest pyproject.toml with a `[tool.sessionsafe]` table, searching upward.

    A pyproject.toml without the table is passed over, so a sub-package's
    packaging file does not hide the project's configuration.
    """
    here = Path(start).absolute()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_section(candidate):
            return candidate
    return None


def _has_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*sessionsafe\s*[\].]", text, re.M) is not None


def load_settings(
    paths: Sequence[str],
    overrides: CommandLineOptions,
    config_file: str | None = None,
) -> Settings:
    """Find, read, validate and resolve the configuration for checking `paths`.

    `config_file` names the file explicitly (`--config`); otherwise the nearest
    pyproject.toml with a `[tool.sessionsafe]` table above the first path is used.
    Raises `ConfigError` for any problem, naming the file and the key.
    """
    path = (
        Path(config_file) if config_file is not None else find_pyproject(paths[0] if paths else ".")
    )
    if config_file is not None and not Path(config_file).is_file():
        raise ConfigError(f"{config_file}: configuration file not found")
    if path is None:
        return resolve_settings(FileOptions(), overrides, root=os.getcwd())
    options = read_options(path, explicit=config_file is not None)
    return resolve_settings(options, overrides, root=str(path.absolute().parent))


def read_options(path: Path, *, explicit: bool = False) -> FileOptions:
    """Read and validate the `[tool.sessionsafe]` table of a TOML file.

    In a file named `pyproject.toml` (or when `explicit` names a file with a
    `tool` table) the options live under `[tool.sessionsafe]`; any other file
    given with `--config` holds them at its top level.
    """
    try:
        data = _parse_toml(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid UTF-8 ({error.reason})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml" or (explicit and "tool" in data):
        tool = data.get("tool", {})
        table = tool.get("sessionsafe", {}) if isinstance(tool, dict) else {}
        where = f"{path} {_SECTION}"
    else:
        table = data
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    return _validate_table(table, where)


def _parse_toml(text: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    parsed: dict[str, object] = tomllib.loads(text)
    return parsed


_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "exclude",
    "session-factories",
    "lifecycle-decorators",
)


def _validate_table(table: Mapping[str, object], where: str) -> FileOptions:
    for key in table:
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{_did_you_mean(key, _KEYS)}")

    def codes(key: str) -> tuple[str, ...]:
        values = _strings(table[key], where, key)
        for value in values:
            validate_selector(value, f"{where}.{key}")
        return tuple(value.upper() for value in values)

    per_file: list[tuple[str, tuple[str, ...]]] = []
    if "per-file-ignores" in table:
        mapping = table["per-file-ignores"]
        if not isinstance(mapping, dict):
            raise ConfigError(
                f"{where}.per-file-ignores: expected a table of glob = [codes], "
                f"got {_type_name(mapping)}"
            )
        for glob, value in mapping.items():
            entries = _strings(value, where, f"per-file-ignores.{glob!r}")
            for entry in entries:
                validate_selector(entry, f"{where}.per-file-ignores.{glob!r}")
            per_file.append((glob, tuple(entry.upper() for entry in entries)))
    return FileOptions(
        source=where,
        select=codes("select") if "select" in table else None,
        ignore=codes("ignore") if "ignore" in table else (),
        extend_select=codes("extend-select") if "extend-select" in table else (),
        per_file_ignores=tuple(per_file),
        exclude=_strings(table.get("exclude", []), where, "exclude"),
        session_factories=_names(table.get("session-factories", []), where, "session-factories"),
        lifecycle_decorators=_names(
            table.get("lifecycle-decorators", []), where, "lifecycle-decorators"
        ),
    )


def _strings(value: object, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}.{key}: expected a list of strings, got {_type_name(value)}")
    return tuple(value)


_DOTTED_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def _names(value: object, where: str, key: str) -> tuple[str, ...]:
    names = _strings(value, where, key)
    for name in names:
        if not _DOTTED_NAME.match(name):
            raise ConfigError(
                f"{where}.{key}: {name!r} is not a Python name or dotted name "
                "(write it like `SessionLocal` or `app.db.make_session`)"
            )
    return names


def _type_name(value: object) -> str:
    if isinstance(value, list):
        return "a list with a non-string item"
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}.get(
        type(value), "a table" if isinstance(value, dict) else type(value).__name__
    )


def known_codes() -> tuple[str, ...]:
    """Every code a selector may name: the rules' and the file errors'.."""
    return (*_rule_codes(), *FILE_ERROR_CODES)


def _rule_codes() -> tuple[str, ...]:
    return RULE_CODES


def validate_selector(selector: str, where: str) -> None:
    """Raise `ConfigError` unless `selector` is `ALL`, a known code, or a prefix of one."""
    wanted = selector.strip().upper()
    if _SELECTOR.match(wanted) and any(_selects(wanted, code) for code in known_codes()):
        return
    raise ConfigError(
        f"{where}: unknown rule code {selector!r}{_did_you_mean(wanted, known_codes())} "
        "(run `sessionsafe rules` to list the codes)"
    )


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _selects(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def resolve_settings(options: FileOptions, overrides: CommandLineOptions, *, root: str) -> Settings:
    """Combine the file's options with the command line into `Settings`."""
    for selector in (
        *(overrides.select or ()),
        *(overrides.ignore or ()),
        *overrides.extend_select,
    ):
        validate_selector(selector, "command line")
    select = overrides.select if overrides.select is not None else options.select
    ignore = overrides.ignore if overrides.ignore is not None else options.ignore
    extend_select = (*options.extend_select, *(u.upper() for u in overrides.extend_select))
    enabled = _resolve_selection(
        tuple(s.upper() for s in select) if select is not None else None,
        tuple(s.upper() for s in ignore),
        extend_select,
    )
    rule_codes = set(_rule_codes())
    all_codes = known_codes()
    return Settings(
        enabled=frozenset(code for code in enabled if code in rule_codes),
        per_file_ignores=tuple(
            (glob, frozenset(c for c in all_codes if any(_selects(s, c) for s in selectors)))
            for glob, selectors in options.per_file_ignores
        ),
        exclude=overrides.exclude if overrides.exclude is not None else options.exclude,
        session_factories=options.session_factories,
        lifecycle_decorators=options.lifecycle_decorators,
        root=root,
        file_errors=frozenset(code for code in enabled if code in FILE_ERROR_CODES),
    )


def _resolve_selection(
    select: tuple[str, ...] | None, ignore: tuple[str, ...], extend_select: tuple[str, ...]
) -> set[str]:
    defaults = set(DEFAULT_ENABLED)
    defaults.update(FILE_ERROR_CODES)
    enabled: set[str] = set()
    for code in known_codes():
        positive = max(
            (_specificity(s) for s in (*(select or ()), *extend_select) if _selects(s, code)),
            default=-1,
        )
        # File errors are on unless ignored, even when `select` names only rules.
        if code in defaults and (select is None or code in FILE_ERROR_CODES):
            positive = max(positive, 0)
        negative = max((_specificity(s) for s in ignore if _selects(s, code)), default=-1)
        if positive > negative:
            enabled.add(code)
    return enabled


def relative_to_root(path: str, root: str) -> str:
    """`path` relative to `root` with `/` separators, or as given when outside the root."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # a different drive on Windows
        return absolute.replace(os.sep, "/")
    if relative.startswith(".."):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
