"""Argon2id hashing in a bounded pool of its own: slow on purpose, so it must not starve others."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


@dataclass(frozen=True)
class HashCost:
    """Argon2id parameters; OWASP's minimum is t=2, m=19 MiB, p=1."""

    time_cost: int
    memory_kib: int
    parallelism: int


@dataclass(frozen=True)
class Verdict:
    matches: bool
    needs_rehash: bool  # hashed with other parameters than today's: upgrade on this sign-in


class Passwords:
    def __init__(self, cost: HashCost, workers: int):
        self._hasher = PasswordHasher(
            time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
        )
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="passwords")

    async def hash(self, password: str) -> str:
        return await self._run(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> Verdict:
        """Always does the work, against a decoy when the user is unknown, so that timing
        does not tell which emails have accounts."""

        def verify() -> Verdict:
            try:
                matches = self._hasher.verify(password_hash or self._decoy, password)
            except (VerificationError, InvalidHashError):
                return Verdict(matches=False, needs_rehash=False)
            if password_hash is None:
                return Verdict(matches=False, needs_rehash=False)
            return Verdict(matches, self._hasher.check_needs_rehash(password_hash))

        return await self._run(verify)

    async def start(self) -> None:
        await self._run(lambda: self._decoy)  # computed once, off the event loop

    async def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    @cached_property
    def _decoy(self) -> str:
        return self._hasher.hash("decoy password")

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)
