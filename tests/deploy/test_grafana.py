"""The Grafana dashboard parses, shows what operators watch, and is provisioned by compose.

Whether every metric it queries is one the app exports is checked against real scrapes, in
tests/e2e/test_split_observability.py.
"""

from __future__ import annotations

import pytest
import yaml

from tests.deploy.dashboard import DASHBOARD, dashboard, metric_names, panels, queries
from tests.deploy.manifests import ROOT

WATCHED = {
    "ticketing_http_request_duration_seconds_count",
    "ticketing_http_request_duration_seconds_bucket",
    "ticketing_bus_pending",
    "ticketing_bus_lag",
    "ticketing_bus_dead_letters",
    "ticketing_bus_events_dead_lettered_total",
    "ticketing_outbox_backlog",
    "ticketing_outbox_relay_seconds_bucket",
    "ticketing_expirations_fired_total",
    "ticketing_expirations_swept_total",
    "ticketing_payments_total",
}


class TestDashboard:
    def test_every_query_parses_and_names_a_metric(self) -> None:
        for query in queries():
            assert metric_names(query), query

    def test_it_shows_what_operators_watch(self) -> None:
        shown = set().union(*(metric_names(query) for query in queries()))

        assert shown >= WATCHED

    def test_a_query_that_is_not_promql_is_caught(self) -> None:
        with pytest.raises(ValueError):
            metric_names("sum by (group (ticketing_bus_lag)")

    def test_every_panel_reads_the_provisioned_datasource(self) -> None:
        sources = yaml.safe_load((ROOT / "docker" / "grafana" / "datasources.yaml").read_text())
        uids = {source["uid"] for source in sources["datasources"]}

        assert dashboard()["uid"] == "ticketing"
        for panel in panels():
            assert panel["targets"], panel["title"]
            assert panel["datasource"]["uid"] in uids, panel["title"]


class TestCompose:
    def test_grafana_loads_the_dashboard_and_prometheus_scrapes_every_app_service(self) -> None:
        compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
        scrape = yaml.safe_load((ROOT / "docker" / "prometheus.yml").read_text())
        apps = {
            name
            for name, service in compose["services"].items()
            if "docker/Dockerfile" in str(service.get("build"))
        }
        ports = {
            job["job_name"]: job["dns_sd_configs"][0]["port"] for job in scrape["scrape_configs"]
        }
        mounted = " ".join(compose["services"]["grafana"]["volumes"])

        assert f"../{DASHBOARD.relative_to(ROOT)}:" in mounted
        assert set(ports) == apps
        for health_only in ("worker", "archive"):
            environment = compose["services"][health_only]["environment"]
            assert ports[health_only] == int(environment["TICKETING_HEALTH_PORT"])
