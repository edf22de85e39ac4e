"""Redis restarts and poison events: consumers recover, nothing acknowledged is lost."""

from __future__ import annotations

import threading

import pytest
import redis
from pymongo import MongoClient

from app.split.deployment import SplitDeployment
from tests.e2e.support import User, wait_for
from tests.e2e.test_split_crashes import backlog, replicas

pytestmark = pytest.mark.e2e


class TestRedisRestart:
    def test_consumers_reconnect_and_no_acknowledged_event_is_lost(
        self, deployment: SplitDeployment, mongo: MongoClient
    ) -> None:
        seller = User(deployment.base_url)
        created: list[str] = []
        stop = threading.Event()

        def keep_selling() -> None:
            while not stop.is_set():
                response = seller.http.post("/api/tickets", json={"title": "Live", "price": 9})
                if response.status_code == 201:
                    created.append(response.json()["id"])

        traffic = threading.Thread(target=keep_selling)
        traffic.start()
        wait_for(lambda: len(created), until=lambda n: n >= 5)
        run_before = redis.Redis.from_url(deployment.redis_url).info("server")["run_id"]
        deployment.restart_redis()
        assert redis.Redis.from_url(deployment.redis_url).info("server")["run_id"] != run_before
        count_at_restart = len(created)
        wait_for(lambda: len(created), until=lambda n: n >= count_at_restart + 5)
        stop.set()
        traffic.join()

        wait_for(lambda: replicas(mongo, created), until=lambda n: n == len(created), timeout=60)


class TestPoisonEvent:
    def test_a_poison_event_is_dead_lettered_others_flow_and_replay_fixes_it(
        self, deployment: SplitDeployment, mongo: MongoClient, streams: redis.Redis
    ) -> None:
        seller, buyer = User(deployment.base_url), User(deployment.base_url)
        healthy_ticket = seller.sell("Healthy")
        wait_for(lambda: replicas(mongo, [healthy_ticket]), until=lambda n: n == 1)
        wait_for(lambda: backlog(streams, "orders"), until=lambda n: n == 0)
        _restart_orders(deployment, failpoints="handler.orders.ticket.created")

        poisoned_ticket = seller.sell("Poisoned")
        wait_for(lambda: _dead_letters_naming(streams, poisoned_ticket), until=lambda n: n == 1)
        order = buyer.order_once_known(healthy_ticket)
        wait_for(lambda: seller.ticket(healthy_ticket)["orderId"], until=lambda h: h == order["id"])
        # orders still applies its other subjects: the lock comes back as ticket.updated v1
        wait_for(lambda: _replica_version(mongo, healthy_ticket), until=lambda v: v == 1)
        listing = deployment.command("deadletter", "list")
        assert "ticket.created" in listing.stdout and "orders" in listing.stdout, listing.stderr
        assert buyer.order(poisoned_ticket).status_code == 404

        _restart_orders(deployment)  # the handler is fixed
        replay = deployment.command("deadletter", "replay", "--all")

        assert replay.returncode == 0, replay.stderr
        wait_for(lambda: replicas(mongo, [poisoned_ticket]), until=lambda n: n == 1)
        assert buyer.order(poisoned_ticket).status_code == 201
        assert streams.xlen("ticketing:dead:orders") == 0
        status = deployment.command("bus", "status")
        assert "ticket.created" in status.stdout, status.stderr


def _restart_orders(deployment: SplitDeployment, **settings: str) -> None:
    deployment.stop_services(["orders-1", "orders-2"])
    deployment.start_services(["orders-1", "orders-2"], **settings)


def _replica_version(mongo: MongoClient, ticket_id: str) -> int | None:
    from bson import ObjectId

    replica = mongo["ticketing_orders"]["ticket_replicas"].find_one({"_id": ObjectId(ticket_id)})
    return replica["version"] if replica else None


def _dead_letters_naming(streams: redis.Redis, ticket_id: str) -> int:
    entries = streams.xrange("ticketing:dead:orders")
    return sum(1 for _, fields in entries if ticket_id in fields["envelope"])
