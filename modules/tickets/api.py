"""JSON API of tickets: translate the request, call the use case, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_304_NOT_MODIFIED

from modules.kernel import (
    DEFAULT_PAGE,
    MAX_PAGE,
    CurrentUser,
    PageRequest,
    Transactions,
    error_responses,
)
from modules.tickets.listing_cache import ListingCache
from modules.tickets.schemas import TicketBody, TicketListed, TicketOut
from modules.tickets.use_cases import create_ticket, get_ticket, update_ticket

# The body is encoded ahead (and cached), so the schema is stated rather than inferred.
LISTING_RESPONSES = {
    HTTP_200_OK: ResponseSpec(list[TicketListed], description="Tickets on sale"),
    HTTP_304_NOT_MODIFIED: ResponseSpec(None, description="Unchanged since the ETag given"),
    **error_responses(),
}


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

    @get("/", responses=LISTING_RESPONSES)
    async def list_available(
        self,
        request: Request[Any, Any, Any],
        listing: NamedDependency[ListingCache],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        cursor: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Tickets on sale, oldest first; a full page carries a `Link` to the next one.
        With the ETag of the current page in `If-None-Match`, a 304 and no body."""
        page = await listing.page(PageRequest.of(limit, cursor), self.path)
        headers = {"ETag": page.etag, **page.headers}
        if request.headers.get("if-none-match") == page.etag:
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(page.body, media_type=MediaType.JSON, headers=headers)

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
