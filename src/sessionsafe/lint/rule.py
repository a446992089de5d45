"""The base class every rule derives from, and the examples a rule carries.

A rule is one class in one file: its documentation (the class docstring),
its `code`, `message` and `help`, its `bad` and `good` examples, and
`visit_<NodeType>` methods that the engine calls during its single walk of
the tree. A rule whose `visit_Call` only looks at method calls `x.<name>(...)`
names those methods in `call_attributes`, and the engine calls it for no other
call (most calls are not session methods: this saves a Python call per rule).
Rules never resolve names or walk control flow themselves: they ask
`self.model` (the file's `SemanticModel`), and they call
`self.model.may_involve_sessions(node)` before deeper questions about nodes
that are common in ordinary code.

The docstring is Markdown with `## ` sections, in this order:
`## What it does`, `## Why is this bad?`, `## Known limits`. The sections
*Example* and *Use instead* are not written in the docstring: the docs
generator and `sessionsafe explain` render them from `bad[0]` and `good[0]`,
so examples are never written twice. Examples are dedented with
`inspect.cleandoc` before use.

Examples mark expected findings inline with `# error: SES001` on the anchor
line (several codes comma-separated); a `good` example must produce none.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from sessionsafe.lint.analysis import SemanticModel, Span
    from sessionsafe.lint.demo import Demo
    from sessionsafe.lint.diagnostics import Fix

_CODE = re.compile(r"^SES\d{3}$")
_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")

#: Called by `Rule.report` with (rule, anchor node or span, message, help, fix).
Reporter = Callable[["Rule", "ast.AST | Span", str, str, "Fix | None"], None]


class Rule:
    """Base class of every rule; subclasses set the class attributes below."""

    code: ClassVar[str]
    #: Kebab-case name derived from the class name (`CommitInLoop` -> `commit-in-loop`).
    name: ClassVar[str]
    #: The problem, with `{placeholders}` filled by `report(**fields)`; no trailing period.
    message: ClassVar[str]
    #: What to do about it, in the imperative; may use the same placeholders.
    help: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    #: Code samples that must be flagged where marked with `# error: SESnnn`.
    bad: ClassVar[tuple[str, ...]] = ()
    #: Code samples that must produce no finding of this rule.
    good: ClassVar[tuple[str, ...]] = ()
    #: A runnable broken program, its fixed twin and the story `sessionsafe explain` tells.
    demo: ClassVar[Demo | None] = None
    #: The method names `visit_Call` can report on: it is called only for calls
    #: `x.<name>(...)` with `<name>` in this set. `None`: called for every call.
    call_attributes: ClassVar[frozenset[str] | None] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not _CODE.match(cls.code):
            raise TypeError(f"{cls.__name__}.code must look like SES001, got {cls.code!r}")
        cls.name = _CAMEL_BOUNDARY.sub("-", cls.__name__).lower()

    def __init__(self, model: SemanticModel, reporter: Reporter) -> None:
        self.model = model
        self._reporter = reporter

    @classmethod
    def summary(cls) -> str:
        """The first sentence of *What it does*, for `sessionsafe rules`."""
        lines = [line.strip() for line in (cls.__doc__ or "").splitlines()]
        start = lines.index("## What it does") + 1 if "## What it does" in lines else 0
        paragraph: list[str] = []
        for line in lines[start:]:
            if line.startswith("#") or (not line and paragraph):
                break
            if line:
                paragraph.append(line)
        text = " ".join(paragraph)
        return text.split(". ")[0].rstrip(".") + "." if text else ""

    def report(self, node: ast.AST | Span, fix: Fix | None = None, **fields: str) -> None:
        """Report a finding anchored at `node` (or a `Span`), filling the message placeholders."""
        self._reporter(self, node, self.message.format(**fields), self.help.format(**fields), fix)
