"""`ticketing dev rollout`: the rollout rehearsal, from a checkout of the repository.

It renders an overlay (default `microservices`) with `kubectl kustomize`, runs
its Deployments as local processes behind a front routing by its Ingress,
rolls every one of them and scales orders under a purchase load, and prints
what it measured. Exit code 1 when a request failed or an event was lost,
applied twice or left pending.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from app.rollout import Rehearsal, report


def register(actions: Any) -> None:
    rollout = actions.add_parser(
        "rollout", help="run an overlay's Deployments as processes and roll them under load"
    )
    rollout.add_argument("--deploy-dir", type=Path, default=Path("deploy"), help="default: deploy")
    rollout.add_argument("--overlay", default="microservices", help="default: microservices")
    rollout.add_argument("--buyers", type=int, default=4, help="concurrent buyers (default 4)")
    rollout.add_argument(
        "--data-dir", type=Path, help="servers, pods' data and logs (default: a temporary dir)"
    )
    rollout.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not (args.deploy_dir / "overlays" / args.overlay).is_dir():
        raise ValueError(f"no overlay {args.overlay!r} under {args.deploy_dir}/overlays")
    if args.data_dir:
        return _rehearse(args, args.data_dir)
    with tempfile.TemporaryDirectory(prefix="ticketing-rollout-") as root:
        return _rehearse(args, Path(root))


def _rehearse(args: argparse.Namespace, root: Path) -> int:
    rehearsal = Rehearsal(args.deploy_dir, args.overlay, root, buyers=args.buyers)
    figures = rehearsal.run()
    print(report(figures), flush=True)
    return 0 if figures.clean else 1
