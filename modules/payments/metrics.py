"""Payments by outcome, for /metrics: how many charges succeed, fail, or are refunded."""

from __future__ import annotations

from typing import Literal

from prometheus_client import Counter

Outcome = Literal["succeeded", "failed", "refunded"]

PAYMENTS = Counter("ticketing_payments", "Payment attempts settled, by outcome", ["outcome"])


def settled(outcome: Outcome) -> None:
    PAYMENTS.labels(outcome).inc()
