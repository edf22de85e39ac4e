"""Every pod is locked down, probed, bounded and spread; rollouts and drains never drop capacity;
traffic reaches the pods only from the ingress controller and leaves only for DNS and servers."""

from __future__ import annotations

import pytest

from app.rollout.manifests import ingress_routes
from tests.deploy.manifests import (
    OVERLAYS,
    SINGLETONS,
    Document,
    command,
    container,
    of_kind,
    ours,
    pod_labels,
    pod_spec,
    render,
    replicas,
    selects,
    workloads,
)


def port_numbers(workload: Document) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for p in container(workload).get("ports", [])}


@pytest.mark.parametrize("overlay", OVERLAYS)
class TestEveryPod:
    def test_runs_non_root_read_only_unprivileged_with_the_default_seccomp(
        self, overlay: str
    ) -> None:
        for name, workload in workloads(render(overlay)).items():
            pod, box = pod_spec(workload), container(workload)["securityContext"]
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["securityContext"]["runAsUser"] >= 10000, name
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
            assert pod["automountServiceAccountToken"] is False, name
            assert box["readOnlyRootFilesystem"] is True, name
            assert box["allowPrivilegeEscalation"] is False, name
            assert box["capabilities"] == {"drop": ["ALL"]}, name

    def test_asks_for_and_is_bounded_in_cpu_and_memory(self, overlay: str) -> None:
        for name, workload in workloads(render(overlay)).items():
            resources = container(workload)["resources"]
            assert set(resources["requests"]) == {"cpu", "memory"}, name
            assert set(resources["limits"]) == {"cpu", "memory"}, name

    def test_ours_are_probed_on_healthz_and_readyz_at_a_port_they_open(self, overlay: str) -> None:
        for name, deployment in ours(render(overlay)).items():
            box, ports = container(deployment), port_numbers(deployment)
            assert box["startupProbe"]["httpGet"]["path"] == "/healthz", name
            assert box["livenessProbe"]["httpGet"]["path"] == "/healthz", name
            assert box["readinessProbe"]["httpGet"]["path"] == "/readyz", name
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert box[probe]["httpGet"]["port"] in ports, name

    def test_processes_without_api_are_probed_on_the_port_their_setting_names(
        self, overlay: str
    ) -> None:
        deployments = ours(render(overlay))
        health_only = [d for d in deployments.values() if command(d)[1] != "serve"]
        if not health_only:
            assert overlay == "monolith"  # its worker and archive run inside `ticketing serve`
        for deployment in health_only:
            env = {v["name"]: v.get("value") for v in container(deployment)["env"]}
            port = container(deployment)["readinessProbe"]["httpGet"]["port"]

            assert port_numbers(deployment)[port] == int(env["TICKETING_HEALTH_PORT"])

    def test_ours_are_scraped_by_prometheus_on_a_port_they_open(self, overlay: str) -> None:
        for name, deployment in ours(render(overlay)).items():
            annotations = deployment["spec"]["template"]["metadata"]["annotations"]
            assert annotations["prometheus.io/scrape"] == "true", name
            assert annotations["prometheus.io/path"] == "/metrics", name
            assert int(annotations["prometheus.io/port"]) in port_numbers(deployment).values()

    def test_ours_keep_writable_data_and_tmp_on_volumes(self, overlay: str) -> None:
        for name, deployment in ours(render(overlay)).items():
            mounts = {m["mountPath"] for m in container(deployment)["volumeMounts"]}
            assert mounts == {"/var/lib/ticketing", "/tmp"}, name


