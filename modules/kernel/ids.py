"""Ids from URLs and bodies: a malformed one names nothing, so it is a 404, not a 500."""

from __future__ import annotations

from beanie import PydanticObjectId
from bson import ObjectId

from modules.kernel.errors import NotFound


def object_id_or_404(value: str, not_found: str) -> PydanticObjectId:
    """The id in its one canonical form (hex is case-blind: compare ids only in this form)."""
    if not ObjectId.is_valid(value):
        raise NotFound(not_found)
    return PydanticObjectId(value)
