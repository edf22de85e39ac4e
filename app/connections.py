"""Mongo and Redis clients with short timeouts: a dead server is an error in seconds, not a hang.

The drivers' defaults wait 30 s to find a Mongo server and forever on a silent
socket; a request then answered 500 after half a minute. These clients give up
within seconds and the web layer answers 503 (app/errors.py). Transactions
have a deadline of their own (modules/kernel/unit_of_work.py): pymongo's
`with_transaction` would otherwise retry a dead server for 120 s.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as redis
from pymongo import AsyncMongoClient

SERVER_SELECTION_TIMEOUT = 3.0
CONNECT_TIMEOUT = 2.0
SOCKET_TIMEOUT = 10.0


def mongo_client(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """A Mongo client that reports a dead or unreachable server within a few seconds."""
    return AsyncMongoClient(
        url,
        tz_aware=True,
        serverSelectionTimeoutMS=int(SERVER_SELECTION_TIMEOUT * 1000),
        connectTimeoutMS=int(CONNECT_TIMEOUT * 1000),
        socketTimeoutMS=int(SOCKET_TIMEOUT * 1000),
    )


def redis_client(
    url: str, *, socket_timeout: float = SOCKET_TIMEOUT, decode_responses: bool = True
) -> redis.Redis:
    """A Redis client that fails fast on a dead server; a blocking reader passes a longer
    `socket_timeout` than its block time."""
    return redis.Redis.from_url(
        url,
        decode_responses=decode_responses,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=socket_timeout,
    )
