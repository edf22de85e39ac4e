"""Finds writes that carry a hand-passed Mongo session in business modules (outside the kernel)."""

from __future__ import annotations

import ast
from pathlib import Path

BUSINESS_MODULES = "modules"
KERNEL = "modules/kernel"


def hand_passed_sessions(root: Path) -> list[str]:
    """Every call in a business module given `session=`: only the kernel's unit of work may,
    so that nothing a use case writes can miss the transaction that carries its events."""
    problems = []
    for path in sorted((root / BUSINESS_MODULES).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(KERNEL):
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            if isinstance(node, ast.Call) and any(k.arg == "session" for k in node.keywords):
                problems.append(f"{relative}:{node.lineno} `{ast.unparse(node.func)}(session=...)`")
    return problems
