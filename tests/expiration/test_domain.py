"""An expiry's rules on their own: no server, no broker, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from modules.expiration.domain import (
    SWEEP_GRACE,
    ExpiryState,
    after_cancellation,
    fires,
    sweep_cutoff,
)


class TestFiring:
    def test_a_scheduled_expiry_fires(self) -> None:
        assert fires(ExpiryState.SCHEDULED)

    @pytest.mark.parametrize("state", [ExpiryState.FIRED, ExpiryState.CANCELLED])
    def test_a_fired_or_cancelled_expiry_never_fires_again(self, state: ExpiryState) -> None:
        assert not fires(state)


class TestCancellation:
    def test_a_scheduled_expiry_is_cancelled(self) -> None:
        assert after_cancellation(ExpiryState.SCHEDULED) is ExpiryState.CANCELLED

    def test_a_cancellation_heard_first_is_remembered(self) -> None:
        assert after_cancellation(None) is ExpiryState.CANCELLED

    @pytest.mark.parametrize("state", [ExpiryState.FIRED, ExpiryState.CANCELLED])
    def test_a_fired_or_cancelled_expiry_is_left_as_it_is(self, state: ExpiryState) -> None:
        assert after_cancellation(state) is None


class TestSweep:
    def test_overdue_means_due_more_than_the_grace_period_ago(self) -> None:
        now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

        assert sweep_cutoff(now) == now - SWEEP_GRACE
        assert timedelta(seconds=5) == SWEEP_GRACE
