"""The timeline page of an order, read from the event archive (docs/adr/0102).

The archive is bus infrastructure, not a module, so its page lives with the composition root:
mounted by `ticketing serve` when the archive runs in the process, and by `ticketing archive
run --port` in the split deployment, where the front routes `/timeline` to it.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from bus.archive import ArchiveStore, Timeline, timeline_of
from modules.kernel import NO_STORE, NotFound, Page, View, provide

NOT_FOUND = "Order not found"


class TimelinePages(Controller):
    path = "/timeline"
    include_in_schema = False

    @get("/{order_id:str}")
    async def show(
        self,
        order_id: FromPath[str],
        view: NamedDependency[View],
        archive: NamedDependency[ArchiveStore],
    ) -> Page:
        timeline = await _readable(archive, view, order_id)
        return view.render("archive/timeline.html", **_context(timeline))

    @get("/{order_id:str}/events")
    async def events(
        self,
        order_id: FromPath[str],
        view: NamedDependency[View],
        archive: NamedDependency[ArchiveStore],
    ) -> Response[Any]:
        """The list of events, polled while the page is open: 304 while nothing joined it."""
        timeline = await _readable(archive, view, order_id)
        if view.request.headers.get("if-none-match") == timeline.tag:
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=NO_STORE)
        fragment = view.fragment("archive/_events.html", **_context(timeline))
        fragment.headers.update({"ETag": timeline.tag, **NO_STORE})
        return fragment


def timeline_router(store: ArchiveStore) -> Router:
    return Router(
        path="/", route_handlers=[TimelinePages], dependencies={"archive": provide(store)}
    )


async def _readable(store: ArchiveStore, view: View, order_id: str) -> Timeline:
    """The buyer's and the seller's to read; anyone else is told it does not exist."""
    user = view.signed_in()
    timeline = await timeline_of(store, order_id)
    if timeline is None or not timeline.visible_to(user.id):
        raise NotFound(NOT_FOUND)
    return timeline


def _context(timeline: Timeline) -> dict[str, Any]:
    return {"timeline": timeline, "steps": timeline.steps(), "etag": timeline.tag}
