"""A server started as a child process that dies with us, even if we are killed with SIGKILL.

Each child runs in a process group of its own: a terminal's Ctrl-C (sent to
the whole foreground group) reaches only us, and we stop the children in order
after our own work, instead of finding them gone under it.
"""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.embedded.private import PRIVATE_UMASK, open_private_log

_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    pass


# Below Linux's ephemeral range (32768-60999): the kernel gives those to outgoing connections,
# so a port found free there can be taken by some client's connection before the child binds it.
LISTENING_PORTS = range(20000, 32768)


_handed_out: set[int] = set()


def free_port() -> int:
    """A local port nobody holds now and this process has not handed out before.

    Remembering the ports handed out matters when several children are given ports before
    any of them binds (a split deployment): a fresh probe alone could give two of them the
    same port.
    """
    for _ in range(100):
        port = random.choice(LISTENING_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {LISTENING_PORTS}")


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends SIGKILL when the parent goes away.

    SIGKILL, not SIGTERM: an orphan has nobody left to serve, and a graceful stop can hang
    (seen once in CI: secantusd-py still closing 30 s after the SIGTERM), leaving it behind.
    Nothing acknowledged is lost: both servers sync every write before answering it."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: orderly shutdown still stops the child
        pass


class ChildServer:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: dict[str, str] | None = None,
    ):
        self.name = name
        self._argv = list(argv)
        self._log_path = log_path
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping: subprocess.Popen[bytes] | None = None

    @property
    def exited(self) -> bool:
        return self._process is None or self._process.poll() is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, ready: Callable[[], bool], timeout: float = 30.0) -> None:
        with os.fdopen(open_private_log(self._log_path), "ab") as log:
            self._process = subprocess.Popen(
                self._argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                process_group=0,
                env=self._env,
                umask=PRIVATE_UMASK,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            if ready():
                return
            time.sleep(0.05)
        self.stop()
        raise ServerStartError(
            f"{self.name} did not answer within {timeout:.0f}s; see {self._log_path}"
        )

    def check_running(self) -> None:
        """ServerStartError, with the end of its log, if it has exited."""
        if self._process is not None and self._process.poll() is not None:
            raise ServerStartError(
                f"{self.name} exited with code {self._process.returncode}; "
                f"see {self._log_path}:\n{self._tail()}"
            )

    def watch(self, on_exit: Callable[[str, int], None]) -> None:
        """Call `on_exit(name, code)` from a thread when the child dies without being stopped.

        Waiting also reaps it, so a dead server never lingers as a zombie.
        """
        process = self._process
        if process is None:
            return

        def wait() -> None:
            code = process.wait()
            if self._process is process:  # stop() and kill() let go of it first
                on_exit(self.name, code)

        threading.Thread(target=wait, name=f"watch-{self.name}", daemon=True).start()

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, and SIGKILL after `timeout` seconds; its exit code (None: it never ran)."""
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is not None:
            return process.returncode
        self._stopping = process
        try:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                return process.wait()
        finally:
            self._stopping = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean-up, whatever was in flight stays in flight.

        It also ends a child that another thread is still waiting to stop.
        """
        process, self._process = self._process or self._stopping, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def _tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def executable(name: str) -> str:
    """A console script installed next to the running interpreter (the venv's bin)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise ServerStartError(f"{name} is not installed; run `pip install -e .`")
    return found
