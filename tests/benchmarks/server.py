"""Start a real `ticketing serve` for a benchmark, on a throw-away data directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.embedded.process import free_port


@contextmanager
def running_server(**settings: str) -> Iterator[str]:
    """Yields the base URL of a single-process server with every module, stopped afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
        env |= {"TICKETING_DATA_DIR": data_dir, "TICKETING_LOG_LEVEL": "WARNING"}
        env |= {f"TICKETING_{key.upper()}": value for key, value in settings.items()}
        command = [str(Path(sys.executable).parent / "ticketing"), "serve", "--port", str(port)]
        process = subprocess.Popen(command, env=env, cwd=data_dir)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(f"{base}/api/users/currentuser", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 60 s")
