"""Modules reach the bus only through its module-facing part: a planted violation is caught."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.linting import plant
from tests.architecture.test_planted_import_violations import assert_caught

CONTRACT = "modules-use-only-the-module-facing-bus"


def test_a_module_importing_a_bus_implementation_is_caught(tree: Path) -> None:
    plant(tree, "modules/orders/planted.py", "from bus.inprocess import InProcessBus")

    assert_caught(tree, CONTRACT, "modules.orders.planted", "bus.inprocess")


def test_the_kernel_importing_the_relay_is_caught(tree: Path) -> None:
    plant(tree, "modules/kernel/planted.py", "from bus.relay import Relay")

    assert_caught(tree, CONTRACT, "modules.kernel.planted", "bus.relay")


def test_a_business_module_writing_outbox_entries_itself_is_caught(tree: Path) -> None:
    """Only the kernel's unit of work may use the outbox format."""
    plant(tree, "modules/payments/planted.py", "from bus.outbox import outbox_entry")

    assert_caught(tree, CONTRACT, "modules.payments.planted", "bus.outbox")
