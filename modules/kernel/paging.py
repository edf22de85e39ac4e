"""Cursor pagination for listings: stable under inserts, no skip counting, one index walk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from beanie import PydanticObjectId
from bson import ObjectId

from modules.kernel.errors import BadRequest

DEFAULT_PAGE = 1000  # large enough that a client unaware of paging still sees every ticket
MAX_PAGE = 1000


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: PydanticObjectId | None  # the last id of the previous page

    @classmethod
    def of(cls, limit: int, cursor: str | None) -> PageRequest:
        if cursor is not None and not ObjectId.is_valid(cursor):
            raise BadRequest("cursor must be an id from a Link header", "cursor")
        return cls(limit, PydanticObjectId(cursor) if cursor else None)


def next_page_link(path: str, page: PageRequest, ids: Sequence[object]) -> dict[str, str]:
    """A `Link: <...>; rel="next"` header when this page is full (there may be more)."""
    if len(ids) < page.limit:
        return {}
    query = urlencode({"limit": page.limit, "cursor": str(ids[-1])})
    return {"Link": f'<{path}?{query}>; rel="next"'}
