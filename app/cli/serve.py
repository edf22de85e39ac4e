"""`ticketing serve`: the HTTP API and the selected modules, in one process."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.lifecycle import Lifecycle, stop_on_sigterm_like_sigint
from app.environment import local_environment
from app.factory import create_app
from app.health import embedded_readiness
from app.observability import configure_logging, tracing
from app.registry import select_modules
from app.settings import load_module_settings, load_settings
from bus.archive import Archive, load_archive_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("serve", help="serve the HTTP API and run the modules")
    add_address_arguments(parser)
    parser.add_argument(
        "--modules", help="comma-separated modules to run (default: all), e.g. auth,tickets"
    )
    parser.set_defaults(run=run)


def add_address_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="bind address (TICKETING_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (TICKETING_PORT, default 8000)")


def address_settings(args: argparse.Namespace) -> dict[str, Any]:
    """`--host` and `--port` as settings overrides, where given."""
    given = {key: getattr(args, key, None) for key in ("host", "port")}
    return {key: value for key, value in given.items() if value is not None}


def run(args: argparse.Namespace) -> int:
    settings = load_settings(**address_settings(args))
    archive_settings = load_archive_settings()
    modules = select_modules(args.modules)
    module_settings = load_module_settings(modules)
    configure_logging(settings)
    stop_on_sigterm_like_sigint()
    names = [module.name for module in modules]
    service = "ticketing" if args.modules is None else "-".join(["ticketing", *names])
    with tracing(settings, service), local_environment(settings) as endpoints:
        lifecycle = Lifecycle(settings.shutdown_grace, endpoints.servers)
        # On the Redis bus the archive is a process of its own: `ticketing archive run`.
        archive = None
        if settings.bus == "inprocess":
            archive = Archive.from_settings(archive_settings, settings.data_dir)
        app = create_app(
            settings,
            modules,
            mongo_url=endpoints.mongo_url,
            redis_url=endpoints.redis_url,
            jwt_key=endpoints.jwt_key,
            module_settings=module_settings,
            readiness=embedded_readiness(endpoints.servers),
            archive=archive,
        )
        print(
            f"ticketing: serving {', '.join(names)} on http://{settings.host}:{settings.port}",
            flush=True,
        )
        return lifecycle.serve(
            app, host=settings.host, port=settings.port, log_level=settings.log_level
        )
