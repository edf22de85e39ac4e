"""`ticketing serve` refuses a bad configuration and serves only the modules it is asked to."""

from __future__ import annotations

import pytest

from tests.processes.serving import Launcher, free_port, run

pytestmark = pytest.mark.processes


class TestInvalidSettings:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("TICKETING_ORDER_TTL", "abc"),
            ("TICKETING_PORT", "99999"),
            ("TICKETING_BUS", "kafka"),
        ],
    )
    def test_an_invalid_value_stops_start_up_with_exit_code_2_naming_the_variable(
        self, launcher: Launcher, variable: str, value: str
    ) -> None:
        result = run(launcher.workdir, "serve", **{variable: value})

        assert result.returncode == 2, result.stderr
        assert variable in result.stderr
        assert "Traceback" not in result.stderr
        assert not (launcher.workdir / "data").exists()

    def test_an_external_mongo_without_a_jwt_key_is_refused_naming_the_key(
        self, launcher: Launcher
    ) -> None:
        result = run(
            launcher.workdir,
            "serve",
            TICKETING_MONGO_URL="mongodb://127.0.0.1:1/?retryWrites=false",
        )

        assert result.returncode == 2, result.stderr
        assert "TICKETING_JWT_KEY" in result.stderr
        assert "Traceback" not in result.stderr


class TestModules:
    def test_serving_only_auth_answers_tickets_routes_with_404_in_the_error_format(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start("--modules", "auth")

        with serving.client() as http:
            tickets = http.get("/api/tickets")
            current = http.get("/api/users/currentuser")

        assert "serving auth on" in serving.output
        assert current.json() == {"currentUser": None}
        assert tickets.status_code == 404
        assert tickets.json() == {"errors": [{"message": "Not Found"}]}

    def test_an_unknown_module_name_exits_2_naming_it_and_the_choices(
        self, launcher: Launcher
    ) -> None:
        result = run(
            launcher.workdir, "serve", "--port", str(free_port()), "--modules", "auth,nope"
        )

        assert result.returncode == 2, result.stderr
        assert "unknown module(s): nope" in result.stderr
        assert "auth, tickets, orders, payments, expiration" in result.stderr
        assert not (launcher.workdir / "data").exists()
