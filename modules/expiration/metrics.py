"""Expiries scheduled, fired, and fired by the sweep (their delayed message was lost)."""

from __future__ import annotations

from prometheus_client import Counter

SCHEDULED = Counter("ticketing_expirations_scheduled", "Order expiries scheduled")
FIRED = Counter("ticketing_expirations_fired", "Order expiries fired (the sweep's included)")
SWEPT = Counter("ticketing_expirations_swept", "Order expiries fired by the sweep")
