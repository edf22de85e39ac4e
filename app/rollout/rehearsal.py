"""The rollout rehearsal: an overlay's Deployments as local pods under a purchase load, every one
rolled to a new revision the way Kubernetes would, orders scaled up and down, then audited."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from app.embedded import EmbeddedServers
from app.rollout.cluster import LocalCluster
from app.rollout.load import Buyer, Tally
from app.rollout.manifests import ingress_routes, render, workloads
from app.rollout.verify import Audit, audit, wait_drained, wait_settled
from bus.archive import ArchiveSettings

SECRET_TEMPLATE = Path("base/shared/secret.template.yaml")  # from deploy/
SCALED = "ticketing-orders"
DB_PREFIX = "ticketing"  # the settings' default: the manifests set none
WARM_UP = 2.0  # seconds of load before the first roll
# An order's timeline page, asked by a visitor: the archive answers 401 (sign in first), where a
# front without the route would answer its own 404.
TIMELINE, TIMELINE_TO_VISITOR = "/timeline/rehearsal", 401


def local_overrides(order_ttl: int) -> dict[str, str]:
    """What the rehearsal changes in the manifests' settings, and why; nothing else differs."""
    return {
        # Plain HTTP on loopback: the Ingress would terminate TLS, and a Secure cookie is
        # never sent back over http.
        "TICKETING_COOKIE_SECURE": "false",
        # Orders left unpaid expire within the rehearsal rather than in 15 minutes.
        "TICKETING_ORDER_TTL": str(order_ttl),
    }


@dataclass
class Figures:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)
    audit: Audit = field(default_factory=Audit)
    rolled: dict[str, float] = field(default_factory=dict)  # Deployment -> seconds
    roll_seconds: float = 0.0  # every Deployment, side by side
    scaled: str = ""  # orders' replicas: from the manifest's, up to 3, then down to 1
    scale_seconds: float = 0.0
    stopped: int = 0  # pods stopped by the rolls and the scale-down
    # Pods that did not exit 0 after SIGTERM: killed at the grace period, or gave up stopping.
    unclean: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        a = self.audit
        return (
            not (self.failures or a.unsettled or a.lost or a.duplicated or self.unclean)
            and not any(a.pending.values())
            and not a.dead_letters
        )


