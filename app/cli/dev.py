"""`ticketing dev split`: the whole split deployment as local processes, behind one URL.

Every TICKETING_* setting it is given reaches every process it starts; it sets
on top only what differs per process (port, instance, data subdirectory, the
Redis bus, which process runs the dramatiq worker).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path
from typing import Any

from app.cli import rollout
from app.settings import Settings, SettingsError, load_settings
from app.split.deployment import SplitDeployment

DEFAULT_DATA_DIR = Path(".ticketing-split")


def register(commands: Any) -> None:
    dev = commands.add_parser("dev", help="developer tools")
    actions = dev.add_subparsers(required=True, metavar="ACTION")
    split = actions.add_parser("split", help="run every module as its own process (Redis bus)")
    split.add_argument("--port", type=int, help="the front's port (TICKETING_PORT, default 8000)")
    split.add_argument(
        "--data-dir",
        type=Path,
        help=f"servers' data and logs (TICKETING_DATA_DIR, default {DEFAULT_DATA_DIR})",
    )
    split.set_defaults(run=run)
    rollout.register(actions)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()  # refuses a bad value before anything starts, naming it
    if settings.bus != "redis" and "bus" in settings.model_fields_set:
        raise SettingsError("TICKETING_BUS: the split deployment runs on the Redis bus; unset it")
    data_dir = args.data_dir or (
        settings.data_dir if "data_dir" in settings.model_fields_set else DEFAULT_DATA_DIR
    )
    deployment = SplitDeployment(
        data_dir,
        front_port=args.port or settings.port,
        front_host=settings.host,
        settings=given_settings(settings),
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    deployment.start()
    try:
        print(f"ticketing: split deployment on {deployment.base_url}", flush=True)
        for name, process in deployment.processes.items():
            print(f"  {name:<14} pid {process.pid}", flush=True)
        print(f"  logs in {data_dir / 'logs'}; Ctrl-C stops everything", flush=True)
        stop.wait()
    finally:
        deployment.stop()
    return 0


def given_settings(settings: Settings) -> dict[str, str]:
    """The caller's TICKETING_* variables, and the servers and key a `.env` file names."""
    given = {key: value for key, value in os.environ.items() if key.startswith("TICKETING_")}
    from_file = {
        "TICKETING_MONGO_URL": settings.mongo_url,
        "TICKETING_REDIS_URL": settings.redis_url,
        "TICKETING_JWT_KEY": settings.jwt_key.get_secret_value() if settings.jwt_key else None,
    }
    return {key: value for key, value in from_file.items() if value} | given
