"""A session signing key anyone could guess stops start-up; a broken key file never means a 500."""

from __future__ import annotations

import stat
import uuid

import pytest

from tests.processes.serving import Launcher, free_port, run

pytestmark = pytest.mark.processes

MIN_KEY_BYTES = 32

COMPOSE_PLACEHOLDER = "change-me-to-a-long-random-string"


class TestConfiguredKey:
    @pytest.mark.parametrize(
        "key",
        ["", "a", "0123456789abcdef0123456789abcde", COMPOSE_PLACEHOLDER, "secret" * 8],
        ids=["empty", "one-byte", "31-bytes", "compose-placeholder", "repeated-word"],
    )
    def test_a_short_or_placeholder_key_stops_start_up_naming_the_variable_not_the_key(
        self, launcher: Launcher, key: str
    ) -> None:
        result = run(launcher.workdir, "serve", "--port", str(free_port()), TICKETING_JWT_KEY=key)

        assert result.returncode == 2, result.stderr
        assert "TICKETING_JWT_KEY" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(key) < 2 or key not in result.stderr
        assert not (launcher.workdir / "data").exists()

    def test_a_long_random_key_is_accepted(self, launcher: Launcher) -> None:
        serving = launcher.start(TICKETING_JWT_KEY=uuid.uuid4().hex + uuid.uuid4().hex)

        with serving.client() as http:
            assert http.get("/api/users/currentuser").status_code == 200


class TestLocalKeyFile:
    def test_the_generated_key_is_long_and_readable_by_its_owner_only(
        self, launcher: Launcher
    ) -> None:
        launcher.start()

        key_file = launcher.workdir / "data" / "jwt.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert len(key_file.read_text().strip()) >= MIN_KEY_BYTES
        assert [p.name for p in key_file.parent.iterdir() if p.name.endswith(".tmp")] == []

    def test_an_empty_key_file_left_by_a_crash_is_replaced_and_sign_up_works(
        self, launcher: Launcher
    ) -> None:
        key_file = launcher.workdir / "data" / "jwt.key"
        key_file.parent.mkdir(parents=True)
        key_file.touch(mode=0o600)

        serving = launcher.start()
        with serving.client() as http:
            email = f"key-{uuid.uuid4().hex[:8]}@example.com"
            signup = http.post("/api/users/signup", json={"email": email, "password": "secret12"})
            current = http.get("/api/users/currentuser")

        assert signup.status_code == 201, signup.text
        assert current.json()["currentUser"]["email"] == email
        assert len(key_file.read_text().strip()) >= MIN_KEY_BYTES

    def test_a_weak_key_file_stops_start_up_naming_the_file_and_what_to_do(
        self, launcher: Launcher
    ) -> None:
        key_file = launcher.workdir / "data" / "jwt.key"
        key_file.parent.mkdir(parents=True)
        key_file.write_text("short\n")

        result = run(launcher.workdir, "serve", "--port", str(free_port()))

        assert result.returncode == 2, result.stderr
        assert str(key_file) in result.stderr
        assert "delete the file" in result.stderr
        assert "Traceback" not in result.stderr
        assert key_file.read_text() == "short\n"
