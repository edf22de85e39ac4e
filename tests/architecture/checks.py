"""Runtime architecture checks, apart from the tests so a planted violation can run them too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from modules.kernel import Module


def documents_outside_their_database(modules: Iterable[Module[Any]], prefix: str) -> list[str]:
    """Beanie documents bound to any database other than their own module's `{prefix}_{name}`."""
    problems = []
    for module in modules:
        expected = f"{prefix}_{module.name}"
        for document in module.documents:
            actual = document.get_pymongo_collection().database.name
            if actual != expected:
                problems.append(
                    f"{module.name}: {document.__name__} is bound to database {actual!r}, "
                    f"expected {expected!r}"
                )
    return problems
