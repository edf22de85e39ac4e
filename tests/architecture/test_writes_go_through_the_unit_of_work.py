"""Business modules write only through the kernel's unit of work, never with a session of their
own (STYLE §13): a forgotten `session=` would write outside the transaction and its outbox."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.linting import ROOT, plant
from tests.architecture.sessions import hand_passed_sessions


def test_no_business_module_passes_a_session_by_hand() -> None:
    assert hand_passed_sessions(ROOT) == []


def test_a_hand_passed_session_in_a_module_is_caught(tree: Path) -> None:
    plant(
        tree,
        "modules/orders/planted.py",
        "async def sneak(order, unit):\n    await order.save(session=unit.session)",
    )

    assert hand_passed_sessions(tree) == ["modules/orders/planted.py:4 `order.save(session=...)`"]


def test_the_kernel_itself_may_pass_its_session(tree: Path) -> None:
    plant(tree, "modules/kernel/planted.py", "def f(c, s):\n    return c.insert_one({}, session=s)")

    assert hand_passed_sessions(tree) == []
