"""Open sessions, kept in Redis so every module and replica sees a sign-out at once."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict

from litestar.datastructures import Cookie
from redis.asyncio import Redis

from modules.kernel.liveness import Liveness
from modules.kernel.session import CurrentUser, SessionCodec

VERIFIED_CACHE_SIZE = 10_000


class Sessions:
    """Opens, checks, renews and closes sessions.

    A token is accepted only while its session is open in Redis: signing out
    (or "everywhere") closes it for every process at once, and a token forged
    for a user who never signed in names no open session. Decoding a token is
    costly, so verified tokens are kept in a small cache bounded by their expiry;
    the open-session check is one Redis GET, skipped while `liveness` saw the
    session open less than `liveness_bound` seconds ago and heard no close of it.
    """

    def __init__(
        self, codec: SessionCodec, redis: Redis, namespace: str, liveness_bound: float = 0
    ):
        self.codec = codec
        self._redis = redis
        self._namespace = namespace
        self._verified: OrderedDict[str, CurrentUser] = OrderedDict()
        self.liveness = Liveness(redis, f"{namespace}:sessions-closed", liveness_bound)

    async def open(self, user_id: str, email: str) -> Cookie:
        session_id = secrets.token_urlsafe(16)
        ttl = self._ttl()
        async with self._redis.pipeline(transaction=True) as multi:
            multi.set(self._session_key(session_id), user_id, ex=ttl)
            multi.sadd(self._user_key(user_id), session_id)
            multi.expire(self._user_key(user_id), ttl)
            await multi.execute()
        return self.codec.cookie(self.codec.issue(user_id, email, session_id))

    async def user(self, token: str | None) -> CurrentUser | None:
        """The signed-in user, if the token is genuine, unexpired and its session still open."""
        user = self._decoded(token)
        if user is None:
            return None
        owner = self.liveness.owner(user.session_id)
        if owner is None:
            checkpoint = self.liveness.checkpoint()
            stored = await self._redis.get(self._session_key(user.session_id))
            if stored is None:
                return None
            owner = _text(stored)
            self.liveness.remember(user.session_id, owner, checkpoint)
        return user if owner == user.id else None

    def due_for_renewal(self, user: CurrentUser) -> bool:
        """Past half its life: the session slides forward while it is being used."""
        return time.time() > (user.issued_at + user.expires_at) / 2

    async def renew(self, user: CurrentUser) -> Cookie:
        ttl = self._ttl()
        await self._redis.expire(self._session_key(user.session_id), ttl)
        await self._redis.expire(self._user_key(user.id), ttl)
        return self.codec.cookie(self.codec.issue(user.id, user.email, user.session_id))

    async def close(self, user: CurrentUser) -> None:
        async with self._redis.pipeline(transaction=True) as multi:
            multi.delete(self._session_key(user.session_id))
            multi.srem(self._user_key(user.id), user.session_id)
            await multi.execute()
        await self.liveness.announce_closed([user.session_id])

    async def close_all(self, user_id: str) -> None:
        """Sign out everywhere: every session of this user, on every device."""
        session_ids = [_text(id_) for id_ in await self._redis.smembers(self._user_key(user_id))]
        keys = [self._session_key(session_id) for session_id in session_ids]
        await self._redis.delete(self._user_key(user_id), *keys)
        await self.liveness.announce_closed(session_ids)

    def _decoded(self, token: str | None) -> CurrentUser | None:
        if not token:
            return None
        cached = self._verified.get(token)
        if cached is not None and cached.expires_at > time.time():
            self._verified.move_to_end(token)
            return cached
        user = self.codec.read(token)
        if user is not None:
            self._verified[token] = user
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return user

    def _ttl(self) -> int:
        return int(self.codec.lifetime.total_seconds())

    def _session_key(self, session_id: str) -> str:
        return f"{self._namespace}:session:{session_id}"

    def _user_key(self, user_id: str) -> str:
        return f"{self._namespace}:sessions-of:{user_id}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
