"""Readiness names every check and fails on any; liveness only needs the event loop."""

from __future__ import annotations

import asyncio
import time

import httpx
from litestar import Litestar

from app.health import CHECK_TIMEOUT, BackgroundTasks, Check, health_router
from tests.support.apps import AppClient


async def passes() -> bool:
    return True


async def fails() -> bool:
    return False


async def raises() -> bool:
    raise ConnectionError("mongodb://admin:hunter2@db:27017 refused")


async def hangs() -> bool:
    await asyncio.Event().wait()
    return True


async def probe(checks: dict[str, Check], path: str = "/readyz") -> httpx.Response:
    app = Litestar(route_handlers=[health_router(checks)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as http:
        return await http.get(path)


class TestReadinessRoute:
    async def test_all_passing_is_200_ready_listing_each_check(self) -> None:
        response = await probe({"mongo": passes, "redis": passes})

        assert response.status_code == 200
        assert response.json() == {"status": "ready", "checks": {"mongo": "ok", "redis": "ok"}}

    async def test_one_failing_is_503_naming_it_and_the_others_still_listed(self) -> None:
        response = await probe({"mongo": fails, "redis": passes})

        assert response.status_code == 503
        assert response.json() == {
            "status": "not ready",
            "checks": {"mongo": "failed", "redis": "ok"},
        }

    async def test_a_raising_check_fails_without_its_message_leaking(self) -> None:
        response = await probe({"mongo": raises})

        assert response.status_code == 503
        assert response.json()["checks"] == {"mongo": "failed"}
        assert "hunter2" not in response.text

    async def test_a_check_that_never_answers_fails_within_the_check_timeout(self) -> None:
        started = time.monotonic()
        response = await probe({"mongo": hangs, "redis": passes})

        assert response.status_code == 503
        assert response.json()["checks"] == {"mongo": "failed", "redis": "ok"}
        assert time.monotonic() - started < CHECK_TIMEOUT + 1

    async def test_liveness_answers_while_readiness_fails(self) -> None:
        response = await probe({"mongo": fails}, "/healthz")

        assert (response.status_code, response.json()) == (200, {"status": "alive"})


class TestBackgroundTasks:
    async def test_a_handler_that_returned_is_work_done_a_loop_that_raised_is_dead(self) -> None:
        crash = asyncio.Event()

        async def loop() -> None:
            await crash.wait()
            raise RuntimeError("the loop crashed")

        started: list[asyncio.Task[None]] = []

        async def start() -> None:
            started.append(asyncio.create_task(loop(), name="outbox-relay"))
            started.append(asyncio.create_task(asyncio.sleep(0), name="bus-orders-handler"))

        background = BackgroundTasks()
        await background.started_by(start)
        await asyncio.sleep(0.05)
        assert await background.running()

        crash.set()
        await asyncio.sleep(0.05)

        assert not await background.running()


class TestReadinessOfTheApp:
    async def test_the_whole_app_is_ready_once_started(self, client: AppClient) -> None:
        response = await client.get("/readyz")

        assert response.status_code == 200, response.text
        assert response.json()["checks"] == {
            "mongo": "ok",
            "redis": "ok",
            "consumers-and-relays": "ok",
        }

    async def test_a_dead_relay_makes_the_app_not_ready(self, client: AppClient) -> None:
        relay = next(t for t in asyncio.all_tasks() if t.get_name().startswith("outbox-relay"))
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)

        response = await client.get("/readyz")

        assert response.status_code == 503
        assert response.json()["checks"]["consumers-and-relays"] == "failed"

    async def test_a_dead_consumer_makes_the_app_not_ready(self, client: AppClient) -> None:
        consumer = next(t for t in asyncio.all_tasks() if t.get_name() == "bus-orders-1")
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)

        response = await client.get("/readyz")

        assert response.status_code == 503
        assert response.json()["checks"]["consumers-and-relays"] == "failed"

    async def test_the_probes_are_not_part_of_the_api_schema(self, client: AppClient) -> None:
        schema = (await client.get("/api/schema/openapi.json")).json()

        assert not {"/healthz", "/readyz"} & set(schema["paths"])
