"""One pod of a Deployment as a local process: the manifest's command and environment, probed
and stopped the way the kubelet does it.

What a pod cannot keep on one machine is overridden, each override named here:
its address (`--host` is loopback: only the rehearsal's front faces callers),
its ports (every container port gets a free local one, in `--port` and in
TICKETING_HEALTH_PORT), its data directory (the pod's `emptyDir`: a directory
of its own, TICKETING_DATA_DIR), and `ticketing`, found in this interpreter's
venv as the image finds it on its PATH. The rest of the environment comes from the
cluster (its Secret and the overrides it states).
"""

from __future__ import annotations

import itertools
import os
import secrets
import string
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app.embedded.process import ChildServer, executable, free_port
from app.rollout.manifests import Probe, Workload

LOCAL_HOST = "127.0.0.1"
PORT_SETTINGS = ("TICKETING_HEALTH_PORT",)  # settings that name a container port


class PodFailed(RuntimeError):
    """A pod's startup probe failed past its threshold, or its process died."""


@dataclass
class Pod:
    name: str
    workload: Workload
    ports: dict[str, int]  # local port by container port name
    process: ChildServer
    started_at: float

    def url(self, port_name: str) -> str:
        return f"http://{LOCAL_HOST}:{self.ports[port_name]}"

    def probe(self, probe: Probe) -> bool:
        try:
            with urllib.request.urlopen(
                self.url(probe.port) + probe.path, timeout=probe.timeout
            ) as answer:
                return bool(200 <= answer.status < 400)
        except OSError:  # refused, timed out, or an HTTP error status
            return False

    def wait_ready(self) -> float:
        """Probe as the kubelet does; seconds from start to ready.

        The startup probe runs every period until it passes (its threshold of
        failures in a row fails the pod); the readiness probe ticks on its own
        period from the container's start and counts only once startup passed.
        """
        startup, readiness = self.workload.startup, self.workload.readiness
        failures = 0
        while not self.probe(startup):
            failures += 1
            if self.process.exited:
                raise PodFailed(f"{self.name}: exited before its startup probe passed")
            if failures >= startup.failures:
                raise PodFailed(f"{self.name}: startup probe failed {failures} times in a row")
            self._sleep_until_tick(startup.period)
        while True:
            self._sleep_until_tick(readiness.period)
            if self.process.exited:
                raise PodFailed(f"{self.name}: exited before it was ready")
            if self.probe(readiness):
                return time.monotonic() - self.started_at

    def terminate(self) -> int | None:
        """SIGTERM, then SIGKILL past terminationGracePeriodSeconds; the exit code."""
        return self.process.stop(timeout=self.workload.grace)

    def _sleep_until_tick(self, period: float) -> None:
        elapsed = time.monotonic() - self.started_at
        time.sleep(period - elapsed % period)


def start_pod(workload: Workload, revision: str, env: dict[str, str], root: Path) -> Pod:
    """Start one pod of `workload` (its process only: `wait_ready` probes it); its data
    directory and log go under `root`."""
    name = f"{workload.name}-{revision}-{_suffix()}"
    ports = {port_name: free_port() for port_name in workload.ports}
    local = {workload.ports[n]: p for n, p in ports.items()}  # container port -> local port
    pod_env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
    pod_env |= workload.env | env | {variable: name for variable in workload.pod_name_variables}
    pod_env["TICKETING_DATA_DIR"] = str(root / "pods" / name)
    for setting in PORT_SETTINGS:
        if setting in pod_env:
            pod_env[setting] = str(local[int(pod_env[setting])])
    process = ChildServer(
        name, local_argv(workload.argv, local), root / "logs" / f"{name}.log", pod_env
    )
    started_at = time.monotonic()
    process.start(ready=lambda: True)
    return Pod(name, workload, ports, process, started_at)


def local_argv(argv: list[str], local: dict[int, int]) -> list[str]:
    """The manifest's command with `ticketing` resolved, loopback, and the local ports."""
    argv_here = [executable(argv[0]) if argv[0] == "ticketing" else argv[0]]
    for previous, part in itertools.pairwise(argv):
        if previous == "--host":
            part = LOCAL_HOST
        elif previous == "--port":
            part = str(local[int(part)])
        argv_here.append(part)
    return argv_here


def _suffix() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(5))
