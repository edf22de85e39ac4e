"""The one delivery policy of every bus: after a handler ran, acknowledge, retry later or bury.

Both implementations call `deliver_once` and then carry out the decision with
their own storage, so the rule, its log lines and their levels live here only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bus import metrics
from bus.context import handling
from bus.envelope import Envelope
from bus.interface import BatchHandler, Handler, NotReadyYet, RetryPolicy, Together
from bus.tracing import failed, handling_event, in_trace_of

log = logging.getLogger("bus.delivery")
Delivery = TypeVar("Delivery")
DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class Ack:
    """The handler succeeded: acknowledge the delivery."""


@dataclass(frozen=True)
class Retry:
    """Deliver again after `delay` seconds; `expected` failures (NotReadyYet) are logged quietly."""

    delay: float
    reason: str
    expected: bool


@dataclass(frozen=True)
class Bury:
    """Out of attempts: move the delivery to the dead letters with `reason`."""

    reason: str


Decision = Ack | Retry | Bury
ACK = Ack()
OUTCOMES = {Ack: metrics.HANDLED, Retry: metrics.RETRIED, Bury: metrics.DEAD_LETTERED}


def decide(attempts: int, error: Exception | None, policy: RetryPolicy) -> Decision:
    """What follows the `attempts`-th delivery of an event whose handler raised `error`."""
    if error is None:
        return ACK
    reason = f"{type(error).__name__}: {error}"
    if attempts >= policy.max_attempts:
        return Bury(reason)
    return Retry(policy.delay(attempts), reason, expected=isinstance(error, NotReadyYet))


def log_decision(decision: Decision, group: str, envelope: Envelope, attempts: int) -> None:
    if isinstance(decision, Ack):
        log.info("bus: %s handled %s (attempt %d)", group, envelope.subject, attempts)
    elif isinstance(decision, Bury):
        log.error(
            "bus: %s gave up on %s %s after %d attempts: %s",
            group,
            envelope.subject,
            envelope.event_id,
            attempts,
            decision.reason,
        )
    elif isinstance(decision, Retry):
        log.log(
            logging.DEBUG if decision.expected else logging.WARNING,
            "bus: %s failed on %s %s (attempt %d), retrying in %.2fs: %s",
            group,
            envelope.subject,
            envelope.event_id,
            attempts,
            decision.delay,
            decision.reason,
        )


async def deliver_once(
    handler: Handler, envelope: Envelope, *, group: str, attempts: int, policy: RetryPolicy
) -> Decision:
    """Run `handler` once as `group`'s work on the event, under its correlation id; return (and
    log, and count) what follows."""
    started = time.perf_counter()
    with handling_event(envelope, group) as span:
        try:
            await handler(envelope)
        except Exception as error:
            failed(span, error)
            decision = decide(attempts, error, policy)
        else:
            decision = ACK
        metrics.delivered(OUTCOMES[type(decision)], envelope.subject, group, started)
        log_decision(decision, group, envelope, attempts)
    return decision


async def deliver_together(
    together: Together, envelopes: Sequence[Envelope], *, group: str
) -> bool:
    """Run a batch handler once for several events; True if all took effect (counted and
    logged as handled, each under its own correlation id and trace), False if none did: the
    caller then delivers each alone, so a failure is retried and counted per event. The
    handler names each event's work itself (`handling_event`), as it takes them in turn."""
    started = time.perf_counter()
    try:
        await together(envelopes)
    except Exception as error:
        log.debug("bus: %s delivers %d events one by one: %r", group, len(envelopes), error)
        return False
    for envelope in envelopes:
        handling(envelope.correlation_id, group, envelope.event_id)
        metrics.delivered(metrics.HANDLED, envelope.subject, group, started)
        with in_trace_of(envelope):
            log_decision(ACK, group, envelope, 1)
    return True


def runs_by_batch_handler(
    deliveries: Sequence[Delivery], handler_of: Callable[[Delivery], Handler | None], longest: int
) -> list[tuple[Together | None, list[Delivery]]]:
    """Consecutive runs of `deliveries` sharing their handler's `together` (None: handlers
    that take one event at a time, which share runs too), none longer than `longest`: each
    run a bus may hand to `deliver_together` at once."""
    runs: list[tuple[Together | None, list[Delivery]]] = []
    for delivery in deliveries:
        handler = handler_of(delivery)
        together = handler.together if isinstance(handler, BatchHandler) else None
        if runs and runs[-1][0] == together and len(runs[-1][1]) < longest:
            runs[-1][1].append(delivery)
        else:
            runs.append((together, [delivery]))
    return runs