@dataclass
class Rehearsal:
    deploy_dir: Path  # the repository's deploy/
    overlay: str
    root: Path  # servers, pods' data dirs, logs
    buyers: int = 4
    pace: float = 0.3  # seconds each buyer waits between purchases
    order_ttl: int = 5
    log: Callable[[str], None] = print

    def run(self) -> Figures:
        documents = render(self.deploy_dir / "overlays" / self.overlay)
        servers = EmbeddedServers(self.root / "servers")
        servers.start(need_mongo=True, need_redis=True)
        secret = self._secret(servers)
        cluster = LocalCluster(
            workloads(documents, secret),
            ingress_routes(documents),
            self.root,
            local_overrides(self.order_ttl),
            log=self.log,
        )
        try:
            return self._rehearse(cluster, secret)
        finally:
            cluster.stop()
            servers.stop()

    def _rehearse(self, cluster: LocalCluster, secret: dict[str, str]) -> Figures:
        figures = Figures()
        self.log(f"starting {', '.join(cluster.workloads)}")
        cluster.start()
        tally, stopping = Tally(), threading.Event()
        buyers = [Buyer(cluster.base_url, tally, stopping, self.pace) for _ in range(self.buyers)]
        for buyer in buyers:
            buyer.start()
        try:
            time.sleep(WARM_UP)
            self._roll_and_scale(cluster, figures)
            self._read_a_timeline(cluster, tally)
        finally:
            stopping.set()
            for buyer in buyers:
                buyer.join()
        figures.requests, figures.failures = tally.requests, tally.failures
        figures.refusals = dict(tally.refusals)
        figures.stopped = len(cluster.stopped)
        figures.unclean = [f"{s.pod} exited {s.exit_code}" for s in cluster.stopped if s.exit_code]
        figures.audit = self._audit(secret, list(tally.orders))
        return figures

    def _roll_and_scale(self, cluster: LocalCluster, figures: Figures) -> None:
        self.log("rolling every Deployment to a new revision")
        began = time.monotonic()
        names = list(cluster.workloads)
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            figures.rolled = dict(zip(names, pool.map(cluster.roll, names), strict=True))
        figures.roll_seconds = time.monotonic() - began
        figures.scaled = f"{len(cluster.pods[SCALED])} -> 3 -> 1"
        self.log(f"scaling {SCALED} {figures.scaled}")
        began = time.monotonic()
        cluster.scale(SCALED, 3)
        cluster.scale(SCALED, 1)
        figures.scale_seconds = time.monotonic() - began

    def _read_a_timeline(self, cluster: LocalCluster, tally: Tally) -> None:
        """The front routes /timeline to the archive's pods (the port its Service names)."""
        answer = httpx.get(cluster.base_url + TIMELINE, timeout=10)
        if answer.status_code != TIMELINE_TO_VISITOR:
            tally.fail(f"{TIMELINE}: {answer.status_code} {answer.text[:200]}, not the archive's")

    def _audit(self, secret: dict[str, str], orders: list[str]) -> Audit:
        self.log(f"waiting for {len(orders)} orders to end and the bus to drain")
        mongo, redis = secret["TICKETING_MONGO_URL"], secret["TICKETING_REDIS_URL"]
        unsettled = wait_settled(mongo, DB_PREFIX, orders, timeout=self.order_ttl + 60)
        rows, dead = wait_drained(redis, DB_PREFIX, timeout=60)
        archive = ArchiveSettings(url=secret["TICKETING_ARCHIVE_URL"]).database_url(self.root)
        result = audit(mongo, DB_PREFIX, archive, orders)
        result.unsettled = unsettled
        result.pending = {f"{r.subject}/{r.group}": r.pending for r in rows}
        result.dead_letters = dead
        return result

    def _secret(self, servers: EmbeddedServers) -> dict[str, str]:
        """What `kubectl create secret` would hold here: the keys the template lists, filled."""
        template = yaml.safe_load((self.deploy_dir / SECRET_TEMPLATE).read_text())
        secret = {
            "TICKETING_JWT_KEY": secrets.token_urlsafe(48),
            "TICKETING_MONGO_URL": servers.mongo_url or "",
            "TICKETING_REDIS_URL": servers.redis_url or "",
            # One store for every archive pod, as PostgreSQL would be; SQLite here.
            "TICKETING_ARCHIVE_URL": f"sqlite:///{(self.root / 'archive.sqlite3').resolve()}",
        }
        unknown = set(secret) - set(template["stringData"])
        if unknown:
            raise ValueError(f"the Secret template has no {', '.join(sorted(unknown))}")
        return secret


def report(figures: Figures) -> str:
    a = figures.audit
    lines = [
        f"requests        {figures.requests}",
        f"failures        {len(figures.failures)}",
        f"refusals        {sum(figures.refusals.values())} "
        + (str(figures.refusals) if figures.refusals else ""),
        f"orders          {a.orders} (unsettled {len(a.unsettled)})",
        f"events archived {a.archived}",
        f"lost            {len(a.lost)}",
        f"duplicated      {len(a.duplicated)}",
        f"pending         {sum(a.pending.values())} over {len(a.pending)} subject/group pairs",
        f"dead letters    {a.dead_letters}",
        f"pods stopped    {figures.stopped} (not exiting 0 on SIGTERM: {len(figures.unclean)})",
        f"time to roll    {figures.roll_seconds:.1f} s (all side by side; "
        + ", ".join(
            f"{name.removeprefix('ticketing-')} {s:.1f} s" for name, s in figures.rolled.items()
        )
        + ")",
        f"time to scale   {figures.scale_seconds:.1f} s (orders {figures.scaled})",
    ]
    problems = [
        *figures.failures,
        *(f"order {order} neither complete nor cancelled" for order in a.unsettled),
        *a.lost,
        *a.duplicated,
        *figures.unclean,
    ]
    lines += [f"  ! {problem}" for problem in problems[:20]]
    return "\n".join(lines)
