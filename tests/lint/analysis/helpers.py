"""Build a `SemanticModel` from a snippet and find nodes in it by their source text."""

from __future__ import annotations

import ast
import textwrap

from sessionsafe.lint.analysis import SemanticModel
from sessionsafe.lint.analysis.project import ProjectIndex
from sessionsafe.lint.config import Settings


def model_of(
    source: str,
    path: str = "app/module.py",
    project: ProjectIndex | None = None,
    settings: Settings | None = None,
) -> SemanticModel:
    text = textwrap.dedent(source)
    return SemanticModel.build(
        ast.parse(text), text, path, settings or Settings(), project or ProjectIndex.empty()
    )


def node_at(model: SemanticModel, text: str, node_type: type[ast.AST] = ast.expr) -> ast.AST:
    """The outermost node of `node_type` whose source is exactly `text`."""
    for node in ast.walk(model.tree):
        if isinstance(node, node_type) and ast.get_source_segment(model.source, node) == text:
            return node
    raise LookupError(text)


def first(model: SemanticModel, node_type: type[ast.AST]) -> ast.AST:
    return next(node for node in ast.walk(model.tree) if isinstance(node, node_type))
