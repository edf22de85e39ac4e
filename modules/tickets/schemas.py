from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

from modules.kernel import RequestBody, cents_to_number
from modules.tickets.documents import Ticket


def _number_or_text(value: object) -> object:
    """A JSON number or a string; true/false, lists and objects are not prices."""
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    raise ValueError("Price must be a number")


class TicketBody(RequestBody):
    title: str | None = None
    # A JSON number, or a plain decimal string; the domain reads it exactly.
    price: Annotated[float | str | None, BeforeValidator(_number_or_text)] = None


class TicketOut(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    title: str
    price: float | int
    user_id: str
    version: int
    order_id: str | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketOut:
        return cls.model_construct(
            id=str(ticket.id),
            title=ticket.title,
            price=cents_to_number(ticket.price),
            user_id=ticket.user_id,
            version=ticket.version,
            order_id=ticket.order_id,
        )


class TicketListed(msgspec.Struct, rename="camel"):
    """TicketOut's fields, for the listing: encoded by msgspec straight from the stored
    documents, with no pydantic model built and dumped again for each of a hundred tickets."""

    id: str
    title: str
    price: float | int
    user_id: str
    version: int
    order_id: str | None

    @classmethod
    def of_document(cls, document: Mapping[str, Any]) -> TicketListed:
        return cls(
            str(document["_id"]),
            document["title"],
            cents_to_number(document["price"]),
            document["user_id"],
            document["version"],
            document.get("order_id"),
        )
