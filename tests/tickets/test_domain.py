"""Ticket rules on their own: what a valid listing is, who may edit it and when. No server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.kernel import BadRequest, FieldError, Forbidden, ValidationFailed
from modules.tickets.domain import (
    MAX_PRICE,
    MAX_TITLE_LENGTH,
    TicketDraft,
    ensure_editable,
    price_in_cents,
    ticket_draft,
)
from tests.support.refusals import refused

TITLE_REQUIRED = FieldError("Title is required", "title")
TITLE_TOO_LONG = FieldError("Title must be at most 200 characters", "title")
BAD_PRICE = FieldError(
    "Price must be greater than 0 and at most 1000000, with at most 2 decimals", "price"
)


class TestPriceInCents:
    @pytest.mark.parametrize(
        ("price", "cents"),
        [
            ("0.01", 1),
            ("1", 100),
            ("10.5", 1050),
            ("10.50", 1050),
            ("0.29", 29),
            ("12.300", 1230),
            ("1E+2", 10000),
            ("1e-2", 1),
            ("999999.99", 99999999),
            (str(MAX_PRICE), 100000000),
        ],
    )
    def test_a_positive_price_with_at_most_two_decimals_becomes_whole_cents(
        self, price: str, cents: int
    ) -> None:
        assert price_in_cents(Decimal(price)) == cents

    def test_the_cents_are_a_plain_integer(self) -> None:
        assert type(price_in_cents(Decimal("10.50"))) is int

    @pytest.mark.parametrize(
        "price",
        ["0", "-0", "0.00", "-0.01", "-10", "0.001", "10.555", "0.005", "1E-30", "999999.999"],
    )
    def test_zero_negative_or_a_fraction_of_a_cent_is_refused(self, price: str) -> None:
        assert price_in_cents(Decimal(price)) is None

    @pytest.mark.parametrize(
        "price",
        ["0.100000000000000000000000000000000000001", "10.0000000000000000000000000000000001"],
    )
    def test_a_fraction_of_a_cent_too_small_for_the_arithmetic_is_still_refused(
        self, price: str
    ) -> None:
        assert price_in_cents(Decimal(price)) is None

    @pytest.mark.parametrize("price", ["1E-999999999", "1E-1000000"])
    def test_a_price_so_small_it_would_round_to_zero_cents_is_refused(self, price: str) -> None:
        assert price_in_cents(Decimal(price)) is None

    def test_trailing_zeros_beyond_the_arithmetic_precision_are_harmless(self) -> None:
        assert price_in_cents(Decimal("10.50000000000000000000000000000000")) == 1050

    @pytest.mark.parametrize("price", ["1000000.01", "1E+7", "1E+100000"])
    def test_more_than_the_maximum_is_refused(self, price: str) -> None:
        assert price_in_cents(Decimal(price)) is None

    @pytest.mark.parametrize("price", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity"])
    def test_not_a_number_or_infinity_is_refused(self, price: str) -> None:
        assert price_in_cents(Decimal(price)) is None

    def test_no_price_is_refused(self) -> None:
        assert price_in_cents(None) is None


class TestTicketDraft:
    def test_a_valid_listing_keeps_the_trimmed_title_and_the_price_in_cents(self) -> None:
        assert ticket_draft("  Opera  ", "10.5") == TicketDraft("Opera", 1050)

    def test_a_title_of_the_maximum_length_is_accepted(self) -> None:
        title = "x" * MAX_TITLE_LENGTH

        assert ticket_draft(title, 1).title == title

    @pytest.mark.parametrize("title", [None, "", "   ", "\t\n"])
    def test_a_missing_or_blank_title_is_required(self, title: str | None) -> None:
        assert refused(lambda: ticket_draft(title, 1)) == (TITLE_REQUIRED,)

    def test_a_title_over_the_maximum_length_is_refused(self) -> None:
        too_long = "x" * (MAX_TITLE_LENGTH + 1)

        assert refused(lambda: ticket_draft(too_long, 1)) == (TITLE_TOO_LONG,)

    def test_a_bad_price_is_refused_naming_the_price_and_its_limits(self) -> None:
        assert refused(lambda: ticket_draft("Opera", "0.001")) == (BAD_PRICE,)

    def test_every_bad_field_is_reported_at_once(self) -> None:
        assert refused(lambda: ticket_draft(None, None)) == (TITLE_REQUIRED, BAD_PRICE)


class TestEnsureEditable:
    def test_the_seller_may_edit_a_free_ticket(self) -> None:
        ensure_editable("seller", "seller", None)

    def test_anyone_else_is_forbidden(self) -> None:
        with pytest.raises(Forbidden, match=r"^Only the seller can edit this ticket$"):
            ensure_editable("stranger", "seller", None)

    def test_anyone_else_is_forbidden_even_on_a_reserved_ticket(self) -> None:
        with pytest.raises(Forbidden, match=r"^Only the seller can edit this ticket$"):
            ensure_editable("stranger", "seller", "order-1")

    def test_the_seller_may_not_edit_a_reserved_ticket(self) -> None:
        with pytest.raises(BadRequest, match=r"^Cannot edit a reserved ticket$"):
            ensure_editable("seller", "seller", "order-1")


class TestPriceInput:
    @pytest.mark.parametrize(("price", "cents"), [(10, 1000), (10.5, 1050), ("12.50", 1250)])
    def test_a_json_number_or_a_plain_decimal_string_is_a_price(
        self, price: float | str, cents: int
    ) -> None:
        assert ticket_draft("Opera", price).price == cents

    @pytest.mark.parametrize("price", ["1_000", "1e3", "NaN", "Infinity", "0x10", "", " "])
    def test_anything_else_is_refused(self, price: str) -> None:
        with pytest.raises(ValidationFailed):
            ticket_draft("Opera", price)


class TestTitleCharacters:
    @pytest.mark.parametrize("title", ["nul\x00byte", "bell\x07", "evil\u202etxt.exe", "a\u2066b"])
    def test_control_and_bidi_characters_are_refused(self, title: str) -> None:
        with pytest.raises(ValidationFailed):
            ticket_draft(title, 10)

    @pytest.mark.parametrize("title", ["\u200b", "\u200b \u200d", "\ufeff"])
    def test_a_title_of_only_zero_width_characters_is_missing(self, title: str) -> None:
        with pytest.raises(ValidationFailed):
            ticket_draft(title, 10)

    def test_an_emoji_sequence_with_a_joiner_is_a_title(self) -> None:
        assert ticket_draft("Family \U0001f468\u200d\U0001f469 night", 10).title
