"""The rendered overlays, read once per run, and what the tests ask of them (the reading of
manifests is the rollout rehearsal's, app.rollout.manifests)."""

from __future__ import annotations

import functools
from pathlib import Path

from app.rollout import manifests
from app.rollout.manifests import (
    Document,
    command,
    container,
    documents_of,
    of_kind,
    pod_labels,
    replicas,
    selects,
)

__all__ = (
    "DEPLOY",
    "KUBERNETES_VERSION",
    "OVERLAYS",
    "PATHS",
    "ROOT",
    "SINGLETONS",
    "Document",
    "command",
    "container",
    "of_kind",
    "ours",
    "pod_labels",
    "pod_spec",
    "render",
    "rendered_text",
    "replicas",
    "selects",
    "served_modules",
    "workloads",
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("monolith", "microservices", "local")
KUBERNETES_VERSION = "1.33.0"  # the oldest Kubernetes the manifests are validated for


# Where each module's API and pages live (/static is served by every module, routed to tickets),
# and the order timeline pages of the event archive (docs/adr/0102), which is not a module.
PATHS = {
    "auth": ["/api/users", "/auth"],
    "tickets": ["/", "/api/tickets", "/tickets", "/static"],
    "orders": ["/api/orders", "/orders"],
    "payments": ["/api/payments", "/payments"],
    "archive": ["/timeline"],
}
# Deployments that run one replica by design, never autoscaled: the archive is one writer to its
# store and one consumer of its group (docs/adr/0102; a rollout briefly runs two pods, safely).
SINGLETONS = {"ticketing-archive"}


@functools.cache
def rendered_text(overlay: str) -> str:
    return manifests.rendered_text(DEPLOY / "overlays" / overlay)


def render(overlay: str) -> list[Document]:
    return documents_of(rendered_text(overlay))


def workloads(documents: list[Document]) -> dict[str, Document]:
    """Everything that runs pods, by name."""
    kinds = ("Deployment", "StatefulSet", "Job")
    return {d["metadata"]["name"]: d for d in documents if d["kind"] in kinds}


def ours(documents: list[Document]) -> dict[str, Document]:
    """The Deployments running the ticketing image."""
    return {
        name: deployment
        for name, deployment in of_kind(documents, "Deployment").items()
        if pod_labels(deployment).get("app.kubernetes.io/name") == "ticketing"
    }


def pod_spec(workload: Document) -> Document:
    spec: Document = workload["spec"]["template"]["spec"]
    return spec


def served_modules(deployment: Document, available: list[str]) -> list[str]:
    """The modules a `ticketing serve` Deployment runs: its --modules list, or all of them."""
    argv = command(deployment)
    if argv[:2] != ["ticketing", "serve"]:
        return []
    if "--modules" not in argv:
        return list(available)
    return argv[argv.index("--modules") + 1].split(",")
