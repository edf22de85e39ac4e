"""The rendered overlays, read once per run, and what the tests ask of them."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("monolith", "microservices", "local")
KUBERNETES_VERSION = "1.33.0"  # the oldest Kubernetes the manifests are validated for

Document = dict[str, Any]

# Where each module's API and pages live; /static is served by every module, routed to tickets.
PATHS = {
    "auth": ["/api/users", "/auth"],
    "tickets": ["/", "/api/tickets", "/tickets", "/static"],
    "orders": ["/api/orders", "/orders"],
    "payments": ["/api/payments", "/payments"],
}


@functools.cache
def rendered_text(overlay: str) -> str:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render the kustomize overlays (Debian package kubectl)"
    return subprocess.run(
        [kubectl, "kustomize", str(DEPLOY / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def render(overlay: str) -> list[Document]:
    return [document for document in yaml.safe_load_all(rendered_text(overlay)) if document]


def of_kind(documents: list[Document], kind: str) -> dict[str, Document]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


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


def pod_labels(workload: Document) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def container(workload: Document) -> Document:
    containers = pod_spec(workload)["containers"]
    assert len(containers) == 1, "one container per pod"
    first: Document = containers[0]
    return first


def command(workload: Document) -> list[str]:
    return [str(part) for part in container(workload)["command"]]


def replicas(documents: list[Document], deployment: str) -> int:
    """Its autoscaler's floor where it has one (and then no count of its own), else its count."""
    floors = [
        a["spec"]["minReplicas"]
        for a in of_kind(documents, "HorizontalPodAutoscaler").values()
        if a["spec"]["scaleTargetRef"]["name"] == deployment
    ]
    count: int = of_kind(documents, "Deployment")[deployment]["spec"].get("replicas", 1)
    return floors[0] if floors else count


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def served_modules(deployment: Document, available: list[str]) -> list[str]:
    """The modules a `ticketing serve` Deployment runs: its --modules list, or all of them."""
    argv = command(deployment)
    if argv[:2] != ["ticketing", "serve"]:
        return []
    if "--modules" not in argv:
        return list(available)
    return argv[argv.index("--modules") + 1].split(",")
