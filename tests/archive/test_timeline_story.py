"""An order's story in the timeline page's words, and who may read it. No store, no I/O."""

from __future__ import annotations

from datetime import timedelta

from bus import CancelReason, Envelope, ExpirationComplete, OrderCancelled, TicketRef
from bus.archive import ArchivedEvent, Timeline
from tests.support.events import (
    envelope,
    new_id,
    order_created,
    payment_created,
    ticket_updated,
)

ORDER, TICKET = new_id(), new_id()


def archived(envelopes: list[Envelope]) -> list[ArchivedEvent]:
    """As the archive hands them back: in story order, each a tenth of a second after the last."""
    start = envelopes[0].occurred_at
    return [
        ArchivedEvent(
            position=n,
            envelope=e.model_copy(update={"occurred_at": start + timedelta(seconds=n / 10)}),
            archived_at=start,
            aggregate_id=None,
            aggregate_version=None,
            order_id=ORDER,
        )
        for n, e in enumerate(envelopes)
    ]


def cancelled(reason: CancelReason | None) -> Envelope:
    return envelope(OrderCancelled(id=ORDER, version=1, ticket=TicketRef(id=TICKET), reason=reason))


def held(order_id: str | None, version: int) -> Envelope:
    return envelope(ticket_updated(TICKET, "seller", version, title="Opera", order_id=order_id))


def timeline(*envelopes: Envelope) -> Timeline:
    return Timeline(ORDER, archived(list(envelopes)), buyer_id="buyer", seller_id="seller")


CREATED = envelope(order_created(ORDER, ticket_id=TICKET, buyer_id="buyer"))


class TestTheStory:
    def test_a_late_payment_after_the_expiry_is_told_as_refunded(self) -> None:
        story = timeline(
            CREATED,
            held(ORDER, 1),
            envelope(ExpirationComplete(order_id=ORDER)),
            cancelled("expired"),
            held(None, 2),
            envelope(payment_created(ORDER)),
            cancelled("expired"),
        )

        assert [(step.what, step.module) for step in story.steps()] == [
            ("Order created", "orders"),
            ("Ticket reserved", "tickets"),
            ("Time to pay ran out", "expiration"),
            ("Order expired", "orders"),
            ("Ticket released", "tickets"),
            ("Paid after the order ended", "payments"),
            ("Cancellation announced again: the late payment is refunded", "orders"),
        ]
        assert [step.offset_seconds for step in story.steps()][:3] == [0.0, 0.1, 0.2]

    def test_a_cancellation_says_who_and_an_old_one_says_no_more_than_it_knows(self) -> None:
        by_buyer = timeline(CREATED, cancelled("buyer")).steps()[1].what
        from_before_reasons = timeline(CREATED, cancelled(None)).steps()[1].what

        assert by_buyer == "Order cancelled by the buyer"
        assert from_before_reasons == "Order cancelled"


class TestWhoMayReadIt:
    def test_the_buyer_and_the_seller_only(self) -> None:
        story = timeline(CREATED)

        assert story.visible_to("buyer") and story.visible_to("seller")
        assert not story.visible_to("someone-else")

    def test_its_tag_changes_when_an_event_joins(self) -> None:
        assert timeline(CREATED).tag != timeline(CREATED, held(ORDER, 1)).tag
        assert timeline(CREATED).tag == timeline(CREATED).tag
