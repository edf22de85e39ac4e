"""One split deployment for the e2e tests: every module its own process, two orders replicas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pymongo import MongoClient

from app.split.deployment import SplitDeployment

E2E_SETTINGS = {
    "TICKETING_ORDER_TTL": "8",
    "TICKETING_BUS_ACK_WAIT": "2",
    "TICKETING_BUS_MAX_ATTEMPTS": "3",
    "TICKETING_EXPIRATION_SWEEP": "1",
    "TICKETING_LOG_LEVEL": "WARNING",
    "TICKETING_ALLOW_FAILPOINTS": "1",  # some tests arm failpoints in one process
    # Every test client signs up from 127.0.0.1: no abuse limit in the way of the flows.
    "TICKETING_SIGNUPS_PER_ADDRESS": "100000",
    "TICKETING_SIGNIN_FAILURES_PER_ADDRESS": "100000",
}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SplitDeployment]:
    split = SplitDeployment(Path(tmp_path_factory.mktemp("split")), settings=E2E_SETTINGS)
    split.start()
    try:
        yield split
    finally:
        split.stop()


@pytest.fixture(scope="module")
def mongo(deployment: SplitDeployment) -> Iterator[MongoClient]:
    client: MongoClient = MongoClient(deployment.mongo_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def streams(deployment: SplitDeployment) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(deployment.redis_url, decode_responses=True)
    yield client
    client.close()
