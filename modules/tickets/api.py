"""JSON API of tickets: translate the request, call the use case, shape the answer."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from modules.kernel import CurrentUser, Transactions
from modules.tickets.schemas import TicketBody, TicketOut
from modules.tickets.use_cases import available_tickets, create_ticket, get_ticket, update_ticket


class TicketsApi(Controller):
    path = "/api/tickets"
    tags = ["tickets"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        data: JSONBody[TicketBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> TicketOut:
        return TicketOut.of(await create_ticket(transactions, user, data.title, data.price))

    @get("/")
    async def list_available(self) -> list[TicketOut]:
        return [TicketOut.of_document(document) for document in await available_tickets()]

    @get("/{ticket_id:str}")
    async def show(self, ticket_id: FromPath[str]) -> TicketOut:
        return TicketOut.of(await get_ticket(ticket_id))

    @put("/{ticket_id:str}")
    async def update(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[TicketBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> TicketOut:
        ticket = await update_ticket(transactions, user, ticket_id, data.title, data.price)
        return TicketOut.of(ticket)
