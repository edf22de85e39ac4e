"""A module's only public name is `module`, imported as `from modules.<name> import module`."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.linting import ROOT, plant
from tests.architecture.public_surface import modules_with_wider_exports, non_public_imports


def test_code_outside_a_module_only_imports_its_module_object() -> None:
    assert non_public_imports(ROOT) == []


def test_every_business_module_exports_only_module() -> None:
    assert modules_with_wider_exports(ROOT) == []


def test_importing_the_module_object_from_its_submodule_is_caught(tree: Path) -> None:
    """import-linter sees this as the allowed import (grimp records both the same way)."""
    plant(tree, "app/planted.py", "from modules.tickets.module import module")

    assert non_public_imports(tree) == [
        "app/planted.py:3 `from modules.tickets.module import module`: "
        "from outside modules.tickets only `from modules.tickets import module` is allowed"
    ]


def test_importing_another_name_from_a_module_package_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from modules.tickets import module, Ticket")

    assert len(problems := non_public_imports(tree)) == 1
    assert "modules/orders/planted.py:3 `from modules.tickets import module, Ticket`" in problems[0]


def test_importing_a_module_package_whole_is_caught(tree: Path) -> None:
    plant(tree, "app/planted.py", "import modules.auth")

    assert len(problems := non_public_imports(tree)) == 1
    assert "app/planted.py:3 `modules.auth`" in problems[0]


def test_a_relative_import_of_another_module_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from ..tickets.documents import Ticket")

    assert len(problems := non_public_imports(tree)) == 1
    assert "`from modules.tickets.documents import Ticket`" in problems[0]


def test_a_module_exporting_more_than_module_is_caught(tree: Path) -> None:
    init = tree / "modules" / "tickets" / "__init__.py"
    init.write_text(init.read_text().replace('("module",)', '("module", "Ticket")'))

    assert modules_with_wider_exports(tree) == [
        "modules/tickets/__init__.py declares __all__ = ('module', 'Ticket'), expected ('module',)"
    ]


def test_a_relative_import_of_another_module_package_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from .. import tickets")

    assert len(problems := non_public_imports(tree)) == 1
    assert "modules/orders/planted.py:3 `modules.tickets`" in problems[0]
