"""An expiry's states and the rules between them. Pure, no I/O.

Only a scheduled expiry fires, and only once; a cancellation heard before its
order's creation is remembered, so the late creation schedules nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# How late an expiry may be before the sweep treats its delayed message as lost.
SWEEP_GRACE = timedelta(seconds=5)


class ExpiryState(StrEnum):
    SCHEDULED = "scheduled"
    FIRED = "fired"
    CANCELLED = "cancelled"


def fires(state: ExpiryState) -> bool:
    """A delayed message (or the sweep) fires the expiry only while it is still scheduled."""
    return state is ExpiryState.SCHEDULED


def after_cancellation(state: ExpiryState | None) -> ExpiryState | None:
    """The state a cancellation leaves, or None when there is nothing to change: an expiry
    never heard of is remembered as cancelled; a fired one stays fired."""
    if state is None or state is ExpiryState.SCHEDULED:
        return ExpiryState.CANCELLED
    return None


def sweep_cutoff(now: datetime) -> datetime:
    """Expiries due before this are overdue: their delayed message was lost."""
    return now - SWEEP_GRACE