@pytest.mark.parametrize("overlay", OVERLAYS)
class TestAvailability:
    def test_a_rollout_starts_the_new_pod_before_stopping_an_old_one(self, overlay: str) -> None:
        for name, deployment in of_kind(render(overlay), "Deployment").items():
            strategy = deployment["spec"]["strategy"]
            assert strategy["type"] == "RollingUpdate", name
            assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
            assert strategy["rollingUpdate"]["maxSurge"] >= 1, name

    def test_every_deployment_has_a_disruption_budget_that_never_blocks_a_drain(
        self, overlay: str
    ) -> None:
        documents = render(overlay)
        budgets = of_kind(documents, "PodDisruptionBudget").values()
        for name, deployment in of_kind(documents, "Deployment").items():
            covering = [
                b for b in budgets
                if selects(b["spec"]["selector"]["matchLabels"], pod_labels(deployment))
            ]  # fmt: skip
            assert len(covering) == 1, name
            assert covering[0]["spec"] == {**covering[0]["spec"], "maxUnavailable": 1}, name

    def test_each_http_module_scales_from_its_replicas_up(self, overlay: str) -> None:
        documents = render(overlay)
        deployments = of_kind(documents, "Deployment")
        scaled = {}
        for autoscaler in of_kind(documents, "HorizontalPodAutoscaler").values():
            target = autoscaler["spec"]["scaleTargetRef"]
            assert target["kind"] == "Deployment" and target["name"] in deployments
            scaled[target["name"]] = autoscaler["spec"]
        routed = {backend.deployment for backend in ingress_routes(documents).values()}
        for target in routed - SINGLETONS:
            spec = scaled[target]
            assert spec["maxReplicas"] > spec["minReplicas"] >= 2, target

    def test_a_singleton_runs_one_replica_and_never_scales(self, overlay: str) -> None:
        documents = render(overlay)
        scaled = {
            a["spec"]["scaleTargetRef"]["name"]
            for a in of_kind(documents, "HorizontalPodAutoscaler").values()
        }
        present = SINGLETONS & set(of_kind(documents, "Deployment"))
        assert present or overlay == "monolith"  # its archive runs inside `ticketing serve`
        for name in present:
            assert replicas(documents, name) == 1 and name not in scaled, name

    def test_apply_never_resets_what_an_autoscaler_scaled(self, overlay: str) -> None:
        documents = render(overlay)
        scaled = {
            a["spec"]["scaleTargetRef"]["name"]
            for a in of_kind(documents, "HorizontalPodAutoscaler").values()
        }
        for name, deployment in of_kind(documents, "Deployment").items():
            assert ("replicas" in deployment["spec"]) == (name not in scaled), name

    def test_replicas_spread_over_nodes_and_zones(self, overlay: str) -> None:
        for name, deployment in ours(render(overlay)).items():
            constraints = pod_spec(deployment)["topologySpreadConstraints"]
            keys = {c["topologyKey"] for c in constraints}
            assert keys == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}, name
            for constraint in constraints:
                own = constraint["labelSelector"]["matchLabels"]
                assert selects(own, pod_labels(deployment)), name
                assert "app.kubernetes.io/component" in own, name

    def test_the_grace_period_outlasts_the_apps_own_stop_deadlines(self, overlay: str) -> None:
        for name, deployment in ours(render(overlay)).items():
            assert pod_spec(deployment)["terminationGracePeriodSeconds"] >= 30, name


@pytest.mark.parametrize("overlay", OVERLAYS)
class TestNetwork:
    def policies_for(self, documents: list[Document], labels: dict[str, str]) -> list[Document]:
        return [
            p["spec"] for p in of_kind(documents, "NetworkPolicy").values()
            if selects(p["spec"]["podSelector"]["matchLabels"], labels)
        ]  # fmt: skip

    def test_every_pod_is_under_a_policy_for_both_directions(self, overlay: str) -> None:
        documents = render(overlay)
        for name, workload in workloads(documents).items():
            types = {
                t
                for p in self.policies_for(documents, pod_labels(workload))
                for t in p["policyTypes"]
            }
            assert types == {"Ingress", "Egress"}, name

    def test_http_is_open_only_to_the_ingress_controller_and_prometheus(self, overlay: str) -> None:
        documents = render(overlay)
        for name, deployment in ours(documents).items():
            for policy in self.policies_for(documents, pod_labels(deployment)):
                for rule in policy.get("ingress", []):
                    (peer,) = rule["from"]
                    namespace = peer["namespaceSelector"]["matchLabels"]
                    assert namespace["kubernetes.io/metadata.name"] in {
                        "ingress-nginx",
                        "monitoring",
                    }, name

    def test_the_ingress_controller_reaches_the_ports_routed_to_and_beyond_http_no_other(
        self, overlay: str
    ) -> None:
        documents = render(overlay)
        controller = {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
        }
        deployments = ours(documents)
        routed = {(b.deployment, b.port) for b in ingress_routes(documents).values()}
        for name, deployment in deployments.items():
            opened = {
                port["port"]
                for policy in self.policies_for(documents, pod_labels(deployment))
                for rule in policy.get("ingress", [])
                if rule["from"] == [controller]
                for port in rule["ports"]
            }
            here = {port for routed_to, port in routed if routed_to == name}
            assert here <= opened <= here | {"http"}, name

    def test_ours_reach_only_dns_the_servers_and_payments_its_provider(self, overlay: str) -> None:
        documents = render(overlay)
        for name, deployment in ours(documents).items():
            ports = {
                port["port"]
                for policy in self.policies_for(documents, pod_labels(deployment))
                for rule in policy.get("egress", [])
                for port in rule["ports"]
            }
            allowed = {53, 27017, 6379, 5432}  # DNS, Mongo, Redis, the archive's PostgreSQL
            if "ticketing/payment-provider" in pod_labels(deployment):
                allowed.add(443)
            assert ports == allowed, name
