"""The one delivery policy: acknowledge, retry with backoff, or bury, and how each is logged."""

from __future__ import annotations

import logging

import pytest

from bus import Envelope, Handler, NotReadyYet, RetryPolicy
from bus.context import log_fields
from bus.delivery import ACK, Bury, Retry, decide, deliver_once
from tests.bus.recording import ticket_created

POLICY = RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=0.3)


class TestDecide:
    def test_a_handler_that_succeeded_is_acknowledged(self) -> None:
        assert decide(1, None, POLICY) == ACK

    def test_a_failure_is_retried_with_exponential_backoff_up_to_the_cap(self) -> None:
        delays = [decide(n, RuntimeError("boom"), POLICY) for n in (1, 2)]

        assert delays == [
            Retry(0.1, "RuntimeError: boom", expected=False),
            Retry(0.2, "RuntimeError: boom", expected=False),
        ]
        assert RetryPolicy(max_attempts=9, base_delay=0.1, max_delay=0.3).delay(5) == 0.3

    def test_an_early_event_is_retried_as_expected(self) -> None:
        assert decide(1, NotReadyYet("v3 before v2"), POLICY) == Retry(
            0.1, "NotReadyYet: v3 before v2", expected=True
        )

    def test_the_last_allowed_attempt_buries_the_event(self) -> None:
        assert decide(3, NotReadyYet("never"), POLICY) == Bury("NotReadyYet: never")
        assert decide(4, ValueError("bad"), POLICY) == Bury("ValueError: bad")


def raising(error: Exception | None) -> Handler:
    """A handler that raises `error` (None: succeeds)."""

    async def handler(_: Envelope) -> None:
        if error is not None:
            raise error

    return handler


class TestDeliverOnce:
    @pytest.mark.parametrize(
        ("error", "attempts", "level"),
        [
            (NotReadyYet("early"), 1, logging.DEBUG),
            (RuntimeError("bug"), 1, logging.WARNING),
            (NotReadyYet("early"), 3, logging.ERROR),
        ],
    )
    async def test_each_decision_is_logged_at_its_level(
        self, error: Exception, attempts: int, level: int, caplog: pytest.LogCaptureFixture
    ) -> None:
        envelope = ticket_created()
        caplog.set_level(logging.DEBUG, logger="bus.delivery")

        await deliver_once(
            raising(error),
            envelope,
            group="orders",
            attempts=attempts,
            policy=POLICY,
        )

        [record] = caplog.records
        assert record.levelno == level
        assert "orders" in record.message and envelope.event_id in record.message

    async def test_a_success_is_one_info_line_under_the_events_context(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """So that one request can be followed through every handler it causes, by its logs."""
        caplog.set_level(logging.DEBUG, logger="bus.delivery")
        envelope = ticket_created()

        decision = await deliver_once(
            raising(None), envelope, group="orders", attempts=1, policy=POLICY
        )

        assert decision == ACK
        [record] = caplog.records
        assert record.levelno == logging.INFO and "orders handled ticket.created" in record.message
        assert log_fields() == (envelope.correlation_id, "orders", envelope.event_id)
