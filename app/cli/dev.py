"""`ticketing dev split`: the whole split deployment as local processes, behind one URL."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Any

from app.split.deployment import SplitDeployment


def register(commands: Any) -> None:
    dev = commands.add_parser("dev", help="developer tools")
    actions = dev.add_subparsers(required=True, metavar="ACTION")
    split = actions.add_parser("split", help="run every module as its own process (Redis bus)")
    split.add_argument("--port", type=int, default=8000, help="the front's port (default 8000)")
    split.add_argument(
        "--data-dir", type=Path, default=Path(".ticketing-split"), help="servers' data and logs"
    )
    split.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    deployment = SplitDeployment(args.data_dir, front_port=args.port)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    deployment.start()
    try:
        print(f"ticketing: split deployment on {deployment.base_url}", flush=True)
        for name, process in deployment.processes.items():
            print(f"  {name:<14} pid {process.pid}", flush=True)
        print(f"  logs in {args.data_dir / 'logs'}; Ctrl-C stops everything", flush=True)
        stop.wait()
    finally:
        deployment.stop()
    return 0
