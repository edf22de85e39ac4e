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
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

SERVER_SELECTION_TIMEOUT = 3.0
CONNECT_TIMEOUT = 2.0
SOCKET_TIMEOUT = 10.0
REDIS_RETRIES = 3
# A burst of requests waits its turn for a connection rather than failing: the default pool
# raises "Too many connections" past its size, a 503 for the 101st buyer of a flash sale.
REDIS_CONNECTIONS = 64
REDIS_POOL_WAIT = 5.0


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
    """A Redis client that fails fast on a dead server and reconnects after a restart.

    `from_url` alone retries nothing: after Redis restarts, the first command on
    each pooled connection fails. A blocking reader passes a `socket_timeout`
    longer than its block time. The pool blocks when all its connections are busy.
    """
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_CONNECTIONS,
        timeout=REDIS_POOL_WAIT,
        decode_responses=decode_responses,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=socket_timeout,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), REDIS_RETRIES),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return redis.Redis.from_pool(pool)
