"""Limits on sign-in and sign-up attempts, counted in Redis so they hold across replicas."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from modules.kernel import TooManyRequests


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: int  # seconds


class AttemptCounter:
    """Fixed-window counters: cheap (one round trip), shared, and forgotten when the window ends.

    Checked before any password is hashed, so a flood costs a Redis call, not argon2.
    """

    def __init__(self, redis: Redis, namespace: str):
        self._redis = redis
        self._namespace = namespace

    async def ensure_below(self, kind: str, key: str, limit: Limit) -> None:
        """TooManyRequests (with when to retry) if `key` used up its attempts of this kind."""
        name = self._key(kind, key)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(name)
            pipe.ttl(name)
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= limit.attempts:
            raise TooManyRequests(retry_after=max(1, int(ttl)))

    async def count(self, kind: str, key: str, limit: Limit) -> None:
        name = self._key(kind, key)
        async with self._redis.pipeline(transaction=True) as multi:
            multi.incr(name)
            multi.expire(name, limit.window, nx=True)
            await multi.execute()

    async def forget(self, kind: str, key: str) -> None:
        await self._redis.delete(self._key(kind, key))

    async def start(self) -> None:
        """Nothing to do: the client connects on first use."""

    async def stop(self) -> None:
        await self._redis.aclose()

    def _key(self, kind: str, key: str) -> str:
        return f"{self._namespace}:attempts:{kind}:{key}"


@dataclass(frozen=True)
class AttemptLimits:
    """Who may try again: failed sign-ins per account and per client address, sign-ups per
    address. A successful sign-in clears its account's count."""

    counter: AttemptCounter
    failed_per_account: Limit
    failed_per_address: Limit
    signups_per_address: Limit

    async def before_sign_in(self, address: str, email: str) -> None:
        await self.counter.ensure_below("signin-address", address, self.failed_per_address)
        await self.counter.ensure_below("signin-account", email, self.failed_per_account)

    async def failed_sign_in(self, address: str, email: str) -> None:
        await self.counter.count("signin-address", address, self.failed_per_address)
        await self.counter.count("signin-account", email, self.failed_per_account)

    async def signed_in(self, email: str) -> None:
        await self.counter.forget("signin-account", email)

    async def before_sign_up(self, address: str) -> None:
        await self.counter.ensure_below("signup-address", address, self.signups_per_address)
        await self.counter.count("signup-address", address, self.signups_per_address)
