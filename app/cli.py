"""`ticketing` command line: serve the app (more commands join as the system grows)."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from app.embedded import DataDirBusy, ServerStartError
from app.environment import local_environment
from app.factory import create_app
from app.registry import select_modules
from app.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except (SettingsError, DataDirBusy, ServerStartError, ValueError) as error:
        print(f"ticketing: {error}", file=sys.stderr)
        return 2


def serve(args: argparse.Namespace) -> int:
    overrides = {
        key: value for key in ("host", "port") if (value := getattr(args, key)) is not None
    }
    settings = load_settings(**overrides)
    modules = select_modules(args.modules)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with local_environment(settings) as endpoints:
        app = create_app(
            settings,
            modules,
            mongo_url=endpoints.mongo_url,
            redis_url=endpoints.redis_url,
            jwt_key=endpoints.jwt_key,
        )
        print(
            f"ticketing: serving {', '.join(m.name for m in modules)} "
            f"on http://{settings.host}:{settings.port}",
            flush=True,
        )
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            access_log=False,
            timeout_graceful_shutdown=10,
        )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ticketing", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    serve_parser = commands.add_parser("serve", help="serve the HTTP API and run the modules")
    serve_parser.add_argument("--host", help="bind address (TICKETING_HOST, default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port (TICKETING_PORT, default 8000)")
    serve_parser.add_argument(
        "--modules", help="comma-separated modules to run (default: all), e.g. auth,tickets"
    )
    serve_parser.set_defaults(command=serve)
    return parser


if __name__ == "__main__":
    sys.exit(main())
