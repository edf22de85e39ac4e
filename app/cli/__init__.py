"""`ticketing` command line: serve, worker, dead letters, bus status, the event archive, the
local split deployment."""

from __future__ import annotations

import argparse
import sys

from app.cli import archive, dev, events, operate, serve, worker
from app.embedded import DataDirBusy, ServerStartError
from app.settings import SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ticketing", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for command in (serve, worker, operate, archive, events, dev):
        command.register(commands)
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except (SettingsError, DataDirBusy, ServerStartError, ValueError) as error:
        print(f"ticketing: {error}", file=sys.stderr)
        return 2
