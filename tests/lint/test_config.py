"""Reading `[tool.sessionsafe]`, validating it, and resolving rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessionsafe.lint.config import (
    FILE_ERROR_CODES,
    CommandLineOptions,
    ConfigError,
    FileOptions,
    default_settings,
    find_pyproject,
    load_settings,
    resolve_settings,
)
from sessionsafe.lint.rules import ALL_RULES

RULE_CODES = frozenset(rule.code for rule in ALL_RULES)
DEFAULT_RULES = frozenset(rule.code for rule in ALL_RULES if rule.default_enabled)


def write_pyproject(directory: Path, table: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text(f'[project]\nname = "app"\n\n[tool.sessionsafe]\n{table}\n', encoding="utf-8")
    return path


def test_without_configuration_the_default_rules_and_file_errors_are_enabled(
    tmp_path: Path,
) -> None:
    """A project without a [tool.sessionsafe] table gets every default-on rule."""
    settings = load_settings([str(tmp_path)], CommandLineOptions())
    assert settings.enabled == DEFAULT_RULES
    assert settings.file_errors == frozenset(FILE_ERROR_CODES)


def test_the_nearest_pyproject_with_the_table_is_found_upward(tmp_path: Path) -> None:
    """A pyproject.toml without the table (a sub-package's) does not hide the project's."""
    project = write_pyproject(tmp_path, 'exclude = ["legacy"]')
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    (tmp_path / "src" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_pyproject(str(package)) == project
    settings = load_settings([str(package / "db.py")], CommandLineOptions())
    assert settings.exclude == ("legacy",)
    assert settings.root == str(tmp_path)


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    """All seven keys are accepted and land in Settings."""
    write_pyproject(
        tmp_path,
        """
select = ["ALL"]
ignore = ["SES903"]
extend-select = []
exclude = ["migrations", "src/legacy/**"]
session-factories = ["make_session", "app.db.SessionFactory"]
lifecycle-decorators = ["celery_app.task", "transactional"]

[tool.sessionsafe.per-file-ignores]
"tests/**" = ["SES90"]
""",
    )
    settings = load_settings([str(tmp_path)], CommandLineOptions())
    assert settings.enabled == RULE_CODES
    assert settings.file_errors == frozenset(FILE_ERROR_CODES) - {"SES903"}
    assert settings.exclude == ("migrations", "src/legacy/**")
    assert settings.session_factories == ("make_session", "app.db.SessionFactory")
    assert settings.lifecycle_decorators == ("celery_app.task", "transactional")
    assert settings.per_file_ignores == (("tests/**", frozenset(FILE_ERROR_CODES)),)


def test_per_file_ignores_apply_to_matching_paths_only(tmp_path: Path) -> None:
    """`per-file-ignores` globs match paths relative to the configuration's directory."""
    write_pyproject(tmp_path, '[tool.sessionsafe.per-file-ignores]\n"tests/**" = ["SES901"]')
    settings = load_settings([str(tmp_path)], CommandLineOptions())
    assert settings.ignored_in(str(tmp_path / "tests" / "unit" / "test_db.py")) == {"SES901"}
    assert settings.ignored_in(str(tmp_path / "app" / "tests.py")) == frozenset()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("selct = []", "unknown key 'selct'; did you mean 'select'?"),
        ('select = "SES001"', "select: expected a list of strings, got a string"),
        ("select = [1]", "select: expected a list of strings, got a list with a non-string item"),
        ('ignore = ["SES9999"]', "ignore: unknown rule code 'SES9999'"),
        ('ignore = ["SES904"]', "ignore: unknown rule code 'SES904'; did you mean 'SES90"),
        ('ignore = ["E501"]', "ignore: unknown rule code 'E501'"),
        ("exclude = true", "exclude: expected a list of strings, got a boolean"),
        ('session-factories = ["make-session"]', "'make-session' is not a Python name"),
        ("per-file-ignores = []", "per-file-ignores: expected a table of glob = [codes]"),
        (
            '[tool.sessionsafe.per-file-ignores]\n"x.py" = ["XYZ1"]',
            "per-file-ignores.'x.py': unknown rule code 'XYZ1'",
        ),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_file_and_key(
    tmp_path: Path, table: str, expected: str
) -> None:
    """Each mistake names pyproject.toml, the table and the key, on one line."""
    path = write_pyproject(tmp_path, table)
    with pytest.raises(ConfigError) as raised:
        load_settings([str(tmp_path)], CommandLineOptions())
    message = str(raised.value)
    assert message.startswith(f"{path} [tool.sessionsafe]")
    assert expected in message
    assert "\n" not in message


def test_invalid_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    """A TOML syntax error names the file and the parser's position."""
    path = write_pyproject(tmp_path, "select = [\nexclude = 3")
    with pytest.raises(ConfigError, match=r"invalid TOML: .*line \d+") as raised:
        load_settings([str(tmp_path)], CommandLineOptions())
    assert str(raised.value).startswith(f"{path}: ")


def test_a_config_file_named_on_the_command_line_is_used(tmp_path: Path) -> None:
    """`--config FILE` reads a plain TOML file with the options at its top level."""
    config = tmp_path / "sessionsafe.toml"
    config.write_text('exclude = ["generated"]\nsession-factories = ["new_session"]\n')
    settings = load_settings(["."], CommandLineOptions(), str(config))
    assert settings.exclude == ("generated",)
    assert settings.session_factories == ("new_session",)


def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    """Naming a configuration file that does not exist is a ConfigError, not a default."""
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(["."], CommandLineOptions(), str(tmp_path / "nope.toml"))


def test_command_line_select_ignore_and_exclude_replace_the_file_values(tmp_path: Path) -> None:
    """CLI flags override the file; --extend-select adds to it."""
    write_pyproject(tmp_path, 'ignore = ["SES901"]\nexclude = ["a"]')
    overrides = CommandLineOptions(ignore=("SES902",), exclude=("b",))
    settings = load_settings([str(tmp_path)], overrides)
    assert settings.exclude == ("b",)
    assert settings.file_errors == frozenset(FILE_ERROR_CODES) - {"SES902"}


def test_unknown_codes_on_the_command_line_are_errors() -> None:
    """A typo in --select is reported, not silently ignored."""
    with pytest.raises(ConfigError, match="command line: unknown rule code 'SES99'"):
        resolve_settings(FileOptions(), CommandLineOptions(select=("SES99",)), root=".")


def test_the_more_specific_selector_wins_and_ignore_wins_ties() -> None:
    """`ignore = ["SES90"]` with `extend-select = ["SES901"]` keeps SES901 only."""
    options = FileOptions(ignore=("SES90",), extend_select=("SES901",))
    settings = resolve_settings(options, CommandLineOptions(), root=".")
    assert settings.file_errors == {"SES901"}
    everything_off = FileOptions(select=("ALL",), ignore=("ALL",))
    assert resolve_settings(everything_off, CommandLineOptions(), root=".").file_errors == set()


def test_file_errors_stay_on_when_select_names_only_rules() -> None:
    """Selecting rules does not hide syntax errors: the file errors are on unless ignored."""
    options = FileOptions(select=("SES0",))
    settings = resolve_settings(options, CommandLineOptions(), root=".")
    assert settings.file_errors == frozenset(FILE_ERROR_CODES)
    assert settings.enabled == {code for code in RULE_CODES if code.startswith("SES0")}


def test_the_fingerprint_changes_with_anything_that_changes_findings() -> None:
    """Settings that differ in findings have different cache fingerprints; root does not count."""
    base = default_settings("/a")
    assert base.fingerprint() == default_settings("/b").fingerprint()
    other = resolve_settings(
        FileOptions(session_factories=("make_session",)), CommandLineOptions(), root="/a"
    )
    assert other.fingerprint() != base.fingerprint()
    ignored = resolve_settings(FileOptions(ignore=("SES901",)), CommandLineOptions(), root="/a")
    assert ignored.fingerprint() != base.fingerprint()
