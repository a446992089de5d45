"""A rule's page, built once from the rule class and rendered for the terminal or the docs site.

The page is a list of sections of typed blocks (prose, code, program output,
notes). `sessionsafe explain` renders it as wrapped plain text (or with ANSI
colour) and may run the demo programs live; `scripts/gen_rule_docs.py`
renders it as Markdown with the recorded output. Both read only the rule
class: its docstring sections, its examples and its `demo`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from sessionsafe.lint.config import Settings
from sessionsafe.lint.demo import Demo, Program, program_file_name, recorded_output
from sessionsafe.lint.engine import check_source
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import ALL_RULES

BlockKind = Literal["text", "code", "output", "note"]

_HEADING = re.compile(r"^## (?P<title>.+?)\s*$")
_ERROR_MARKER = re.compile(r"\s*# error: SES\d{3}(?:\s*,\s*SES\d{3})*\s*$")

#: How the databases are named to readers, by SQLAlchemy dialect name.
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MariaDB"}


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a section: `text` is Markdown-lite prose, the rest is shown verbatim."""

    kind: BlockKind
    content: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


#: Shows what a program does: given the rule code, the program and its key
#: (`broken`, `fixed`, `query-error-broken`...), returns the blocks displaying its output.
Observer = Callable[[str, Program, str], tuple[Block, ...]]


def doc_sections(rule: type[Rule]) -> dict[str, str]:
    """The rule docstring's `## Title` sections, in order, bodies dedented and stripped."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = sections.setdefault(heading["title"].rstrip(":"), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def example_source(example: str) -> str:
    """An example as readers see it: dedented, without the `# error:` test markers."""
    lines = inspect.cleandoc(example).splitlines()
    return "\n".join(_ERROR_MARKER.sub("", line) for line in lines)


def recorded_blocks(code: str, program: Program, key: str, note: str) -> tuple[Block, ...]:
    """The program's output as recorded on SQLite, with a note on where it comes from."""
    return output_blocks(program, key, recorded_output(code, key), note)


def output_blocks(program: Program, key: str, output: str, note: str) -> tuple[Block, ...]:
    """A program's output as a shell session, a note on its origin, and per-database outcomes."""
    return (
        Block("output", f"$ python {program_file_name(key)}\n{output.rstrip()}"),
        Block("note", note),
        *outcomes_by_database(program),
    )


def outcomes_by_database(program: Program) -> tuple[Block, ...]:
    """A note listing each database's outcome, when they differ between databases."""
    if not program.outcome_on:
        return ()
    by_outcome: dict[str, list[str]] = {}
    for dialect, name in DATABASE_NAMES.items():
        by_outcome.setdefault(program.outcome_for(dialect).describe(), []).append(name)
    parts = [f"on {' and '.join(names)} it {outcome}" for outcome, names in by_outcome.items()]
    return (Block("note", "The outcome depends on the database: " + "; ".join(parts) + "."),)


def rule_page(rule: type[Rule], observe: Observer) -> list[Section]:
    """The sections of a rule's page, in teaching order when the rule has a demo."""
    sections = doc_sections(rule)
    if rule.demo is None:
        return _reference_sections(rule, sections)
    return _demo_sections(rule.code, rule.demo, observe) + _linter_sections(rule, sections)


def _demo_sections(code: str, demo: Demo, observe: Observer) -> list[Section]:
    variations = [
        Section(
            variation.title,
            (
                Block("text", variation.story),
                Block("code", variation.broken.source.strip()),
                *observe(code, variation.broken, f"{variation.name}-broken"),
                Block("text", "Fixed:"),
                Block("code", variation.fixed.source.strip()),
                *observe(code, variation.fixed, f"{variation.name}-fixed"),
            ),
        )
        for variation in demo.variations
    ]
    return [
        Section("Mental model", (Block("text", demo.mental_model),)),
        Section("The setup", (Block("text", demo.setup),)),
        Section("The broken code", (Block("code", demo.broken.source.strip()),)),
        Section("What actually happens", observe(code, demo.broken, "broken")),
        Section(
            "The fixed code",
            (Block("code", demo.fixed.source.strip()), *observe(code, demo.fixed, "fixed")),
        ),
        *variations,
        Section("Why SQLAlchemy behaves this way", (Block("text", demo.why),)),
        Section("How this fails in real systems", (Block("text", demo.in_production),)),
        Section("Key takeaway", (Block("text", demo.takeaway),)),
        Section("How sessionsafe prevents it", (Block("text", demo.prevention),)),
    ]


def _linter_sections(rule: type[Rule], sections: dict[str, str]) -> list[Section]:
    """What the linter flags, after the demo: the rule's words, and its findings on the programs."""
    assert rule.demo is not None
    blocks = [
        Block("text", sections.get("What it does", rule.summary())),
        Block("output", _check_transcript(rule.demo)),
        Block("note", "The linter's real findings on the broken and the fixed program."),
    ]
    result = [Section(f"What `sessionsafe check` flags ({rule.code})", tuple(blocks))]
    if "Known limits" in sections:
        result.append(Section("Known limits", (Block("text", sections["Known limits"]),)))
    return result


