"""`sessionsafe explain CODE`: a rule's page in the terminal, its demo executed live.

When SQLAlchemy is importable, the broken and the fixed demo programs run
right then, each in a fresh interpreter against in-memory SQLite with a
timeout, and their real output is shown. Otherwise (or with `run=False`)
the output recorded in the rule is shown, with a note saying how to see it
live. Prose is wrapped to `width` columns; code is never wrapped.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from concurrent.futures import Future, ThreadPoolExecutor

from sessionsafe.lint.demo import (
    DemoRunError,
    Program,
    ProgramRun,
    program_file_name,
    run_program,
)
from sessionsafe.lint.pages import (
    Block,
    Observer,
    Section,
    output_blocks,
    recorded_blocks,
    rule_page,
)
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import RULES_BY_CODE

#: Seconds a demo program may run before the recorded output is shown instead.
RUN_TIMEOUT = 60.0
_MIN_WIDTH = 40
_CODE_INDENT = "    "
_BOLD = "\x1b[1m"
_HEADING_COLOR = "\x1b[1;36m"
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"
_CODE_SPAN = re.compile(r"`[^`]*`")
# textwrap breaks only at ASCII whitespace, so a no-break space keeps a code span whole.
_NO_BREAK = "\u00a0"


class UnknownRuleError(ValueError):
    """`explain` was asked about a code no rule has; the message says what to do."""


def explain(code: str, *, run: bool = True, color: bool = False, width: int = 80) -> str:
    """Return the page of the rule `code`, running its demo programs when `run` is true.

    Raises `UnknownRuleError` when no rule has that code.
    """
    rule = find_rule(code)
    width = max(width, _MIN_WIDTH)
    if not run or rule.demo is None:
        return _render(rule, rule_page(rule, _observer(None)), color=color, width=width)
    # All programs start at once: each spends most of its time starting an interpreter.
    with ThreadPoolExecutor(max_workers=len(rule.demo.programs())) as pool:
        runs = {
            key: pool.submit(_run_live, program, key)
            for key, program in rule.demo.programs()
            if not program.missing_modules()
        }
        return _render(rule, rule_page(rule, _observer(runs)), color=color, width=width)


def find_rule(code: str) -> type[Rule]:
    """The rule with this code (case-insensitive), or `UnknownRuleError` naming the choices."""
    wanted = code.strip().upper()
    rule = RULES_BY_CODE.get(wanted)
    if rule is not None:
        return rule
    close = difflib.get_close_matches(wanted, list(RULES_BY_CODE), n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    raise UnknownRuleError(
        f"unknown rule code {code!r}.{hint} Run `sessionsafe rules` to list the rule codes."
    )


def _run_live(program: Program, key: str) -> ProgramRun | DemoRunError:
    try:
        return run_program(program.source, file_name=program_file_name(key), timeout=RUN_TIMEOUT)
    except DemoRunError as error:
        return error


def _observer(runs: dict[str, Future[ProgramRun | DemoRunError]] | None) -> Observer:
    """Show a program's output: its live run when there is one, else the recorded output.

    `runs` maps program keys to live runs; None means nothing was run (`--no-run`).
    """

    def observe(code: str, program: Program, key: str) -> tuple[Block, ...]:
        if runs is None:
            note = "Recorded output (--no-run); run without --no-run to execute it live."
            return recorded_blocks(code, program, key, note)
        if key not in runs:
            missing = ", ".join(program.missing_modules())
            note = (
                f"Recorded output: {missing} is not installed here. To run it live, "
                f"`pip install '{program.install}'` and run `sessionsafe explain` again."
            )
            return recorded_blocks(code, program, key, note)
        result = runs[key].result()
        if isinstance(result, DemoRunError):
            note = f"Could not run it live ({result}); this is the recorded output."
            return recorded_blocks(code, program, key, note)
        note = (
            f"Run just now on in-memory SQLite with SQLAlchemy {result.sqlalchemy_version} "
            f"({result.seconds:.1f} s)."
        )
        return output_blocks(program, key, result.output, note)

    return observe


def _render(rule: type[Rule], sections: list[Section], *, color: bool, width: int) -> str:
    title = f"{rule.code} {rule.name}"
    lines = [_style(title, _BOLD, color), "=" * len(title)]
    lines += _wrap(rule.summary(), width)
    for section in sections:
        lines += ["", _style(section.title.upper(), _HEADING_COLOR, color)]
        for block in section.blocks:
            lines += ["", *_render_block(block, color=color, width=width)]
    return "\n".join(lines) + "\n"


def _render_block(block: Block, *, color: bool, width: int) -> list[str]:
    if block.kind == "code":
        return [_CODE_INDENT + line if line else "" for line in block.content.splitlines()]
    if block.kind == "output":
        return _render_output(block.content, width)
    if block.kind == "note":
        return [_style(line, _DIM, color) for line in _wrap(block.content, width)]
    return wrap_prose(block.content, width)


def _render_output(output: str, width: int) -> list[str]:
    """Program output, indented; long lines continue on the next line, further indented."""
    lines: list[str] = []
    for line in output.splitlines():
        lines += textwrap.wrap(
            line,
            width,
            initial_indent=_CODE_INDENT,
            subsequent_indent=_CODE_INDENT + "  ",
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [""]
    return lines


def wrap_prose(text: str, width: int) -> list[str]:
    """Wrap Markdown-lite prose: paragraphs, `- ` bullets, fenced code kept as is."""
    lines: list[str] = []
    for kind, content in _prose_parts(text):
        if lines:
            lines.append("")
        if kind == "code":
            lines += [_CODE_INDENT + line if line else "" for line in content.splitlines()]
        elif kind == "bullet":
            lines += _wrap_bullets(content, width)
        else:
            lines += _wrap(content, width)
    return lines


def _wrap_bullets(items: str, width: int) -> list[str]:
    lines: list[str] = []
    for item in items.split("\n"):
        lines += _wrap(item, width, initial_indent="  - ", subsequent_indent="    ")
    return lines


def _wrap(
    text: str, width: int, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """Wrap prose at spaces, not inside a short `code span` (a command must stay copyable)."""

    def keep_whole(span: re.Match[str]) -> str:
        return span[0].replace(" ", _NO_BREAK) if len(span[0]) <= width // 2 else span[0]

    protected = _CODE_SPAN.sub(keep_whole, text)
    lines = textwrap.wrap(
        protected,
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace(_NO_BREAK, " ") for line in lines]


def _prose_parts(text: str) -> list[tuple[str, str]]:
    """Split prose into ("para", text), ("bullet", items one per line) and ("code", text)."""
    parts: list[tuple[str, str]] = []
    kind = "para"
    current: list[str] = []
    in_code = False

    def flush() -> None:
        nonlocal current
        if current:
            parts.append((kind, "\n".join(current) if kind == "code" else _join(kind, current)))
        current = []

    for line in text.strip().splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            in_code = not in_code
            kind = "code" if in_code else "para"
        elif in_code:
            current.append(line)
        elif not stripped:
            flush()
            kind = "para"
        elif stripped.startswith(("- ", "* ")):
            if kind != "bullet":
                flush()
                kind = "bullet"
            current.append("\0" + stripped[2:])
        else:
            current.append(stripped)
    flush()
    return parts


def _join(kind: str, lines: list[str]) -> str:
    """Join wrapped source lines; for bullets, `\\0` marks where an item starts."""
    text = " ".join(lines)
    if kind == "bullet":
        return "\n".join(item.strip() for item in text.split("\0") if item.strip())
    return text


def _style(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text
