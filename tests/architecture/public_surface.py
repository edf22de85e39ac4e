"""AST checks of what import-linter cannot see: which names are imported from a module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.architecture.linting import KERNEL, PACKAGES

PUBLIC_EXPORTS = ("module",)


def dotted_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(root: Path, path: Path) -> Iterator[tuple[int, str, tuple[str, ...] | None]]:
    """(line, imported module, names taken from it or None for a plain `import`)."""
    package = dotted_name(root, path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            absolute = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                absolute = ".".join([*base, *([node.module] if node.module else [])])
            names = tuple(alias.name for alias in node.names)
            if absolute == "modules":
                for name in names:
                    yield node.lineno, f"modules.{name}", None
            else:
                yield node.lineno, absolute, names


def non_public_imports(root: Path) -> list[str]:
    """Imports of a business module from outside it, except `from modules.<name> import module`."""
    problems = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            importer = dotted_name(root, path)
            for line, imported, names in imports_in(root, path):
                parts = imported.split(".")
                if parts[0] != "modules" or len(parts) < 2 or parts[1] == KERNEL:
                    continue
                owner = f"modules.{parts[1]}"
                if importer == owner or importer.startswith(f"{owner}."):
                    continue
                if len(parts) == 2 and names == PUBLIC_EXPORTS:
                    continue
                shown = f"from {imported} import {', '.join(names)}" if names else imported
                problems.append(
                    f"{path.relative_to(root)}:{line} `{shown}`: from outside {owner} "
                    f"only `from {owner} import module` is allowed"
                )
    return problems


def declared_exports(init: Path) -> object:
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def modules_with_wider_exports(root: Path) -> list[str]:
    """Business modules whose __init__.py does not declare `__all__ = ("module",)`."""
    problems = []
    for init in sorted((root / "modules").glob("*/__init__.py")):
        if init.parent.name == KERNEL:
            continue
        exports = declared_exports(init)
        if exports != PUBLIC_EXPORTS:
            problems.append(
                f"{init.relative_to(root)} declares __all__ = {exports!r}, "
                f"expected {PUBLIC_EXPORTS!r}"
            )
    return problems
