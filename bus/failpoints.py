"""Fault injection for crash tests: a named point that kills the process when armed.

Armed only by TICKETING_FAILPOINTS (comma-separated names); unset in any real
deployment, where `crash_if_armed` is a set lookup and nothing else.
"""

from __future__ import annotations

import os


def _armed() -> frozenset[str]:
    return frozenset(name.strip() for name in os.environ.get("TICKETING_FAILPOINTS", "").split(","))


ARMED = _armed()


def crash_if_armed(name: str) -> None:
    """Die at once, as SIGKILL would: no clean-up, no acknowledgements, no flushing."""
    if name in ARMED:
        os._exit(137)


def fail_if_armed(name: str) -> None:
    """Raise, as a handler with a bug would."""
    if name in ARMED:
        raise RuntimeError(f"failpoint {name} is armed")
