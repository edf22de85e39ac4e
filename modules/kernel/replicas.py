"""Replicas of another module's records, built from its events strictly in version order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from beanie import PydanticObjectId

from bus import NotReadyYet
from modules.kernel.unit_of_work import UnitOfWork
from modules.kernel.versioned import Versioned

R = TypeVar("R", bound=Versioned)


async def record_once(unit: UnitOfWork, replica: R) -> bool:
    """Insert the first version of a replica; False if it exists already (a repeat)."""
    return await unit.insert_if_absent(replica)


async def apply_in_order(
    unit: UnitOfWork,
    kind: type[R],
    replica_id: PydanticObjectId,
    version: int,
    change: Callable[[R], None],
) -> bool:
    """Apply the change carried by `version` if it is the next one; False for a repeat.

    An event that arrives before its predecessor raises NotReadyYet: the bus
    does not acknowledge it, so it comes back once the gap is filled.
    """
    replica = await unit.get(kind, replica_id)
    if replica is None or version > replica.version + 1:
        raise NotReadyYet(f"{kind.__name__} {replica_id} v{version} arrived before its predecessor")
    if version <= replica.version:
        return False
    change(replica)
    await unit.save_if_unchanged(replica)
    return True
