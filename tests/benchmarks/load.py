"""HTTP load as the issue measures it: `wrk -t2 -c16` (Debian's `wrk`), or httpx when it is missing.

POST bodies can carry a counter, so each request signs up a new email, for example.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from tests.benchmarks.report import percentile

THREADS, CONNECTIONS = 2, 16

# Each wrk thread numbers its requests; `{n}` in a body becomes "<thread>-<request>".
_WRK_SCRIPT = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) n = 0 end
wrk.method = "{method}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "{cookie}"
function request()
  n = n + 1
  local body = [==[{body}]==]
  return wrk.format(nil, nil, nil, (body:gsub("{{n}}", tid .. "-" .. n)))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Request:
    url: str
    method: str = "GET"
    body: str = ""  # JSON, with `{n}` where each request needs its own value, `{run}` each run
    cookie: str = ""


def run_load(request: Request, seconds: float, connections: int = CONNECTIONS) -> Load:
    """`{run}` in the body becomes a value of this call's own, so runs never repeat a body."""
    request = replace(request, body=request.body.replace("{run}", str(time.time_ns())))
    if shutil.which("wrk"):
        return _wrk(request, seconds, connections)
    return asyncio.run(_httpx(request, seconds, connections))


def _wrk(request: Request, seconds: float, connections: int) -> Load:
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "request.lua"
        cookie = f"session={request.cookie}" if request.cookie else ""
        script.write_text(
            _WRK_SCRIPT.format(method=request.method, cookie=cookie, body=request.body)
        )
        command = [
            *("wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds:g}s", "--latency"),
            *("-s", str(script), request.url),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    latencies = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Load(
        requests=int(done.group(1)) if done else 0,
        seconds=_seconds(done.group(2) + done.group(3)) if done else seconds,
        p50_ms=_seconds(latencies.get("50", "0s")) * 1000,
        p99_ms=_seconds(latencies.get("99", "0s")) * 1000,
        errors=errors,
        tool="wrk",
    )


def _seconds(text: str) -> float:
    """wrk's durations: 812.00us, 3.21ms, 1.02s, 1.00m."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


async def _httpx(request: Request, seconds: float, connections: int) -> Load:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    headers = {"cookie": f"session={request.cookie}"} if request.cookie else {}
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=headers) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                body = request.body.replace("{n}", str(next(counter)))
                started = time.perf_counter()
                try:
                    response = await http.request(
                        request.method,
                        request.url,
                        content=body or None,
                        headers={"content-type": "application/json"} if body else None,
                    )
                    errors += response.status_code >= 400
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.5) * 1000 if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99) * 1000 if latencies else 0.0,
        errors=errors,
        tool="httpx",
    )
