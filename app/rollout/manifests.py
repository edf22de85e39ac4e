"""A kustomize overlay, rendered by `kubectl kustomize`, read as the pods it would run.

Only what a rehearsal needs: each Deployment's container command and
environment (ConfigMap, Secret and literal values, the pod's own name), its
replica count, rolling-update strategy, grace period and probes, and where
the Ingress sends each path (which Deployment's pods, at which of their ports).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Document = dict[str, Any]
POD_NAME = "metadata.name"  # the one fieldRef the manifests use: TICKETING_INSTANCE


def rendered_text(overlay: Path) -> str:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        raise RuntimeError("kubectl is needed to render the kustomize overlays (Debian: kubectl)")
    return subprocess.run(
        [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=True
    ).stdout


def documents_of(text: str) -> list[Document]:
    return [document for document in yaml.safe_load_all(text) if document]


def render(overlay: Path) -> list[Document]:
    return documents_of(rendered_text(overlay))


def of_kind(documents: list[Document], kind: str) -> dict[str, Document]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def pod_labels(workload: Document) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def container(workload: Document) -> Document:
    containers = workload["spec"]["template"]["spec"]["containers"]
    if len(containers) != 1:
        raise ValueError(f"{workload['metadata']['name']}: one container per pod expected")
    first: Document = containers[0]
    return first


def command(workload: Document) -> list[str]:
    box = container(workload)
    return [str(part) for part in [*box["command"], *box.get("args", [])]]


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


@dataclass(frozen=True)
class Probe:
    path: str
    port: str  # the container port's name
    period: float
    timeout: float
    failures: int  # failureThreshold


@dataclass(frozen=True)
class Workload:
    """One Deployment, as its pods would run."""

    name: str
    argv: list[str]
    env: dict[str, str]  # everything but the pod's own name
    pod_name_variables: list[str]  # set from the pod's name (fieldRef metadata.name)
    ports: dict[str, int]  # container port by name
    replicas: int
    max_surge: int
    max_unavailable: int
    grace: float  # terminationGracePeriodSeconds
    startup: Probe
    readiness: Probe


def workloads(documents: list[Document], secret: dict[str, str]) -> dict[str, Workload]:
    """Every Deployment, its environment resolved from the rendered ConfigMaps and `secret`."""
    config_maps = {name: m.get("data", {}) for name, m in of_kind(documents, "ConfigMap").items()}
    found = {}
    for name, deployment in of_kind(documents, "Deployment").items():
        box = container(deployment)
        env: dict[str, str] = {}
        for source in box.get("envFrom", []):
            if "configMapRef" in source:
                env |= config_maps[source["configMapRef"]["name"]]
            if "secretRef" in source:
                env |= secret
        from_pod = []
        for variable in box.get("env", []):
            if "value" in variable:
                env[variable["name"]] = str(variable["value"])
            elif variable["valueFrom"].get("fieldRef", {}).get("fieldPath") == POD_NAME:
                from_pod.append(variable["name"])
            else:
                raise ValueError(f"{name}: {variable['name']} comes from a source not rehearsed")
        strategy = deployment["spec"]["strategy"]["rollingUpdate"]
        found[name] = Workload(
            name=name,
            argv=command(deployment),
            env=env,
            pod_name_variables=from_pod,
            ports={p["name"]: int(p["containerPort"]) for p in box.get("ports", [])},
            replicas=replicas(documents, name),
            max_surge=_count(strategy["maxSurge"], replicas(documents, name), math.ceil),
            max_unavailable=_count(strategy["maxUnavailable"], replicas(documents, name), int),
            grace=float(deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]),
            startup=_probe(box["startupProbe"]),
            readiness=_probe(box["readinessProbe"]),
        )
    return found


@dataclass(frozen=True)
class Backend:
    """Where an Ingress path leads: a Deployment's pods, at one of their container ports."""

    deployment: str
    port: str  # the container port's name


def ingress_routes(documents: list[Document]) -> dict[str, Backend]:
    """Each Ingress path to the Deployment whose pods its Service selects, at the container port
    the Service's port targets (the archive's pages are on its health port, not on `http`)."""
    services = of_kind(documents, "Service")
    deployments = of_kind(documents, "Deployment")
    routes = {}
    for ingress in of_kind(documents, "Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                service = services[backend["name"]]
                (target,) = [
                    name
                    for name, deployment in deployments.items()
                    if selects(service["spec"]["selector"], pod_labels(deployment))
                ]
                port = _target_port(service, backend["port"], deployments[target])
                routes[path["path"]] = Backend(target, port)
    return routes


def _target_port(service: Document, wanted: Document, deployment: Document) -> str:
    """The name of the container port behind the Service port the Ingress names (by name or
    number); a Service port's `targetPort` is a port name, a number, or its own number."""
    (port,) = [
        p for p in service["spec"]["ports"]
        if p.get("name") == wanted.get("name") or p["port"] == wanted.get("number")
    ]  # fmt: skip
    target = port.get("targetPort", port["port"])
    by_number = {p["containerPort"]: p["name"] for p in container(deployment).get("ports", [])}
    return str(by_number.get(target, target))


def _count(value: int | str, replicas: int, rounding: Callable[[float], int]) -> int:
    """A count or a percentage of the replicas (surge rounds up, unavailability down)."""
    if isinstance(value, str) and value.endswith("%"):
        return rounding(replicas * int(value[:-1]) / 100)
    return int(value)


def _probe(probe: Document) -> Probe:
    return Probe(
        path=probe["httpGet"]["path"],
        port=str(probe["httpGet"]["port"]),
        period=float(probe.get("periodSeconds", 10)),
        timeout=float(probe.get("timeoutSeconds", 1)),
        failures=int(probe.get("failureThreshold", 3)),
    )
