"""Every import contract fails when a violation is planted in a copy of the tree."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.linting import contract_name, lint_imports, plant


def assert_caught(tree: Path, contract_id: str, planted_module: str, imported: str) -> None:
    result = lint_imports(tree)
    name = contract_name(contract_id)

    assert result.returncode != 0, result.stdout + result.stderr
    assert f"{name} BROKEN" in result.stdout, result.stdout
    broken_section = result.stdout.split("Broken contracts", 1)[1]
    assert f"{planted_module} -> {imported}" in broken_section, result.stdout


def test_a_module_importing_another_module_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from modules.tickets import module")

    assert_caught(
        tree, "business-modules-are-independent", "modules.orders.planted", "modules.tickets"
    )


def test_the_bus_importing_a_module_is_caught(tree: Path) -> None:
    plant(tree, "bus/planted.py", "import modules.tickets")

    assert_caught(tree, "bus-imports-no-module-and-not-the-app", "bus.planted", "modules.tickets")


def test_the_bus_importing_the_kernel_is_caught(tree: Path) -> None:
    plant(tree, "bus/planted.py", "from modules.kernel import NotFound")

    assert_caught(tree, "bus-imports-no-module-and-not-the-app", "bus.planted", "modules.kernel")


def test_the_bus_importing_the_app_is_caught(tree: Path) -> None:
    plant(tree, "bus/planted.py", "from app.settings import Settings")

    assert_caught(tree, "bus-imports-no-module-and-not-the-app", "bus.planted", "app.settings")


def test_a_module_importing_the_app_is_caught(tree: Path) -> None:
    plant(tree, "modules/tickets/planted.py", "from app.settings import Settings")

    assert_caught(tree, "modules-never-import-the-app", "modules.tickets.planted", "app.settings")


def test_the_kernel_importing_the_app_is_caught(tree: Path) -> None:
    plant(tree, "modules/kernel/planted.py", "import app.registry")

    assert_caught(tree, "modules-never-import-the-app", "modules.kernel.planted", "app.registry")


def test_the_kernel_importing_a_business_module_is_caught(tree: Path) -> None:
    plant(tree, "modules/kernel/planted.py", "import modules.orders")

    assert_caught(
        tree, "kernel-imports-no-business-module", "modules.kernel.planted", "modules.orders"
    )


def test_the_app_importing_a_module_internal_is_caught(tree: Path) -> None:
    plant(tree, "app/planted.py", "from modules.tickets.documents import Ticket")

    assert_caught(tree, "module-internals-are-private", "app.planted", "modules.tickets.documents")


def test_a_module_importing_a_kernel_internal_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from modules.kernel.errors import NotFound")

    assert_caught(
        tree, "module-internals-are-private", "modules.orders.planted", "modules.kernel.errors"
    )
