"""The data directory is its owner's alone, and the embedded Redis wants the password in our URL."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from tests.processes.serving import Launcher, run

pytestmark = pytest.mark.processes


def readable_by_others(root: Path) -> list[str]:
    """Everything under `root` (itself included) that group or other may read, write or enter."""
    entries = (root, *root.rglob("*"))
    return [f"{oct(mode)} {entry}" for entry in entries if (mode := entry.lstat().st_mode) & 0o077]


def embedded_redis_url(data_dir: Path) -> str:
    return str(json.loads((data_dir / "endpoints.json").read_text())["redis_url"])


class TestFileModes:
    def test_every_file_and_directory_of_a_serving_data_dir_is_private(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start()
        with serving.client() as http:  # some writes, so the database files exist
            http.post("/api/users/signup", json={"email": "m@example.com", "password": "secret12"})
        data_dir = launcher.workdir / "data"

        assert {"jwt.key", "endpoints.json", "mongo", "redis", "logs"} <= {
            entry.name for entry in data_dir.iterdir()
        }
        assert len(list(data_dir.rglob("*"))) > 20
        assert readable_by_others(data_dir) == []

    def test_a_data_dir_left_world_readable_by_an_older_version_is_made_private(
        self, launcher: Launcher
    ) -> None:
        data_dir = launcher.workdir / "data"
        (data_dir / "mongo").mkdir(parents=True, mode=0o755)
        data_dir.chmod(0o755)
        (data_dir / "mongo" / "notes.txt").write_text("every email")
        (data_dir / "mongo" / "notes.txt").chmod(0o644)

        launcher.start()

        assert readable_by_others(data_dir) == []


@pytest.fixture(scope="class")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """One `ticketing serve` running, for the tests that only look at it (a start costs
    seconds); what a test starts on its own is not in the way of another's."""
    launcher = Launcher(tmp_path_factory.mktemp("served"))
    try:
        launcher.start()
        yield launcher
    finally:
        launcher.kill_all()


class TestRedisPassword:
    def test_the_embedded_redis_refuses_a_client_without_the_password(
        self, served: Launcher
    ) -> None:
        url = urlsplit(embedded_redis_url(served.workdir / "data"))
        assert url.port and url.password

        with (
            redis.Redis(host="127.0.0.1", port=url.port) as anonymous,
            pytest.raises(redis.AuthenticationError),
        ):
            anonymous.get("anything")
        with redis.Redis.from_url(url.geturl()) as ours:
            assert ours.ping()

    def test_the_password_is_kept_private_in_the_data_dir_and_not_on_a_command_line(
        self, served: Launcher
    ) -> None:
        [serving] = served.started
        data_dir = served.workdir / "data"
        password = urlsplit(embedded_redis_url(data_dir)).password
        assert password

        password_file = data_dir / "redis.password"
        assert password_file.read_text().strip() == password
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        for child in serving.children:
            assert password not in Path(f"/proc/{child.pid}/cmdline").read_text()

    def test_operator_commands_attach_to_the_running_servers_with_the_password(
        self, served: Launcher
    ) -> None:
        result = run(served.workdir, "bus", "status")

        assert result.returncode == 0, result.stderr
        assert "nothing in flight" in result.stdout

    def test_the_password_survives_a_restart_so_the_redis_data_stays_reachable(
        self, launcher: Launcher
    ) -> None:
        first = launcher.start()
        before = urlsplit(embedded_redis_url(launcher.workdir / "data")).password
        with redis.Redis.from_url(embedded_redis_url(launcher.workdir / "data")) as client:
            client.set("kept", "yes")
        assert first.stop() == 0, first.output

        launcher.start()
        url = embedded_redis_url(launcher.workdir / "data")

        assert urlsplit(url).password == before
        with redis.Redis.from_url(url) as client:
            assert client.get("kept") == b"yes"
