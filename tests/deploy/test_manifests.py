"""The overlays agree with the code: the module registry, the CLI's commands, the settings the app
reads, the routes each module serves."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from app.registry import AVAILABLE, select_modules
from app.split.deployment import PAGE_ROUTES, ROUTES
from tests.deploy.known_settings import unknown
from tests.deploy.manifests import (
    DEPLOY,
    OVERLAYS,
    PATHS,
    Document,
    command,
    container,
    of_kind,
    ours,
    pod_labels,
    render,
    replicas,
    selects,
    served_modules,
)

MODULES = list(AVAILABLE)


def config(documents: list[Document]) -> dict[str, str]:
    (config_map,) = of_kind(documents, "ConfigMap").values()
    data: dict[str, str] = config_map["data"]
    return data


def served(deployment: Document, documents: list[Document]) -> list[str]:
    """The modules a Deployment serves, and "archive" where it runs the event archive and so its
    timeline pages: `ticketing archive run`, or `ticketing serve` on the in-process bus."""
    modules = served_modules(deployment, MODULES)
    runs_archive = command(deployment)[1:] == ["archive", "run"] or (
        bool(modules) and config(documents)["TICKETING_BUS"] == "inprocess"
    )
    return [*modules, *(["archive"] if runs_archive else [])]


def routed(documents: list[Document]) -> dict[str, str]:
    (ingress,) = of_kind(documents, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    return {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}


class TestMicroservices:
    @pytest.mark.parametrize("overlay", ["microservices", "local"])
    def test_each_module_runs_alone_on_the_redis_bus(self, overlay: str) -> None:
        documents = render(overlay)
        deployments = ours(documents)

        running = {m for d in deployments.values() for m in served_modules(d, MODULES)}
        assert sorted(running) == sorted(MODULES)
        for module in MODULES:
            deployment = deployments[f"ticketing-{module}"]
            assert command(deployment) == [
                "ticketing", "serve", "--modules", module, "--host", "0.0.0.0", "--port", "8000",
            ]  # fmt: skip
            assert pod_labels(deployment)["app.kubernetes.io/component"] == module
        assert command(deployments["ticketing-worker"]) == ["ticketing", "worker"]
        assert command(deployments["ticketing-archive"]) == ["ticketing", "archive", "run"]
        assert replicas(documents, "ticketing-archive") == 1
        assert config(documents)["TICKETING_BUS"] == "redis"
        assert config(documents)["TICKETING_RUN_WORKER"] == "false"

    def test_tickets_and_orders_run_at_least_two_replicas(self) -> None:
        documents = render("microservices")

        assert replicas(documents, "ticketing-tickets") >= 2
        assert replicas(documents, "ticketing-orders") >= 2


class TestMonolith:
    def test_one_deployment_runs_every_module_and_its_worker_in_process(self) -> None:
        documents = render("monolith")
        deployments = ours(documents)

        assert list(deployments) == ["ticketing"]
        (deployment,) = deployments.values()
        assert command(deployment) == ["ticketing", "serve", "--host", "0.0.0.0", "--port", "8000"]
        assert replicas(documents, "ticketing") >= 2
        assert config(documents)["TICKETING_BUS"] == "inprocess"
        assert config(documents)["TICKETING_RUN_WORKER"] == "true"


@pytest.mark.parametrize("overlay", OVERLAYS)
class TestAgreementWithTheCode:
    def test_every_module_named_is_one_the_registry_knows(self, overlay: str) -> None:
        for deployment in ours(render(overlay)).values():
            argv = command(deployment)
            if "--modules" in argv:
                select_modules(argv[argv.index("--modules") + 1])  # ValueError when unknown

    def test_every_setting_given_is_one_the_app_reads(self, overlay: str) -> None:
        documents = render(overlay)
        given = set(config(documents))
        for deployment in ours(documents).values():
            given |= {variable["name"] for variable in container(deployment).get("env", [])}

        assert given, "no settings found"
        assert not unknown(given)

    def test_the_ingress_routes_every_api_and_page_path_to_a_pod_serving_it(
        self, overlay: str
    ) -> None:
        documents = render(overlay)
        services, deployments = of_kind(documents, "Service"), ours(documents)
        expected = {path for paths in PATHS.values() for path in paths}

        assert set(routed(documents)) == expected
        for module, api in ROUTES.items():
            assert api in PATHS[module]
        for who, pages in PAGE_ROUTES.items():  # the split helper's front routes alike
            assert set(pages) <= set(PATHS[who]), who
        for module, paths in PATHS.items():
            for path in paths:
                selector = services[routed(documents)[path]]["spec"]["selector"]
                serving = [
                    d for d in deployments.values()
                    if selects(selector, pod_labels(d)) and module in served(d, documents)
                ]  # fmt: skip
                assert serving, f"{path} goes to {routed(documents)[path]}, not serving {module}"

    def test_the_pods_read_the_secret_which_no_overlay_carries(self, overlay: str) -> None:
        documents = render(overlay)

        assert not of_kind(documents, "Secret")
        for deployment in ours(documents).values():
            sources = container(deployment)["envFrom"]
            assert {"secretRef": {"name": "ticketing-secrets"}} in sources


class TestSecretTemplate:
    template: Any = yaml.safe_load((DEPLOY / "base/shared/secret.template.yaml").read_text())

    def test_it_names_settings_the_app_reads_and_holds_no_value(self) -> None:
        values = self.template["stringData"]

        assert "TICKETING_JWT_KEY" in values
        assert not unknown(set(values))
        assert set(values.values()) == {""}

    def test_it_is_the_secret_the_pods_read(self) -> None:
        assert self.template["metadata"]["name"] == "ticketing-secrets"


class TestLocalServers:
    documents = render("local")

    def test_redis_fsyncs_every_write_on_a_persistent_volume(self) -> None:
        redis = of_kind(self.documents, "StatefulSet")["redis"]

        argv = command(redis)
        assert argv[argv.index("--appendonly") + 1] == "yes"
        assert argv[argv.index("--appendfsync") + 1] == "always"
        assert redis["spec"]["volumeClaimTemplates"]

    def test_mongo_is_the_replica_set_the_init_job_makes_and_the_url_names(self) -> None:
        mongo = of_kind(self.documents, "StatefulSet")["mongo"]
        init = of_kind(self.documents, "Job")["mongo-init"]
        url = config(self.documents)["TICKETING_MONGO_URL"]

        argv = command(mongo)
        replica_set = argv[argv.index("--replSet") + 1]
        script = command(init)[-1]
        assert f'_id: "{replica_set}"' in script
        assert f"replicaSet={replica_set}" in url
        assert "w=majority" in url and "journal=true" in url
        host = url.removeprefix("mongodb://").split("/")[0]
        assert f'host: "{host}"' in script
        assert mongo["spec"]["volumeClaimTemplates"]

    def test_the_modules_find_both_servers(self) -> None:
        values = config(self.documents)
        services = of_kind(self.documents, "Service")

        assert values["TICKETING_REDIS_URL"].startswith("redis://redis:6379/")
        assert "redis" in services and services["mongo"]["spec"]["clusterIP"] == "None"
