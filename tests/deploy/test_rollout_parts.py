"""The rollout rehearsal's parts, without processes: how it reads the overlay, what it changes in
a pod's command, and that its audit finds a lost or doubled event."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from app.cli import main
from app.rollout.manifests import Backend, ingress_routes, of_kind, workloads
from app.rollout.pods import LOCAL_HOST, local_argv
from app.rollout.verify import State, judge
from bus import Envelope
from bus.archive import ArchivedEvent
from bus.archive.rows import event_of, row_of
from tests.deploy.manifests import DEPLOY, PATHS, render
from tests.support.events import (
    envelope,
    order_cancelled,
    order_created,
    payment_created,
    ticket_created,
    ticket_updated,
)

SECRET = {"TICKETING_JWT_KEY": "k" * 40, "TICKETING_MONGO_URL": "mongodb://m", "X": "y"}


class TestReadingTheOverlay:
    def test_a_deployment_is_its_command_environment_replicas_strategy_and_probes(self) -> None:
        orders = workloads(render("microservices"), SECRET)["ticketing-orders"]

        assert orders.argv == [
            "ticketing", "serve", "--modules", "orders", "--host", "0.0.0.0", "--port", "8000",
        ]  # fmt: skip
        assert orders.env["TICKETING_BUS"] == "redis"  # from the ConfigMap
        assert orders.env["TICKETING_MONGO_URL"] == "mongodb://m"  # from the Secret
        assert orders.pod_name_variables == ["TICKETING_INSTANCE"]
        assert (orders.replicas, orders.max_surge, orders.max_unavailable) == (2, 1, 0)
        assert orders.grace == 45
        assert (orders.readiness.path, orders.readiness.port) == ("/readyz", "http")
        assert (orders.readiness.period, orders.readiness.timeout) == (5, 3)
        assert (orders.startup.path, orders.startup.period) == ("/healthz", 2)

    def test_the_worker_and_the_archive_run_one_pod_probed_on_their_health_port(self) -> None:
        found = workloads(render("microservices"), SECRET)

        for name in ("ticketing-worker", "ticketing-archive"):
            assert found[name].replicas == 1
            assert found[name].ports == {"health": 8001}
            assert found[name].env["TICKETING_HEALTH_PORT"] == "8001"
        assert found["ticketing-archive"].argv == ["ticketing", "archive", "run"]

    def test_every_ingress_path_leads_to_the_deployment_serving_it_at_its_port(self) -> None:
        routes = ingress_routes(render("microservices"))

        assert routes == {
            path: Backend(f"ticketing-{who}", "health" if who == "archive" else "http")
            for who, paths in PATHS.items()
            for path in paths
        }

    def test_a_service_targeting_a_port_by_number_leads_to_that_port_by_name(self) -> None:
        documents = copy.deepcopy(render("microservices"))
        service = of_kind(documents, "Service")["ticketing-archive"]
        service["spec"]["ports"][0]["targetPort"] = 8001

        assert ingress_routes(documents)["/timeline"] == Backend("ticketing-archive", "health")

    def test_a_variable_from_a_source_it_does_not_rehearse_is_refused(self) -> None:
        documents = copy.deepcopy(render("microservices"))
        deployment = of_kind(documents, "Deployment")["ticketing-auth"]
        env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        env.append({"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}})

        with pytest.raises(ValueError, match="NODE comes from a source not rehearsed"):
            workloads(documents, SECRET)


class TestAPodsCommand:
    def test_only_its_address_and_ports_change(self) -> None:
        argv = ["ticketing", "serve", "--modules", "orders", "--host", "0.0.0.0", "--port", "8000"]

        local = local_argv(argv, {8000: 41234})

        assert local[0].endswith("/ticketing")
        assert local[1:] == [
            "serve",
            "--modules",
            "orders",
            "--host",
            LOCAL_HOST,
            "--port",
            "41234",
        ]


def archived(*envelopes: Envelope) -> list[ArchivedEvent]:
    now = datetime.now(UTC)
    return [
        event_of(SimpleNamespace(position=n, **row_of(e, now))) for n, e in enumerate(envelopes, 1)
    ]


def story(status: str) -> tuple[State, list[Envelope]]:
    """One order on one ticket, as each module holds it once every event was applied."""
    ticket, order = "t1", "o1"
    events = [
        envelope(ticket_created(ticket, "s")),
        envelope(order_created(order, ticket_id=ticket)),
        envelope(ticket_updated(ticket, "s", 1, title="Concert", order_id=order)),
    ]
    holder: str | None = order
    if status == "cancelled":
        events.append(envelope(order_cancelled(order, ticket_id=ticket)))
        events.append(envelope(ticket_updated(ticket, "s", 2, title="Concert")))
        holder = None
    else:
        events.append(envelope(payment_created(order)))
    version = 2 if status == "cancelled" else 1
    state: State = {
        "orders": {order: {"status": status, "version": 1, "ticket": {"id": ticket}}},
        "tickets": {ticket: {"version": version, "order_id": holder}},
        "ticket_replicas": {ticket: {"version": version}},
        "order_replicas": {order: {"version": 1 if status == "cancelled" else 0}},
    }
    return state, events


class TestTheAudit:
    @pytest.mark.parametrize("status", ["complete", "cancelled"])
    def test_a_consistent_story_has_nothing_lost_or_doubled(self, status: str) -> None:
        state, events = story(status)

        audit = judge(state, archived(*events), ["o1"])

        assert (audit.lost, audit.duplicated) == ([], [])

    def test_a_replica_behind_its_source_is_a_lost_event(self) -> None:
        state, events = story("cancelled")
        state["ticket_replicas"]["t1"]["version"] = 1

        assert judge(state, archived(*events), ["o1"]).lost == [
            "ticket t1: orders' replica is behind the ticket"
        ]

    def test_an_event_never_on_the_bus_is_lost(self) -> None:
        state, events = story("cancelled")
        without_cancel = [e for e in events if e.subject != "order.cancelled"]

        lost = judge(state, archived(*without_cancel), ["o1"]).lost
        assert "order o1: order.cancelled never on the bus" in lost

    def test_a_cancelled_order_still_holding_its_ticket_is_a_lost_event(self) -> None:
        state, events = story("cancelled")
        state["tickets"]["t1"]["order_id"] = "o1"

        lost = judge(state, archived(*events), ["o1"]).lost
        assert lost == ["order o1 is cancelled; its ticket is held by o1"]

    def test_a_change_announced_twice_is_a_duplicate(self) -> None:
        state, events = story("complete")
        again = envelope(ticket_updated("t1", "s", 1, title="Concert", order_id="o1"))

        audit = judge(state, archived(*events, again), ["o1"])

        assert audit.duplicated == ["ticket t1: version 1 announced twice"]

    def test_an_order_answered_yet_missing_is_lost(self) -> None:
        state, events = story("complete")

        assert (
            "order o2: created, yet not in the orders database"
            in judge(state, archived(*events), ["o1", "o2"]).lost
        )


class TestTheCommand:
    def test_an_overlay_that_does_not_exist_is_refused_before_anything_starts(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["dev", "rollout", "--deploy-dir", str(DEPLOY), "--overlay", "nope"]) == 2
        assert "no overlay 'nope' under" in capsys.readouterr().err
