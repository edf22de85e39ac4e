"""docker/compose.yaml runs the split deployment the manifests describe, from an env file that git
and the image never see, with nothing usable as a default secret."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml

from app.registry import AVAILABLE
from app.split.deployment import ROUTES
from tests.deploy.known_settings import unknown
from tests.deploy.manifests import ROOT

DOCKER = ROOT / "docker"
COMPOSE: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def app_services() -> dict[str, dict[str, Any]]:
    """Services of our image (their `command` is what follows ENTRYPOINT ["ticketing"])."""
    return {name: s for name, s in SERVICES.items() if "docker/Dockerfile" in str(s.get("build"))}


class TestServices:
    def test_each_module_runs_alone_beside_the_worker_and_the_archive(self) -> None:
        commands = {name: s["command"] for name, s in app_services().items()}

        assert commands == {
            **{module: ["serve", "--modules", module] for module in AVAILABLE},
            "worker": ["worker"],
            "archive": ["archive", "run"],
        }
        assert SERVICES["orders"]["deploy"]["replicas"] >= 2

    def test_every_setting_given_is_one_the_app_reads(self) -> None:
        for name, service in app_services().items():
            settings = set(service["environment"])
            assert settings and not unknown(settings), name
            assert service["environment"]["TICKETING_BUS"] == "redis"

    def test_app_containers_run_locked_down(self) -> None:
        for name, service in app_services().items():
            assert service["read_only"] is True, name
            assert service["user"] == "10001:10001", name
            assert service["cap_drop"] == ["ALL"], name
            assert "no-new-privileges:true" in service["security_opt"], name

    @pytest.mark.parametrize("name", ["worker", "archive"])
    def test_a_process_without_api_is_health_checked_on_the_port_its_setting_names(
        self, name: str
    ) -> None:
        service = SERVICES[name]
        port = service["environment"]["TICKETING_HEALTH_PORT"]

        assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])

    def test_the_archive_keeps_its_data_dir_on_a_volume(self) -> None:
        assert "archive-data:/var/lib/ticketing" in SERVICES["archive"]["volumes"]


class TestFront:
    upstreams = dict(
        re.findall(r"set \$\w+ http://([\w-]+):(\d+);", (DOCKER / "nginx.conf").read_text())
    )

    def test_it_routes_to_the_modules_and_the_archive_at_the_ports_they_serve(self) -> None:
        archive_port = SERVICES["archive"]["environment"]["TICKETING_HEALTH_PORT"]

        assert self.upstreams == {**dict.fromkeys(ROUTES, "8000"), "archive": archive_port}
        assert all(SERVICES[name]["command"][:1] == ["serve"] for name in ROUTES)

    def test_it_starts_once_everything_it_routes_to_is_healthy(self) -> None:
        depends = SERVICES["front"]["depends_on"]

        assert depends == {name: {"condition": "service_healthy"} for name in self.upstreams}


class TestServers:
    def test_modules_start_once_the_replica_set_has_a_primary(self) -> None:
        init = SERVICES["mongo-init"]

        assert init["depends_on"]["mongo"]["condition"] == "service_healthy"
        assert "isWritablePrimary" in init["command"][-1]
        assert "healthcheck" in SERVICES["mongo"]
        for name, service in app_services().items():
            assert service["depends_on"]["mongo-init"] == {
                "condition": "service_completed_successfully"
            }, name
            assert service["depends_on"]["redis"] == {"condition": "service_healthy"}, name

    def test_redis_fsyncs_every_write(self) -> None:
        argv = SERVICES["redis"]["command"]

        assert argv[argv.index("--appendfsync") + 1] == "always"

    def test_the_data_network_is_internal(self) -> None:
        assert COMPOSE["networks"]["data"]["internal"] is True
        assert SERVICES["mongo"]["networks"] == ["data"]
        assert "data" not in SERVICES["front"]["networks"]


class TestSecrets:
    def test_the_key_has_no_default_and_stops_compose_when_unset(self) -> None:
        for name, service in app_services().items():
            value = service["environment"]["TICKETING_JWT_KEY"]
            assert re.fullmatch(r"\$\{TICKETING_JWT_KEY:\?[^}]+\}", value), name
            assert {"path": ".env", "required": True} in service["env_file"], name

    def test_the_example_file_holds_no_value_and_only_settings_the_app_reads(self) -> None:
        lines = (DOCKER / ".env.example").read_text().splitlines()
        assignments = dict(line.split("=", 1) for line in lines if line and line[0] != "#")

        assert "TICKETING_JWT_KEY" in assignments
        assert set(assignments.values()) == {""}
        assert not unknown(set(assignments))

    def test_the_env_file_stays_out_of_git_and_out_of_the_image(self) -> None:
        ignored = subprocess.run(
            ["git", "check-ignore", "--quiet", "docker/.env"], cwd=ROOT, check=False
        )
        lines = (ROOT / ".dockerignore").read_text().splitlines()
        rules = [line for line in lines if line and not line.startswith("#")]
        let_in = [rule[1:] for rule in rules if rule.startswith("!")]

        assert ignored.returncode == 0
        assert rules[0] == "*"  # everything is left out but what is let back in
        assert let_in and not [path for path in let_in if path.startswith(".")]
