"""Home (tickets on sale, live), Sell Tickets, a ticket's page, Edit and My Tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, URLEncodedBody
from litestar.status_codes import HTTP_304_NOT_MODIFIED
from markupsafe import Markup
from pydantic import BaseModel

from modules.kernel import (
    DEFAULT_PAGE,
    NO_STORE,
    AppError,
    Forbidden,
    KeptPages,
    Page,
    PageRequest,
    Transactions,
    View,
    field_errors,
    redirect,
)
from modules.tickets.domain import sale_state
from modules.tickets.listing import listing_etag
from modules.tickets.listing_cache import ListingCache, Memo
from modules.tickets.use_cases import (
    available_tickets,
    create_ticket,
    get_ticket,
    tickets_of,
    update_ticket,
)


class TicketForm(BaseModel):
    title: str = ""
    price: str = ""


EVERY_TICKET = PageRequest(DEFAULT_PAGE, None)  # the home page lists a page as large as the API's


@dataclass(frozen=True)
class OnSaleList:
    """The home page's list, rendered once per listing version (it shows nothing per user),
    and the home pages around it, rendered once per viewer while this list is current."""

    html: str
    etag: str
    home_pages: KeptPages = field(default_factory=dict)


def on_sale_provider(listing: ListingCache) -> Provide:
    """The list as a dependency of `view` alone, so that a page needing both resolves them
    one after the other, without a task group per request; kept like the API's first page."""
    memo: Memo[OnSaleList] = Memo()

    async def on_sale_now(view: NamedDependency[View]) -> OnSaleList:
        async def render() -> OnSaleList:
            tickets = await available_tickets(EVERY_TICKET)
            etag = listing_etag(tickets)
            return OnSaleList(view.text("tickets/_on_sale.html", tickets=tickets, etag=etag), etag)

        return await listing.kept(memo, render)

    return Provide(on_sale_now)


class TicketsPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(
        self, view: NamedDependency[View], on_sale_now: NamedDependency[OnSaleList]
    ) -> Page:
        kept = on_sale_now.home_pages
        return view.render_kept(kept, "tickets/home.html", on_sale=Markup(on_sale_now.html))

    @get("/tickets/on-sale")
    async def on_sale(
        self, view: NamedDependency[View], on_sale_now: NamedDependency[OnSaleList]
    ) -> Response[Any]:
        """The home page's list, polled: 304 with no body while nothing changed."""
        if view.request.headers.get("if-none-match") == on_sale_now.etag:
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=NO_STORE)
        return Response(
            on_sale_now.html,
            media_type="text/html",
            headers={"ETag": on_sale_now.etag, **NO_STORE},
        )

    @get("/tickets/new")
    async def new(self, view: NamedDependency[View]) -> Page:
        view.signed_in()
        return view.render("tickets/new.html", title="", price="", errors={})

    @post("/tickets/new")
    async def create(
        self,
        data: URLEncodedBody[TicketForm],
        view: NamedDependency[View],
        transactions: NamedDependency[Transactions],
    ) -> Response[Any]:
        seller = view.signed_in()
        try:
            ticket = await create_ticket(transactions, seller, data.title, data.price or None)
        except AppError as error:
            return _form_again(view, "tickets/new.html", data, error)
        return redirect(f"/tickets/{ticket.id}", notice="Your ticket is on sale.")

    @get("/tickets/mine")
    async def mine(self, view: NamedDependency[View]) -> Page:
        tickets = await tickets_of(view.signed_in())
        rows = [(ticket, sale_state(ticket.order_id, ticket.paid_orders)) for ticket in tickets]
        return view.render("tickets/mine.html", tickets=rows)

    @get("/tickets/{ticket_id:str}")
    async def show(self, ticket_id: FromPath[str], view: NamedDependency[View]) -> Page:
        ticket = await get_ticket(ticket_id)
        state = sale_state(ticket.order_id, ticket.paid_orders)
        return view.render("tickets/show.html", ticket=ticket, state=state)

    @get("/tickets/{ticket_id:str}/edit")
    async def edit(self, ticket_id: FromPath[str], view: NamedDependency[View]) -> Page:
        seller = view.signed_in()
        ticket = await get_ticket(ticket_id)
        if ticket.user_id != seller.id:
            raise Forbidden("Only the seller can edit this ticket")
        form = TicketForm(title=ticket.title, price=f"{Decimal(ticket.price) / 100:.2f}")
        errors = {"": "Cannot edit a reserved ticket"} if ticket.order_id else {}
        return view.render(
            "tickets/edit.html", ticket_id=ticket_id, errors=errors, **form.model_dump()
        )

    @post("/tickets/{ticket_id:str}/edit")
    async def update(
        self,
        ticket_id: FromPath[str],
        data: URLEncodedBody[TicketForm],
        view: NamedDependency[View],
        transactions: NamedDependency[Transactions],
    ) -> Response[Any]:
        seller = view.signed_in()
        try:
            await update_ticket(transactions, seller, ticket_id, data.title, data.price or None)
        except AppError as error:
            return _form_again(view, "tickets/edit.html", data, error, ticket_id=ticket_id)
        return redirect(f"/tickets/{ticket_id}", notice="Your ticket is updated.")


def _form_again(
    view: View, template: str, data: TicketForm, error: AppError, **context: Any
) -> Page:
    if error.status_code in (403, 404):
        raise error
    return view.render(
        template,
        status_code=error.status_code,
        errors=field_errors(error),
        title=data.title,
        price=data.price,
        **context,
    )
