"""Fault injection for crash tests: a named point that kills the process when armed.

Named by TICKETING_FAILPOINTS (comma-separated) and armed only with the test-only flag
TICKETING_ALLOW_FAILPOINTS=1 too, so a stray variable can never crash a real deployment;
unarmed, `crash_if_armed` is a set lookup and nothing else.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("bus.failpoints")

NAMES_VARIABLE = "TICKETING_FAILPOINTS"
ALLOW_VARIABLE = "TICKETING_ALLOW_FAILPOINTS"


class FailpointsRefused(ValueError):
    """Failpoints were named without the test-only flag."""


def _named() -> frozenset[str]:
    names = (name.strip() for name in os.environ.get(NAMES_VARIABLE, "").split(","))
    return frozenset(name for name in names if name)


NAMED = _named()
ARMED = NAMED if os.environ.get(ALLOW_VARIABLE) == "1" else frozenset()


def refuse_unless_allowed() -> None:
    """Start-up check: named but not allowed stops the process; armed is said out loud."""
    if NAMED and not ARMED:
        raise FailpointsRefused(
            f"{NAMES_VARIABLE} is set but {ALLOW_VARIABLE} is not 1: failpoints crash the "
            "process on purpose and are for crash tests only; unset "
            f"{NAMES_VARIABLE} (or set {ALLOW_VARIABLE}=1 in a test)"
        )
    if ARMED:
        log.warning("failpoints armed, this process will crash on purpose: %s", sorted(ARMED))


def crash_if_armed(name: str) -> None:
    """Die at once, as SIGKILL would: no clean-up, no acknowledgements, no flushing."""
    if name in ARMED:
        os._exit(137)


def fail_if_armed(name: str) -> None:
    """Raise, as a handler with a bug would."""
    if name in ARMED:
        raise RuntimeError(f"failpoint {name} is armed")
