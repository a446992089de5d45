"""One file: source -> tree -> semantic model -> rules -> noqa -> diagnostics.

`check_source` is the whole analyzer for one file; the runner calls it in
worker processes and the flake8 plugin calls it directly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from sessionsafe.lint.analysis import SemanticModel, Span
from sessionsafe.lint.analysis.project import ProjectIndex
from sessionsafe.lint.config import Settings
from sessionsafe.lint.diagnostics import Diagnostic, Fix
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import ALL_RULES


@dataclass(frozen=True, slots=True)
class FileResult:
    """What checking one file produced."""

    path: str
    diagnostics: tuple[Diagnostic, ...]


def check_source(
    source: str,
    path: str,
    settings: Settings,
    project: ProjectIndex | None = None,
    tree: ast.Module | None = None,
) -> list[Diagnostic]:
    """Run every enabled rule on one file's source and return its findings, sorted.

    Raises `SyntaxError` when the source does not parse (the runner turns it
    into a diagnostic of its own).
    """
    if tree is None:
        tree = ast.parse(source, filename=path)
    model = SemanticModel.build(tree, source, path, settings, project or ProjectIndex.empty())
    found: list[Diagnostic] = []

    def report(rule: Rule, node: ast.AST | Span, message: str, help: str, fix: Fix | None) -> None:
        found.append(model.diagnostic(rule, node, message, help, fix))

    rules = [rule(model, report) for rule in ALL_RULES if rule.code in settings.enabled]
    _walk(tree, rules)
    return sorted(model.apply_noqa(found), key=lambda d: d.sort_key)


def _walk(tree: ast.Module, rules: list[Rule]) -> None:
    """Walk the tree once, calling each rule's `visit_<NodeType>` methods."""
    dispatch: dict[type[ast.AST], list[object]] = {}
    for node in ast.walk(tree):
        node_type = type(node)
        visitors = dispatch.get(node_type)
        if visitors is None:
            method = "visit_" + node_type.__name__
            visitors = dispatch[node_type] = [
                getattr(rule, method) for rule in rules if hasattr(rule, method)
            ]
        for visit in visitors:
            visit(node)  # type: ignore[operator]
