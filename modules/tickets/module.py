"""The tickets module's table: documents, routes, and its composition root."""

from __future__ import annotations

from modules.kernel import Module, ModuleContext, ModuleSettings, Wiring, provide
from modules.tickets.api import TicketsApi
from modules.tickets.documents import Ticket
from modules.tickets.listeners import LISTENERS
from modules.tickets.listing_cache import ListingCache
from modules.tickets.pages import TicketsPages, on_sale_provider


class TicketsSettings(ModuleSettings):
    """Tickets has no settings of its own yet."""


def bootstrap(context: ModuleContext[TicketsSettings]) -> Wiring:
    listing = ListingCache(context.connect_redis, f"{context.namespace}:tickets:listing-version")
    context.transactions.after_commit(listing.changed)
    return Wiring(
        dependencies={
            "listing": provide(listing),
            "on_sale_now": on_sale_provider(listing),
        },
        listeners=LISTENERS,
        services=[listing],
    )


module = Module(
    name="tickets",
    settings=TicketsSettings,
    bootstrap=bootstrap,
    documents=[Ticket],
    routes=[TicketsApi, TicketsPages],
)
