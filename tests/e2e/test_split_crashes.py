"""Processes die mid-flight: nothing is lost and nothing takes effect twice."""

from __future__ import annotations

import pytest
import redis
from pymongo import MongoClient

from app.split.deployment import SplitDeployment
from tests.e2e.support import User, wait_for

pytestmark = pytest.mark.e2e


def pending(streams: redis.Redis, subject: str, group: str) -> int:
    return int(streams.xpending(f"ticketing:events:{subject}", group)["pending"])


def backlog(streams: redis.Redis, group: str) -> int:
    """Entries of every stream the group reads that it has not yet acknowledged or read."""
    total = 0
    for stream in streams.scan_iter("ticketing:events:*"):
        for info in streams.xinfo_groups(stream):
            if info["name"] == group:
                total += int(info["pending"]) + int(info.get("lag") or 0)
    return total


def replicas(mongo: MongoClient, ticket_ids: list[str]) -> int:
    from bson import ObjectId

    query = {"_id": {"$in": [ObjectId(t) for t in ticket_ids]}}
    return mongo["ticketing_orders"]["ticket_replicas"].count_documents(query)


def held_by(streams: redis.Redis, consumer: str) -> list[str]:
    """The ticket.created entries the orders group handed to `consumer` and saw no ack for."""
    pending = streams.xpending_range(
        "ticketing:events:ticket.created", "orders", "-", "+", 1000, consumername=consumer
    )
    return [entry["message_id"] for entry in pending]


# orders-1 fails every ticket.created it reads and retries it, keeping its claim: it holds
# what it read until it dies (and never dead-letters it).
HOLDING = {"failpoints": "handler.orders.ticket.created", "bus_max_attempts": "1000"}


class TestReplicaKilled:
    def test_events_held_by_a_killed_replica_are_handled_by_its_peer(
        self, deployment: SplitDeployment, mongo: MongoClient, streams: redis.Redis
    ) -> None:
        wait_for(lambda: backlog(streams, "orders"), until=lambda n: n == 0)
        # no live peer may claim what orders-1 holds
        deployment.stop_services(["orders-1", "orders-2"])
        deployment.start_service("orders-1", **HOLDING)
        try:
            seller = User(deployment.base_url)
            ticket_ids = [seller.sell(f"Show {n}") for n in range(40)]
            wait_for(lambda: held_by(streams, "orders-orders-1"))
            deployment.kill("orders-1")
            assert held_by(streams, "orders-orders-1"), "orders-1 died holding no event"
            deployment.start_service("orders-2")

            wait_for(lambda: replicas(mongo, ticket_ids), until=lambda n: n == len(ticket_ids))
            wait_for(lambda: pending(streams, "ticket.created", "orders"), until=lambda n: n == 0)
            assert held_by(streams, "orders-orders-1") == []
        finally:
            if "orders-1" in deployment.processes:
                deployment.kill("orders-1")
            deployment.start_services(
                name for name in ("orders-1", "orders-2") if name not in deployment.processes
            )

    def test_an_event_committed_but_not_acked_takes_effect_once(
        self, deployment: SplitDeployment, mongo: MongoClient, streams: redis.Redis
    ) -> None:
        wait_for(lambda: backlog(streams, "orders"), until=lambda n: n == 0)
        deployment.stop_services(["orders-1", "orders-2"])
        deployment.start_service("orders-1", failpoints="consumer.before_ack")
        try:
            ticket_id = User(deployment.base_url).sell("Crash after commit")
            wait_for(lambda: deployment.processes["orders-1"].exited)
            held = streams.xpending_range("ticketing:events:ticket.created", "orders", "-", "+", 10)
            assert [entry["consumer"] for entry in held] == ["orders-orders-1"]
            deployment.start_service("orders-2")

            wait_for(lambda: pending(streams, "ticket.created", "orders"), until=lambda n: n == 0)
            assert replicas(mongo, [ticket_id]) == 1
            entries = streams.xrange("ticketing:events:ticket.created")
            event_ids = [e for e in _event_ids(entries) if ticket_id in e[1]]
            assert len(event_ids) == 1
            inbox = mongo["ticketing_orders"]["inbox"]
            assert inbox.count_documents({"_id": event_ids[0][0]}) == 1
        finally:
            deployment.stop_service("orders-1")
            deployment.start_service("orders-1")

    def test_a_relay_killed_between_publish_and_mark_has_no_second_effect(
        self, deployment: SplitDeployment, mongo: MongoClient, streams: redis.Redis
    ) -> None:
        deployment.stop_service("tickets-1")
        deployment.start_service("tickets-1", failpoints="relay.after_publish")
        seller = User(deployment.base_url)
        response = seller.http.post("/api/tickets", json={"title": "Twice", "price": 5})
        assert response.status_code == 201
        ticket_id = response.json()["id"]
        wait_for(lambda: deployment.processes["tickets-1"].exited)

        deployment.start_service("tickets-1")  # the restarted relay publishes the entry again

        wait_for(lambda: _copies(streams, ticket_id), until=lambda n: n == 2)
        wait_for(lambda: pending(streams, "ticket.created", "orders"), until=lambda n: n == 0)
        assert replicas(mongo, [ticket_id]) == 1
        buyer = User(deployment.base_url)
        assert buyer.order(ticket_id).status_code == 201


class TestWorkerKilled:
    def test_orders_still_expire_once_when_the_worker_dies(
        self, deployment: SplitDeployment, streams: redis.Redis
    ) -> None:
        seller, buyer = User(deployment.base_url), User(deployment.base_url)
        ticket_id = seller.sell()
        order = buyer.order_once_known(ticket_id)
        deployment.kill("worker-1")
        try:
            wait_for(
                lambda: buyer.order_status(order["id"]),
                until=lambda s: s == "cancelled",
                timeout=60,
            )
            cancellations = [
                e
                for e in _event_ids(streams.xrange("ticketing:events:order.cancelled"))
                if order["id"] in e[1]
            ]
            assert len(cancellations) == 1
        finally:
            deployment.start_service("worker-1")


def _event_ids(entries: list) -> list[tuple[str, str]]:
    import json

    return [(json.loads(f["envelope"])["event_id"], f["envelope"]) for _, f in entries]


def _copies(streams: redis.Redis, ticket_id: str) -> int:
    entries = streams.xrange("ticketing:events:ticket.created")
    return sum(1 for _, fields in entries if ticket_id in fields["envelope"])
