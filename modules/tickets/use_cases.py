"""Listing, editing, reserving and releasing tickets; each change commits with its event."""

from __future__ import annotations

from typing import Any

from beanie import PydanticObjectId

from bus import NotReadyYet, TicketCreated, TicketUpdated, Transactions, UnitOfWork
from modules.kernel import Conflict, CurrentUser, NotFound, object_id_or_404
from modules.tickets.documents import Ticket
from modules.tickets.domain import TicketDraft, ensure_editable


async def create_ticket(
    transactions: Transactions, seller: CurrentUser, draft: TicketDraft
) -> Ticket:
    async def work(unit: UnitOfWork) -> Ticket:
        ticket = Ticket(title=draft.title, price=draft.price, user_id=seller.id)
        await ticket.insert(session=unit.session)
        unit.publish(
            TicketCreated(
                id=str(ticket.id),
                version=ticket.version,
                title=ticket.title,
                price=ticket.price,
                user_id=ticket.user_id,
            )
        )
        return ticket

    return await transactions.run(work)


async def update_ticket(
    transactions: Transactions, seller: CurrentUser, ticket_id: str, draft: TicketDraft
) -> Ticket:
    async def work(unit: UnitOfWork) -> Ticket:
        ticket = await _load(ticket_id, unit)
        ensure_editable(seller.id, ticket.user_id, ticket.order_id)
        ticket.title, ticket.price = draft.title, draft.price
        await _save_next_version(ticket, unit)
        return ticket

    return await transactions.run(work)


async def get_ticket(ticket_id: str) -> Ticket:
    ticket = await Ticket.get(_object_id(ticket_id))
    if ticket is None:
        raise NotFound("Ticket not found")
    return ticket


async def available_tickets() -> list[dict[str, Any]]:
    """Tickets on sale, as stored: the listing is the hot read, so no documents are built."""
    cursor = Ticket.get_pymongo_collection().find(
        {"order_id": None}, projection={"cancelled_orders": 0}, sort=[("_id", 1)]
    )
    return await cursor.to_list()


async def reserve_ticket(unit: UnitOfWork, ticket_id: str, order_id: str) -> None:
    """Lock the ticket for an order, unless that order was already cancelled.

    If another order holds the ticket, one of the two has been cancelled and
    we have not heard yet: wait for that cancellation rather than guess.
    """
    ticket = await _load(ticket_id, unit)
    if order_id in ticket.cancelled_orders or ticket.order_id == order_id:
        return
    if ticket.order_id is not None:
        raise NotReadyYet(f"ticket {ticket_id} is held by {ticket.order_id}, not {order_id}")
    ticket.order_id = order_id
    await _save_next_version(ticket, unit)


async def release_ticket(unit: UnitOfWork, ticket_id: str, order_id: str) -> None:
    """Unlock the ticket only if this order holds it: a stale cancellation frees nothing."""
    ticket = await _load(ticket_id, unit)
    result = await Ticket.get_pymongo_collection().update_one(
        {"_id": ticket.id, "version": ticket.version},
        {"$addToSet": {"cancelled_orders": order_id}},
        session=unit.session,
    )
    if result.matched_count == 0:
        raise Conflict()
    if ticket.order_id == order_id:
        ticket.order_id = None
        await _save_next_version(ticket, unit)


async def _load(ticket_id: str, unit: UnitOfWork) -> Ticket:
    ticket = await Ticket.get(_object_id(ticket_id), session=unit.session)
    if ticket is None:
        raise NotFound("Ticket not found")
    return ticket


async def _save_next_version(ticket: Ticket, unit: UnitOfWork) -> None:
    """Optimistic concurrency: write only if nobody changed the ticket since we read it."""
    read_version = ticket.version
    ticket.version += 1
    result = await Ticket.get_pymongo_collection().update_one(
        {"_id": ticket.id, "version": read_version},
        {
            "$set": {
                "title": ticket.title,
                "price": ticket.price,
                "order_id": ticket.order_id,
                "version": ticket.version,
            }
        },
        session=unit.session,
    )
    if result.matched_count == 0:
        raise Conflict()
    unit.publish(
        TicketUpdated(
            id=str(ticket.id),
            version=ticket.version,
            title=ticket.title,
            price=ticket.price,
            user_id=ticket.user_id,
            order_id=ticket.order_id,
        )
    )


def _object_id(ticket_id: str) -> PydanticObjectId:
    return object_id_or_404(ticket_id, "Ticket not found")
