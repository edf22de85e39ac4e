"""Times as Mongo stores them, for fields that are later matched by equality."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def stored_now(after: timedelta = timedelta()) -> datetime:
    """Now (plus `after`) cut to milliseconds as BSON keeps it, so a value read back is equal."""
    moment = datetime.now(UTC) + after
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
