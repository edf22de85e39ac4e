"""One process's life under uvicorn: serve until a signal or a dead server, exit within a grace.

A stop signal starts an orderly shutdown; so does the death of an embedded
server, but then the exit code is 1, so a supervisor (or Kubernetes) restarts
us instead of leaving a process that answers errors. Whatever the shutdown
waits on, the process is gone `grace` seconds after it began: past that it
says what it abandoned, stops the embedded servers and exits 1. A second
signal does the same at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from app.embedded import EmbeddedServers

log = logging.getLogger("ticketing.lifecycle")

STARTUP_FAILED = 3
# uvloop's event loop and httptools' C parser: h11's pure-Python parsing cost a quarter of a
# cheap request's CPU. Named rather than "auto", so a missing one fails at start-up.
FAST_PROTOCOLS: dict[str, Any] = {"loop": "uvloop", "http": "httptools"}


def stop_on_sigterm_like_sigint() -> None:
    """uvicorn re-raises SIGTERM after its graceful shutdown; with the default action that kills
    us before the embedded servers are stopped. As KeyboardInterrupt it unwinds like Ctrl-C."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


class Lifecycle:
    def __init__(self, grace: float, servers: EmbeddedServers | None = None):
        self.exit_code = 0
        self.phase = "starting"
        self._grace = grace
        self._servers = servers
        self._server_stop_budget = min(3.0, grace / 3)
        self._deadline: threading.Timer | None = None
        self._signals = 0
        self._abandoning = False
        self._lock = threading.RLock()  # a second signal may arrive while the first holds it
        self.loop: asyncio.AbstractEventLoop | None = None

    def serve(self, app: Any, *, host: str, port: int, log_level: str) -> int:
        """Run `app` on host:port until stopped; the exit code to return from the command."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level.lower(),
            log_config=None,  # its loggers propagate to ours: one format, with the context
            access_log=False,
            **FAST_PROTOCOLS,
            timeout_graceful_shutdown=max(1, int(min(10.0, self._grace / 3))),
        )
        server = _Server(config, self)
        if self._servers:
            self._servers.watch(lambda name, code: self._server_died(server, name, code))
        self.phase = "serving"
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the stop signal
            server.run()
        self.phase = "stopping the embedded servers"
        return self.exit_code if server.started else STARTUP_FAILED

    def signalled(self) -> None:
        with self._lock:
            self._signals += 1
            second = self._signals > 1
        if second:
            threading.Thread(target=self._abandon, args=("stopped twice",), daemon=True).start()
        else:
            self._begin_stopping()

    def _server_died(self, server: uvicorn.Server, name: str, code: int) -> None:
        log.error(
            "ticketing: embedded %s exited with code %s; no longer ready, stopping with exit "
            "code 1 so that a supervisor restarts us",
            name,
            code,
        )
        self.exit_code = 1
        server.should_exit = True
        self._begin_stopping()

    def _begin_stopping(self) -> None:
        with self._lock:
            if self._deadline is not None:
                return
            self.phase = "stopping the app"
            why = f"still stopping after {self._grace:g} s (TICKETING_SHUTDOWN_GRACE)"
            delay = max(0.0, self._grace - self._server_stop_budget)
            self._deadline = threading.Timer(delay, self._abandon, args=(why,))
            self._deadline.daemon = True
            self._deadline.start()

    def _abandon(self, why: str) -> None:
        """Runs in a thread of its own: the event loop may be the very thing that is stuck."""
        with self._lock:
            if self._abandoning:
                return
            self._abandoning = True
        tasks = self._unfinished()
        # Straight to stderr: a queued log handler would lose the line in os._exit.
        print(
            f"ticketing: {why}; exiting now, abandoning: {self.phase}"
            + (f", with tasks {tasks}" if tasks else ""),
            file=sys.stderr,
            flush=True,
        )
        if self._servers:
            self._servers.stop(timeout=self._server_stop_budget / 2)
            self._servers.kill()  # one that ignored SIGTERM must not outlive us, holding its files
        os._exit(1)

    def _unfinished(self) -> str:
        """The event loop's tasks and where each waits, or where a blocked loop is stuck."""
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return ""
        future = asyncio.run_coroutine_threadsafe(_unfinished_tasks(), loop)
        try:
            return future.result(timeout=1.0)
        except Exception:
            return "none listed, the event loop is blocked in:\n" + _main_thread_stack()


class _Server(uvicorn.Server):
    """uvicorn's server, telling the lifecycle when a signal arrives and which loop it runs."""

    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle):
        super().__init__(config)
        self._lifecycle = lifecycle

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._lifecycle.signalled()

    async def serve(self, sockets: Any = None) -> None:
        self._lifecycle.loop = asyncio.get_running_loop()
        await super().serve(sockets)


async def _unfinished_tasks() -> str:
    current = asyncio.current_task()
    tasks = [_describe(task) for task in asyncio.all_tasks() if task is not current]
    return ", ".join(sorted(tasks)) or "no task"


def _describe(task: asyncio.Task[Any]) -> str:
    """The task's name and the innermost coroutine it waits in, asyncio's own left out."""
    where = ""
    coroutine: Any = task.get_coro()
    while coroutine is not None and getattr(coroutine, "cr_frame", None) is not None:
        frame = coroutine.cr_frame
        if f"{os.sep}asyncio{os.sep}" not in frame.f_code.co_filename:
            where = f"{_short(frame.f_code.co_filename)}:{frame.f_lineno} {frame.f_code.co_name}"
        coroutine = coroutine.cr_await
    return f"{task.get_name()} ({where})" if where else task.get_name()


def _main_thread_stack() -> str:
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    return "".join(traceback.format_stack(frame)) if frame else "(unknown)"


def _short(filename: str) -> str:
    return "/".join(Path(filename).parts[-2:])
