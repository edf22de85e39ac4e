"""The archive in split mode: its timeline page behind the front, and replicas rebuilt from it.

Every module is its own process and the archive is `ticketing archive run`. After the Redis
streams are trimmed to nothing, the orders module's ticket replica and the payments module's
order replica are wiped, replayed from the archive to their groups by `ticketing events
replay`, and equal what they were.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
import redis
from pymongo import MongoClient

from app.split.deployment import SplitDeployment
from tests.e2e.support import User, wait_for

pytestmark = pytest.mark.e2e

HTML = {"accept": "text/html"}
REBUILT = {
    "orders": ("ticket_replicas", ("ticket.created", "ticket.updated")),
    "payments": ("order_replicas", ("order.created", "order.cancelled")),
}


def some_history(deployment: SplitDeployment) -> list[str]:
    """Listed, edited, paid, cancelled: replicas past their first version. The orders' ids."""
    seller, buyer = User(deployment.base_url), User(deployment.base_url)
    edited, paid, cancelled = (seller.sell(f"T{n}") for n in range(3))
    assert seller.http.put(f"/api/tickets/{edited}", json={"title": "E", "price": 3}).is_success
    order = buyer.order_once_known(paid)
    assert buyer.pay_once_known(order["id"]).status_code == 201
    wait_for(lambda: buyer.order_status(order["id"]), until=lambda s: s == "complete")
    other = buyer.order_once_known(cancelled)
    wait_for(lambda: buyer.ticket(cancelled)["orderId"], until=lambda held: held == other["id"])
    assert buyer.http.delete(f"/api/orders/{other['id']}").status_code == 204
    wait_for(lambda: buyer.ticket(cancelled)["orderId"], until=lambda held: held is None)
    return [order["id"], other["id"]]


def replicas(mongo: MongoClient) -> dict[str, list[dict[str, Any]]]:
    return {
        module: list(mongo[f"ticketing_{module}"][collection].find({}).sort("_id"))
        for module, (collection, _) in REBUILT.items()
    }


def archived_ids(deployment: SplitDeployment, subjects: tuple[str, ...]) -> list[str]:
    path = deployment.archive_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as archive:
        marks = ",".join("?" * len(subjects))
        query = f"SELECT event_id FROM archived_events WHERE subject IN ({marks})"
        return [row[0] for row in archive.execute(query, subjects)]


def settled(mongo: MongoClient) -> bool:
    """Both replicas as the history leaves them: versions 1, 1, 2 and a cancelled order."""
    now = replicas(mongo)
    return sorted(r["version"] for r in now["orders"]) == [1, 1, 2] and sorted(
        r["status"] for r in now["payments"]
    ) == ["cancelled", "created"]


def trim_every_stream(deployment: SplitDeployment) -> None:
    streams = redis.Redis.from_url(deployment.redis_url)
    try:
        for key in streams.scan_iter("ticketing:events:*"):
            streams.xtrim(key, maxlen=0)
            assert streams.xlen(key) == 0
    finally:
        streams.close()


class TestReplayInSplitMode:
    def test_wiped_replicas_replayed_from_the_archive_after_trimming_equal_what_they_were(
        self, deployment: SplitDeployment, mongo: MongoClient
    ) -> None:
        orders = some_history(deployment)
        wait_for(lambda: settled(mongo), timeout=60)
        for order_id in orders:  # the archive process has every event of both orders
            wait_for(
                lambda order_id=order_id: deployment.command("events", "show", "--order", order_id),
                until=lambda shown: (
                    "payment.created" in shown.stdout or shown.stdout.count("ticket.updated") == 2
                ),
            )
        before = replicas(mongo)
        trim_every_stream(deployment)
        for module, (collection, subjects) in REBUILT.items():
            mongo[f"ticketing_{module}"][collection].delete_many({})
            forgotten = archived_ids(deployment, subjects)
            mongo[f"ticketing_{module}"]["inbox"].delete_many({"_id": {"$in": forgotten}})
        assert replicas(mongo) == {"orders": [], "payments": []}

        for group in REBUILT:
            replayed = deployment.command("events", "replay", "--group", group)
            assert replayed.returncode == 0, replayed.stderr
            assert replayed.stdout.startswith("replayed ")

        after = wait_for(lambda: replicas(mongo), until=lambda now: now == before, timeout=60)
        assert after == before


class TestTheTimelineInSplitMode:
    def test_the_archive_process_serves_it_through_the_front_to_buyer_and_seller_only(
        self, deployment: SplitDeployment
    ) -> None:
        seller, buyer, stranger = (User(deployment.base_url) for _ in range(3))
        order = buyer.order_once_known(seller.sell("Opera"))
        assert buyer.pay_once_known(order["id"]).status_code == 201
        path = f"/timeline/{order['id']}"

        page = wait_for(
            lambda: buyer.http.get(path, headers=HTML),
            until=lambda r: "Paid: the order is complete" in r.text,
        )

        assert page.status_code == 200 and "Order created" in page.text
        assert seller.http.get(path, headers=HTML).status_code == 200
        assert stranger.http.get(path, headers=HTML).status_code == 404
