"""Await a condition instead of sleeping a fixed time: events take effect asynchronously."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T] | T],
    *,
    until: Callable[[T], bool] = bool,
    timeout: float = 10.0,
    interval: float = 0.02,
) -> T:
    """Poll `probe` (sync or async) until `until(result)`; fail with the last result on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result: Any = probe()
        if inspect.isawaitable(result):
            result = await result
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {result!r}")
        await asyncio.sleep(interval)


def wait_for(
    probe: Callable[[], T], *, until: Callable[[T], bool] = bool, timeout: float = 30
) -> T:
    """The same, blocking, for tests that drive other processes from synchronous code."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout}s; last value: {value!r}")
        time.sleep(0.05)
