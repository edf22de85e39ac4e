"""The Kubernetes manifests agree with the code: a Deployment per module, the ingress its routes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.registry import AVAILABLE
from app.split.deployment import PAGE_ROUTES, ROUTES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def render(overlay: str) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render the kustomize overlays (Debian package kubectl)"
    output = subprocess.run(
        [kubectl, "kustomize", str(DEPLOY / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def command(deployment: dict[str, Any]) -> list[str]:
    return deployment["spec"]["template"]["spec"]["containers"][0]["command"]


@pytest.mark.parametrize("overlay", ["local", "production"])
class TestManifests:
    def test_every_module_runs_as_its_own_deployment(self, overlay: str) -> None:
        deployments = of_kind(render(overlay), "Deployment")

        for name in AVAILABLE:
            assert command(deployments[name])[:4] == ["ticketing", "serve", "--modules", name]
        assert command(deployments["worker"]) == ["ticketing", "worker"]
        assert deployments["orders"]["spec"]["replicas"] >= 2

    def test_the_ingress_routes_each_api_and_its_pages_to_its_module(self, overlay: str) -> None:
        documents = render(overlay)
        ingress = of_kind(documents, "Ingress")["ticketing"]
        paths = ingress["spec"]["rules"][0]["http"]["paths"]

        routed = {p["path"]: p["backend"]["service"]["name"] for p in paths}
        pages = {path: module for module, paths in PAGE_ROUTES.items() for path in paths}
        assert routed == {path: module for module, path in ROUTES.items()} | pages
        assert set(routed.values()) <= set(of_kind(documents, "Service"))

    def test_pods_use_the_redis_bus_and_a_worker_of_their_own(self, overlay: str) -> None:
        config = next(iter(of_kind(render(overlay), "ConfigMap").values()))["data"]

        assert config["TICKETING_BUS"] == "redis"
        assert config["TICKETING_RUN_WORKER"] == "false"
        assert config["TICKETING_MONGO_URL"] and config["TICKETING_REDIS_URL"]


class TestLocalServers:
    def test_redis_fsyncs_every_write(self) -> None:
        redis = of_kind(render("local"), "StatefulSet")["redis"]

        redis_command = command(redis)
        assert redis_command[redis_command.index("--appendfsync") + 1] == "always"
