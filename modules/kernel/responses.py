"""Error answers documented in the OpenAPI schema, so generated clients know every status."""

from __future__ import annotations

from litestar.openapi import ResponseSpec
from pydantic import BaseModel

# For answers that change from one request to the next (polled fragments, probes):
# no cache between us and the caller may keep them.
NO_STORE = {"Cache-Control": "no-store"}


class ErrorOut(BaseModel):
    message: str
    field: str | None = None


class ErrorsOut(BaseModel):
    """Every error answer's body: `{"errors": [{"message": ..., "field": ...}]}`."""

    errors: list[ErrorOut]


MEANINGS = {
    400: "Invalid input, or a business rule refused it",
    401: "Not signed in",
    402: "The card was declined",
    403: "Signed in, but not allowed (not the owner, or a cross-site request)",
    404: "No such record",
    409: "Changed concurrently, or already in progress; retry",
    413: "Body over 64 KiB",
    415: "A body that is not application/json",
    429: "Too many attempts; see Retry-After",
    503: "A database or Redis is unreachable; retry",
}
EVERY_ROUTE = (400, 403, 503)  # bad query or body, cross-site refusal, a dependency down
WITH_BODY = (413, 415)


def error_responses(*statuses: int, body: bool = False) -> dict[int, ResponseSpec]:
    """The error answers a route can give, besides those every route can."""
    chosen = {*EVERY_ROUTE, *statuses, *(WITH_BODY if body else ())}
    return {
        status: ResponseSpec(
            data_container=ErrorsOut, description=MEANINGS[status], generate_examples=False
        )
        for status in sorted(chosen)
    }
