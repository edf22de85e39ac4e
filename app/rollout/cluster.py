"""The Deployments of a rendered overlay as local pods, behind a front routing by its Ingress,
rolled and scaled the way the Deployment controller does it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.embedded.process import ChildServer, free_port
from app.rollout.manifests import Backend, Workload
from app.rollout.pods import LOCAL_HOST, Pod, start_pod
from app.split.deployment import FRONT_ROUTES, start_front
from app.split.front import Routes, write_routes

# How long an ingress takes to stop sending to a pod it was told is going, before the pod hears
# SIGTERM. The front re-reads its table every 50 ms; Kubernetes gives no such promise, which is
# why the pods also finish the requests they hold after SIGTERM.
ENDPOINTS_PROPAGATION = 0.3


@dataclass
class Stopped:
    pod: str
    exit_code: int | None
    seconds: float


@dataclass
class LocalCluster:
    workloads: dict[str, Workload]
    ingress: dict[str, Backend]  # path -> a Deployment's pods, at one of their ports
    root: Path
    env: dict[str, str]  # what every pod gets on top of its manifest (the Secret, overrides)
    log: Callable[[str], None] = print
    pods: dict[str, list[Pod]] = field(default_factory=dict)  # ready ones, by Deployment
    stopped: list[Stopped] = field(default_factory=list)
    revisions: dict[str, int] = field(default_factory=dict)
    front_port: int = 0
    _front: ChildServer | None = None
    _publishing: threading.Lock = field(default_factory=threading.Lock)
    # Children die with the thread that started them (PR_SET_PDEATHSIG): pods are started by
    # one thread that lives as long as the cluster, not by the short-lived rolling threads.
    _spawner: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1))

    @property
    def base_url(self) -> str:
        return f"http://{LOCAL_HOST}:{self.front_port}"

    def start(self) -> None:
        """Every Deployment's replicas at once, as an apply does; the front once they are ready."""

        def start_replicas(name: str) -> None:
            self.scale(name, self.workloads[name].replicas)

        with ThreadPoolExecutor(max_workers=len(self.workloads)) as pool:
            list(pool.map(start_replicas, self.workloads))
        self.front_port = self.front_port or free_port()
        self._front = start_front(self.root, LOCAL_HOST, self.front_port, self._routes())

    def stop(self) -> None:
        if self._front:
            self._front.stop()
        every = [pod for pods in self.pods.values() for pod in pods]
        self.pods = {}
        for pod in every:
            pod.process.kill()
        self._spawner.shutdown()

    def scale(self, name: str, replicas: int) -> None:
        """Up: start the missing pods and route to each once ready. Down: the newest go first."""
        running = self.pods.setdefault(name, [])
        if replicas > len(running):
            self._add(name, replicas - len(running))
        else:
            self._remove(name, running[replicas:])

    def roll(self, name: str) -> float:
        """A new revision of the pod template, rolled within maxSurge and maxUnavailable;
        the seconds it took."""
        began = time.monotonic()
        workload = self.workloads[name]
        self.revisions[name] = self.revisions.get(name, 1) + 1
        old = list(self.pods[name])
        replicas, new = len(old), 0
        while old:
            stoppable = len(old) + new - (replicas - workload.max_unavailable)
            if stoppable > 0:
                going, old = old[:stoppable], old[stoppable:]
                self._remove(name, going)
            startable = min(replicas + workload.max_surge - len(old) - new, replicas - new)
            if startable > 0:
                self._add(name, startable)
                new += startable
            elif stoppable <= 0:
                raise RuntimeError(f"{name}: maxSurge and maxUnavailable are both 0")
        return time.monotonic() - began

    def _add(self, name: str, count: int) -> None:
        revision = f"r{self.revisions.setdefault(name, 1)}"
        workload = self.workloads[name]
        spawning = [
            self._spawner.submit(start_pod, workload, revision, self.env, self.root)
            for _ in range(count)
        ]
        started = [future.result() for future in spawning]
        try:
            with ThreadPoolExecutor(max_workers=count) as pool:
                for pod, seconds in zip(started, pool.map(Pod.wait_ready, started), strict=True):
                    self.log(f"  {pod.name} ready in {seconds:.1f} s")
        except BaseException:
            for pod in started:  # never ready, never routed to: nothing else would stop them
                pod.process.kill()
            raise
        self.pods[name] = [*self.pods[name], *started]
        self._publish()

    def _remove(self, name: str, going: list[Pod]) -> None:
        """Out of the front's table first, then SIGTERM, the grace period, SIGKILL."""
        self.pods[name] = [pod for pod in self.pods[name] if pod not in going]
        self._publish()
        time.sleep(ENDPOINTS_PROPAGATION)
        with ThreadPoolExecutor(max_workers=len(going)) as pool:
            list(pool.map(self._terminate, going))

    def _terminate(self, pod: Pod) -> None:
        began = time.monotonic()
        code = pod.terminate()
        seconds = time.monotonic() - began
        self.stopped.append(Stopped(pod.name, code, seconds))
        self.log(f"  {pod.name} stopped in {seconds:.1f} s, exit code {code}")

    def _routes(self) -> Routes:
        return {
            path: [pod.url(backend.port) for pod in self.pods.get(backend.deployment, [])]
            for path, backend in self.ingress.items()
        }

    def _publish(self) -> None:
        """Deployments roll side by side: one table at a time, each from the latest pods."""
        with self._publishing:
            if self._front:
                write_routes(self.root / FRONT_ROUTES, self._routes())
