"""JSON API of tickets: translate the request, call the use case, shape the answer."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from modules.kernel import (
    DEFAULT_PAGE,
    MAX_PAGE,
    CurrentUser,
    PageRequest,
    Transactions,
    error_responses,
    next_page_link,
)
from modules.tickets.schemas import TicketBody, TicketListed, TicketOut
from modules.tickets.use_cases import available_tickets, create_ticket, get_ticket, update_ticket


class TicketsApi(Controller):
    path = "/api/tickets"
    tags = ["tickets"]

    @post("/", status_code=HTTP_201_CREATED, responses=error_responses(401, body=True))
    async def create(
        self,
        data: JSONBody[TicketBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> TicketOut:
        return TicketOut.of(await create_ticket(transactions, user, data.title, data.price))

    @get("/", responses=error_responses())
    async def list_available(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        cursor: FromQuery[str | None] = None,
    ) -> Response[list[TicketListed]]:
        """Tickets on sale, oldest first; a full page carries a `Link` to the next one."""
        page = PageRequest.of(limit, cursor)
        documents = await available_tickets(page)
        links = next_page_link(self.path, page, [document["_id"] for document in documents])
        listed = [TicketListed.of_document(document) for document in documents]
        return Response(listed, headers=links)

    @get("/{ticket_id:str}", responses=error_responses(404))
    async def show(self, ticket_id: FromPath[str]) -> TicketOut:
        return TicketOut.of(await get_ticket(ticket_id))

    @put("/{ticket_id:str}", responses=error_responses(401, 404, 409, body=True))
    async def update(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[TicketBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> TicketOut:
        ticket = await update_ticket(transactions, user, ticket_id, data.title, data.price)
        return TicketOut.of(ticket)
