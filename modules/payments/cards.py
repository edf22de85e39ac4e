"""Stripe's test-mode card numbers, turned into the tokens Stripe's card element gives for them.

Only test numbers are known: a real card number must never reach our server.
"""

from __future__ import annotations

from modules.kernel import FieldError, ValidationFailed

TEST_CARDS = {
    "4242424242424242": "tok_visa",
    "4000000000000002": "tok_chargeDeclined",
    "4000000000009995": "tok_chargeDeclinedInsufficientFunds",
}


def token_for_card(number: str) -> str:
    digits = "".join(number.split()).replace("-", "")
    if not digits:
        raise ValidationFailed(FieldError("Card number is required", "card"))
    if digits not in TEST_CARDS:
        raise ValidationFailed(
            FieldError("Use a test card number, such as 4242 4242 4242 4242", "card")
        )
    return TEST_CARDS[digits]
