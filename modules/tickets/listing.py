"""The on-sale listing's version tag, shared by every viewer polling one process."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

from modules.tickets.use_cases import on_sale_versions


def listing_etag(tickets: Sequence[Mapping[str, Any]]) -> str:
    """Changes whenever a ticket on sale appears, leaves or changes (every change bumps its
    version), so a poll that finds the same tag has nothing to redraw."""
    digest = hashlib.blake2b(digest_size=12)
    for ticket in tickets:
        digest.update(f"{ticket['_id']}:{ticket.get('version', 0)};".encode())
    return f'"{digest.hexdigest()}"'


class ListingTag:
    """Recomputed at most every `max_age` seconds, by one query however many viewers poll:
    an idle viewer then costs an HTTP exchange, not a database query (docs/adr/0101)."""

    def __init__(self, max_age: float = 0.5):
        self._max_age = max_age
        self._tag = ""
        self._read_at = float("-inf")
        self._lock = asyncio.Lock()

    async def current(self) -> str:
        async with self._lock:
            if time.monotonic() - self._read_at >= self._max_age:
                self._read_at = time.monotonic()
                self._tag = listing_etag(await on_sale_versions())
            return self._tag
