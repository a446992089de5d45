"""Imports -> qualified names.

`ImportTable` maps every name a module binds with `import`/`from ... import`
to the dotted name it stands for, so `sa.orm.Session`, `S` (from
`from sqlalchemy.orm import Session as S`) and `Session` all resolve to
`sqlalchemy.orm.Session`. Relative imports are resolved against the module's
own package. Names imported inside functions are recorded too: a linter
reading `def f(): from sqlalchemy.orm import Session` should understand it,
and a file rarely binds one name to two different imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable


def dotted_name(expr: ast.AST) -> str | None:
    """The source text of a `Name`/`Attribute` chain (`db.session`), or `None`."""
    if expr.__class__ is ast.Name:
        return expr.id  # the most common case, and this is called very often
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by `from <level dots><target> import ...` inside `module`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
    parts = [*package, *(target.split(".") if target else [])]
    return ".".join(part for part in parts if part)


class ImportTable:
    """The qualified name behind each imported name of one module."""

    def __init__(self, module: str = "", is_package: bool = False) -> None:
        self.module = module
        self.is_package = is_package
        #: local name -> qualified name (`S` -> `sqlalchemy.orm.Session`).
        self.bindings: dict[str, str] = {}
        #: local names that came from a relative import (the project's own modules).
        self.relative: set[str] = set()

    def add(self, statement: ast.Import | ast.ImportFrom) -> None:
        """Record the names one import statement binds."""
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    self.bindings[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.bindings.setdefault(top, top)
            return
        if statement.level:
            base = resolve_relative(self.module, self.is_package, statement.level, statement.module)
        else:
            base = statement.module or ""
        for alias in statement.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            self.bindings[local] = f"{base}.{alias.name}" if base else alias.name
            if statement.level:
                self.relative.add(local)

    def add_all(self, statements: Iterable[ast.Import | ast.ImportFrom]) -> None:
        for statement in statements:
            self.add(statement)

    def qualified_name(self, expr: ast.AST) -> str | None:
        """`sqlalchemy.orm.Session` for `S`, `sa.orm.Session`, ...; `None` if not a name chain.

        A name that was not imported resolves to itself (`Session` defined in
        the module stays `Session`), so callers can still match by convention.
        """
        text = dotted_name(expr)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        origin = self.bindings.get(head)
        if origin is None:
            return text
        return f"{origin}.{rest}" if rest else origin

    def origin(self, name: str) -> str | None:
        """The qualified name an imported `name` stands for, or `None` if not imported."""
        return self.bindings.get(name)

    def imports_from(self, *prefixes: str) -> bool:
        """Whether any import comes from a module starting with one of `prefixes`."""
        return any(
            origin == prefix or origin.startswith(prefix + ".")
            for origin in self.bindings.values()
            for prefix in prefixes
        )