def _check_transcript(demo: Demo) -> str:
    """`sessionsafe check broken.py fixed.py` as it prints, one line per finding plus its help."""
    settings = Settings(enabled=frozenset(rule.code for rule in ALL_RULES))
    lines = ["$ sessionsafe check broken.py fixed.py"]
    count = 0
    for key in ("broken", "fixed"):
        program: Program = getattr(demo, key)
        name = program_file_name(key)
        for finding in check_source(program.source, name, settings):
            count += 1
            lines.append(
                f"{name}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
            )
            if finding.help:
                lines.append(f"  = help: {finding.help}")
    lines.append(f"Found {count} finding{'s' if count != 1 else ''}.")
    return "\n".join(lines)


def _reference_sections(rule: type[Rule], sections: dict[str, str]) -> list[Section]:
    """A rule without a demo: its docstring, with examples taken from `bad`/`good`."""
    result = [Section(title, _prose_blocks(body)) for title, body in sections.items()]
    titles = set(sections)
    examples = [("Example", rule.bad), ("Use instead", rule.good)]
    position = _after(result, "Why is this bad?")
    for title, samples in examples:
        if title not in titles and samples:
            result.insert(position, Section(title, (Block("code", example_source(samples[0])),)))
            position += 1
    return result


def _after(sections: list[Section], title: str) -> int:
    for index, section in enumerate(sections):
        if section.title == title:
            return index + 1
    return len(sections)


def _prose_blocks(body: str) -> tuple[Block, ...]:
    """Split a docstring section into prose and fenced code blocks."""
    blocks: list[Block] = []
    prose: list[str] = []
    code: list[str] | None = None
    for line in body.splitlines():
        if line.strip().startswith("```"):
            if code is None:
                if prose:
                    blocks.append(Block("text", "\n".join(prose).strip()))
                    prose = []
                code = []
            else:
                blocks.append(Block("code", "\n".join(code)))
                code = None
        elif code is not None:
            code.append(line)
        else:
            prose.append(line)
    if prose and "\n".join(prose).strip():
        blocks.append(Block("text", "\n".join(prose).strip()))
    return tuple(blocks)


def markdown_page(rule: type[Rule]) -> str:
    """The rule's documentation page in Markdown, with the recorded program output."""
    note = (
        "Output recorded on in-memory SQLite; the test suite re-runs this program on "
        "SQLite, PostgreSQL and MariaDB and fails if the outcome differs."
    )
    lines = [
        f"# {rule.code}: {rule.name}",
        "",
        f"{rule.summary()}",
        "",
        f"Enabled by default: {'yes' if rule.default_enabled else 'no'}. "
        f"See it in your terminal with `sessionsafe explain {rule.code}`.",
        "",
    ]
    for section in rule_page(rule, partial(recorded_blocks, note=note)):
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += [*_markdown_block(block), ""]
    lines += _suppression_section(rule.code)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_block(block: Block) -> list[str]:
    if block.kind == "code":
        return ["```python", block.content, "```"]
    if block.kind == "output":
        return ["```text", block.content, "```"]
    if block.kind == "note":
        return [f"*{block.content}*"]
    return [block.content]


def _suppression_section(code: str) -> list[str]:
    return [
        "## Suppressing it",
        "",
        f"Add `# noqa: {code}` to the reported line for a deliberate case, or turn the rule "
        "off for some files in `pyproject.toml`:",
        "",
        "```toml",
        "[tool.sessionsafe]",
        f'per-file-ignores = {{ "tests/**" = ["{code}"] }}',
        "```",
        "",
    ]


def rules_index_page() -> str:
    """docs/rules/index.md: every rule with its default and one-line summary."""
    lines = [
        "# Rules",
        "",
        "Every rule has a page generated from its class, with a broken program, what it really",
        "does when run, and its fix. Run `sessionsafe explain CODE` to see a page in the",
        "terminal, with the programs executed live.",
        "",
        "| Code | Name | Default | What it finds |",
        "| --- | --- | --- | --- |",
    ]
    for rule in ALL_RULES:
        default = "on" if rule.default_enabled else "off"
        link = f"[{rule.code}]({rule.code}.md)"
        lines.append(f"| {link} | `{rule.name}` | {default} | {rule.summary()} |")
    return "\n".join(lines) + "\n"


def rule_pages() -> dict[str, str]:
    """Every generated page, by path under docs/: `rules/index.md` and `rules/SES002.md`..."""
    pages = {"rules/index.md": rules_index_page()}
    pages.update({f"rules/{rule.code}.md": markdown_page(rule) for rule in ALL_RULES})
    return pages
