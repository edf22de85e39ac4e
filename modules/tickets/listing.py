"""The on-sale list's tag: what a polling viewer compares to tell whether to redraw."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any


def listing_etag(tickets: Sequence[Mapping[str, Any]]) -> str:
    """Changes whenever a ticket on sale appears, leaves or changes (every change bumps its
    version), so a poll that finds the same tag has nothing to redraw."""
    digest = hashlib.blake2b(digest_size=12)
    for ticket in tickets:
        digest.update(f"{ticket['_id']}:{ticket.get('version', 0)};".encode())
    return f'"{digest.hexdigest()}"'
