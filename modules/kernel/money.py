"""Money is integer cents inside; the API speaks decimal numbers."""

from __future__ import annotations


def cents_to_number(cents: int) -> int | float:
    """20 for 2000 cents, 10.5 for 1050: what a JSON client expects to read."""
    whole, rest = divmod(cents, 100)
    return whole if rest == 0 else cents / 100
