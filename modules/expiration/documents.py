from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel

from modules.expiration.domain import ExpiryState
from modules.kernel import Versioned


class Expiry(Versioned):
    """Expiration's own record of an order's window (id = order id); never the orders database.

    It makes firing idempotent (only a scheduled expiry fires) and lets the
    sweep find expiries whose delayed message was lost with a crashed worker.
    """

    expires_at: datetime
    state: ExpiryState
    # The order's creation's: its expiry's event (and log lines) carry it, message or sweep.
    correlation_id: str | None = None
    trace: dict[str, str] | None = None  # and its trace context, when tracing is on

    class Settings:
        name = "expiries"
        indexes = [IndexModel([("state", ASCENDING), ("expires_at", ASCENDING)], name="due")]
