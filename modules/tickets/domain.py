"""Ticket rules: what a valid listing is, who may edit it and when. Pure, no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

from modules.kernel import BadRequest, FieldError, Forbidden, ValidationFailed

MAX_TITLE_LENGTH = 200
MAX_PRICE = Decimal("1000000")
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # no exponent, no "1_000", no "NaN"
# Right-to-left overrides and isolates can disguise a title; other format characters
# (zero-width joiners in emoji) are fine inside visible text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class TicketDraft:
    title: str
    price: int  # cents


def ticket_draft(title: str | None, price: float | str | None) -> TicketDraft:
    """A valid title and price in cents, or ValidationFailed listing every bad field.

    The price is a JSON number or a plain decimal string ("12.50").
    """
    errors = []
    clean_title = (title or "").strip()
    if not _visible(clean_title):
        errors.append(FieldError("Title is required", "title"))
    elif len(clean_title) > MAX_TITLE_LENGTH:
        errors.append(FieldError(f"Title must be at most {MAX_TITLE_LENGTH} characters", "title"))
    elif not _printable(clean_title):
        errors.append(FieldError("Title must not contain control characters", "title"))
    cents = price_in_cents(_decimal(price))
    if cents is None:
        errors.append(
            FieldError(
                f"Price must be greater than 0 and at most {MAX_PRICE}, with at most 2 decimals",
                "price",
            )
        )
    if errors:
        raise ValidationFailed(*errors)
    assert cents is not None
    return TicketDraft(clean_title, cents)


def _decimal(price: float | str | None) -> Decimal | None:
    if isinstance(price, str):
        return Decimal(price) if PLAIN_DECIMAL.fullmatch(price.strip()) else None
    return None if price is None else Decimal(repr(price))


def _visible(text: str) -> bool:
    """Something a reader can see: not only blanks and zero-width characters."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)


def _printable(text: str) -> bool:
    return not any(unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS for char in text)


def price_in_cents(price: Decimal | None) -> int | None:
    """Whole cents or None; computed exactly, so no rounding turns a cent's fraction valid."""
    if price is None or not price.is_finite() or not 0 < price <= MAX_PRICE:
        return None
    with localcontext() as context:
        context.traps[Inexact] = True
        try:
            cents = price * 100
        except Inexact:
            return None
    return int(cents) if cents == cents.to_integral_value() else None


def ensure_editable(seller_id: str, owner_id: str, order_id: str | None) -> None:
    if seller_id != owner_id:
        raise Forbidden("Only the seller can edit this ticket")
    if order_id is not None:
        raise BadRequest("Cannot edit a reserved ticket")


def sale_state(order_id: str | None, paid_orders: list[str]) -> str:
    """What a seller sees: on sale, reserved by an unpaid order, or sold to a paid one."""
    if order_id is None:
        return "on sale"
    return "sold" if order_id in paid_orders else "reserved"
