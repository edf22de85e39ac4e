"""deploy/grafana/ticketing.json's queries, and the metric names each one reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import promql_parser

from tests.deploy.manifests import ROOT

DASHBOARD = ROOT / "deploy" / "grafana" / "ticketing.json"
# Grafana's own variables, replaced as Grafana would before the query reaches Prometheus.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m"}


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels() -> Iterator[dict[str, Any]]:
    for panel in dashboard()["panels"]:
        if panel["type"] != "row":
            yield panel


def queries() -> list[str]:
    return [target["expr"] for panel in panels() for target in panel["targets"]]


def metric_names(query: str) -> set[str]:
    """The name of every series selector in `query`, parsed as Prometheus would parse it."""
    for variable, value in GRAFANA_VARIABLES.items():
        query = query.replace(variable, value)
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(query), visit)
    return names
