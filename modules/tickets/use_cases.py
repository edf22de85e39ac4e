"""Listing, editing, reserving and releasing tickets; each change commits with its event."""

from __future__ import annotations

from typing import Any

from bus import NotReadyYet, TicketCreated, TicketUpdated
from modules.kernel import (
    CurrentUser,
    NotFound,
    PageRequest,
    Transactions,
    UnitOfWork,
    object_id_or_404,
)
from modules.tickets.documents import Ticket
from modules.tickets.domain import ensure_editable, ticket_draft

TICKET_NOT_FOUND = "Ticket not found"


async def create_ticket(
    transactions: Transactions, seller: CurrentUser, title: str | None, price: float | str | None
) -> Ticket:
    draft = ticket_draft(title, price)

    async def work(unit: UnitOfWork) -> Ticket:
        ticket = await unit.insert(Ticket(title=draft.title, price=draft.price, user_id=seller.id))
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
    transactions: Transactions,
    seller: CurrentUser,
    ticket_id: str,
    title: str | None,
    price: float | str | None,
) -> Ticket:
    draft = ticket_draft(title, price)

    async def work(unit: UnitOfWork) -> Ticket:
        ticket = await _load(unit, ticket_id)
        ensure_editable(seller.id, ticket.user_id, ticket.order_id)
        ticket.title, ticket.price = draft.title, draft.price
        await _save(unit, ticket)
        return ticket

    return await transactions.run(work)


async def get_ticket(ticket_id: str) -> Ticket:
    ticket = await Ticket.get(object_id_or_404(ticket_id, TICKET_NOT_FOUND))
    if ticket is None:
        raise NotFound(TICKET_NOT_FOUND)
    return ticket


async def available_tickets(page: PageRequest) -> list[dict[str, Any]]:
    """Tickets on sale, oldest first, as stored: the listing is the hot read, so no documents
    are built, and no projection is asked for (it costs this server more than the few
    bytes it saves; the query's shape is measured in docs/adr/0801)."""
    query: dict[str, Any] = {"order_id": None}
    if page.cursor is not None:
        query["_id"] = {"$gt": page.cursor}
    cursor = Ticket.get_pymongo_collection().find(query, sort=[("_id", 1)], limit=page.limit)
    return await cursor.to_list()


async def tickets_of(seller: CurrentUser) -> list[Ticket]:
    """What a seller lists, newest first."""
    return await Ticket.find(Ticket.user_id == seller.id).sort("-_id").to_list()


async def record_sale(unit: UnitOfWork, order_id: str) -> None:
    """An order was paid: remember it on its ticket, which is sold while that order holds it.

    A payment is only ever for an order this module heard of; if neither the holder nor a
    cancellation matches yet, `order.created` is still on its way: wait for it.
    """
    ticket = await unit.find_one(Ticket, Ticket.order_id == order_id)
    if ticket is None:
        if await unit.find_one(Ticket, {"cancelled_orders": order_id}) is None:
            raise NotReadyYet(f"no ticket has heard of order {order_id} yet")
        return  # cancelled meanwhile: the charge is refunded, the ticket is not sold
    if order_id not in ticket.paid_orders:
        ticket.paid_orders.append(order_id)
        await unit.save_if_unchanged(ticket, new_version=False)  # nothing a replica follows


async def reserve_ticket(unit: UnitOfWork, ticket_id: str, order_id: str) -> None:
    """Lock the ticket for an order, unless that order was already cancelled.

    If another order holds the ticket, one of the two has been cancelled and
    we have not heard yet: wait for that cancellation rather than guess.
    """
    ticket = await _load(unit, ticket_id)
    if order_id in ticket.cancelled_orders or ticket.order_id == order_id:
        return
    if ticket.order_id is not None:
        raise NotReadyYet(f"ticket {ticket_id} is held by {ticket.order_id}, not {order_id}")
    ticket.order_id = order_id
    await _save(unit, ticket)


async def release_ticket(unit: UnitOfWork, ticket_id: str, order_id: str) -> None:
    """Remember the cancellation; unlock the ticket only if this order holds it, so a stale
    cancellation frees nothing."""
    ticket = await _load(unit, ticket_id)
    if order_id in ticket.cancelled_orders:
        return
    ticket.cancelled_orders.append(order_id)
    if ticket.order_id != order_id:
        await unit.save_if_unchanged(ticket, new_version=False)  # nothing a reader can see
        return
    ticket.order_id = None
    await _save(unit, ticket)


async def _load(unit: UnitOfWork, ticket_id: str) -> Ticket:
    ticket = await unit.get(Ticket, object_id_or_404(ticket_id, TICKET_NOT_FOUND))
    if ticket is None:
        raise NotFound(TICKET_NOT_FOUND)
    return ticket


async def _save(unit: UnitOfWork, ticket: Ticket) -> None:
    """Every change is a new version, announced so that replicas follow in order."""
    await unit.save_if_unchanged(ticket)
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
