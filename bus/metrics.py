"""The bus's and the outbox's Prometheus metrics, and the one-line calls that move them.

Labels are bounded: a subject is one of the contracts' (else "unknown"), a
group or producer is a module name; never an event, order or user id. Counts
that need a query (pending, lag, backlog) are gauges set at scrape time by
whoever serves /metrics, from `Bus.status()` and the outbox.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client import Counter, Gauge, Histogram

from bus.events import EVENT_TYPES
from bus.interface import GroupStatus

SUBJECT_GROUP = ("subject", "group")
FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RELAY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

PUBLISHED = Counter(
    "ticketing_bus_events_published", "Events the relays published, per subject", ["subject"]
)
HANDLED = Counter(
    "ticketing_bus_events_handled", "Deliveries handled and acknowledged", SUBJECT_GROUP
)
RETRIED = Counter(
    "ticketing_bus_events_retried", "Deliveries whose handler failed, to retry", SUBJECT_GROUP
)
DEAD_LETTERED = Counter(
    "ticketing_bus_events_dead_lettered", "Deliveries out of attempts, dead-lettered", SUBJECT_GROUP
)
HANDLER_SECONDS = Histogram(
    "ticketing_bus_handler_seconds",
    "Time a handler took, whatever its outcome",
    SUBJECT_GROUP,
    buckets=FAST_BUCKETS,
)
PENDING = Gauge(
    "ticketing_bus_pending", "Deliveries held by a consumer, not yet acknowledged", SUBJECT_GROUP
)
LAG = Gauge("ticketing_bus_lag", "Events not yet delivered to the group", SUBJECT_GROUP)
OLDEST_PENDING = Gauge(
    "ticketing_bus_oldest_pending_seconds", "Age of the oldest pending delivery", SUBJECT_GROUP
)
DEAD_LETTERS = Gauge("ticketing_bus_dead_letters", "Dead letters kept, per group", ["group"])
RELAY_SECONDS = Histogram(
    "ticketing_outbox_relay_seconds",
    "From an event's commit to its publication by the relay",
    ["module"],
    buckets=RELAY_BUCKETS,
)
OUTBOX_BACKLOG = Gauge("ticketing_outbox_backlog", "Outbox entries not yet published", ["module"])
OUTBOX_OLDEST = Gauge(
    "ticketing_outbox_oldest_seconds", "Age of the oldest unpublished outbox entry", ["module"]
)


def subject_label(subject: str) -> str:
    return subject if subject in EVENT_TYPES else "unknown"


def published(subject: str, producer: str, occurred_at: datetime) -> None:
    PUBLISHED.labels(subject_label(subject)).inc()
    RELAY_SECONDS.labels(producer).observe((datetime.now(UTC) - occurred_at).total_seconds())


def delivered(outcome: Counter, subject: str, group: str, started: float) -> None:
    """A handler ran since `started` (a `time.perf_counter()`); `outcome` is HANDLED & co."""
    labels = (subject_label(subject), group)
    HANDLER_SECONDS.labels(*labels).observe(time.perf_counter() - started)
    outcome.labels(*labels).inc()


def record_statuses(statuses: Iterable[GroupStatus]) -> None:
    """Replace the pending, lag and dead-letter gauges with a fresh `Bus.status()`."""
    for gauge in (PENDING, LAG, OLDEST_PENDING, DEAD_LETTERS):
        gauge.clear()
    for status in statuses:
        labels = (subject_label(status.subject), status.group)
        PENDING.labels(*labels).set(status.pending)
        LAG.labels(*labels).set(status.lag or 0)
        OLDEST_PENDING.labels(*labels).set(status.oldest_pending_age or 0)
        DEAD_LETTERS.labels(status.group).set(status.dead_letters)  # the group's, on every row


def record_outbox(module: str, backlog: int, oldest: datetime | None) -> None:
    OUTBOX_BACKLOG.labels(module).set(backlog)
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    OUTBOX_OLDEST.labels(module).set(max(0.0, age))
