"""Pages against the JSON API, one uvicorn worker: `python -m tests.benchmarks.pages`.

With 100 tickets on sale: GET / (the home page, HTML in the layout) against GET /api/tickets
(the same listing as JSON), and the home page's poll while nothing changes (GET
/tickets/on-sale with the current ETag: a 304), whose rate bounds how many idle viewers,
polling once a second each, one worker can keep up to date.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess

import httpx

from tests.benchmarks.load import CONNECTIONS
from tests.benchmarks.server import running_server
from tests.support.api import sign_up

TICKETS = 100
WRK_SECONDS = 10


def main() -> None:
    if not shutil.which("wrk"):
        print("skipped: `wrk` is not installed (apt-get install wrk)")
        return
    with running_server() as base:
        cookie, etag = asyncio.run(_prepare(base))
        page = {"Accept": "text/html", "Cookie": cookie}
        json = _wrk(base, "/api/tickets", {"Cookie": cookie})
        html = _wrk(base, "/", page)
        idle = _wrk(base, "/tickets/on-sale", {**page, "HX-Request": "true", "If-None-Match": etag})
    print(f"GET /api/tickets ({TICKETS} tickets, JSON): {json:.0f} req/s")
    print(f"GET / ({TICKETS} tickets, HTML page):     {html:.0f} req/s = {html / json:.0%} of JSON")
    print(f"GET /tickets/on-sale unchanged (304):  {idle:.0f} req/s")
    print(
        f"an idle viewer polls once a second: {1000 / idle:.2f} ms of one worker per second, "
        f"so one worker keeps about {idle:.0f} idle viewers live"
    )


async def _prepare(base: str) -> tuple[str, str]:
    """A signed-in seller's cookies (session and CSRF, as a browser holds them) and the
    listing's ETag once the tickets are listed."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        session = (await sign_up(http)).cookie
        for number in range(TICKETS):
            response = await http.post(
                "/api/tickets",
                json={"title": f"Show {number}", "price": 25.5},
                cookies={"session": session},
            )
            response.raise_for_status()
        home = await http.get("/", headers={"accept": "text/html"}, cookies={"session": session})
        csrf = home.cookies["csrftoken"]
        listing = await http.get("/tickets/on-sale", headers={"hx-request": "true"})
        return f"session={session}; csrftoken={csrf}", listing.headers["etag"]


def _wrk(base: str, path: str, headers: dict[str, str]) -> float:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{WRK_SECONDS}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"{base}{path}"], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert errors is None, f"GET {path}: {errors.group(0)}"
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(rate.group(1)) if rate else 0.0


if __name__ == "__main__":
    main()
