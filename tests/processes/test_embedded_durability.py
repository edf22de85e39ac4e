"""The embedded servers keep every acknowledged write when they are SIGKILLed (DESIGN §2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
from pymongo import MongoClient

from app.embedded.servers import start_mongo, start_redis

pytestmark = pytest.mark.processes

WRITES = 300


def mongo(url: str) -> MongoClient[dict[str, Any]]:
    return MongoClient(url)


class TestEmbeddedMongo:
    def test_every_committed_transaction_survives_a_sigkill_of_the_server(
        self, tmp_path: Path
    ) -> None:
        server, url = start_mongo(tmp_path)
        try:
            with mongo(url) as client:
                for number in range(WRITES):
                    with client.start_session() as session, session.start_transaction():
                        client.durability.writes.insert_one({"n": number}, session=session)
        finally:
            server.kill()

        server, url = start_mongo(tmp_path)
        try:
            with mongo(url) as client:
                assert client.durability.writes.count_documents({}) == WRITES
        finally:
            server.stop()


class TestEmbeddedRedis:
    def test_it_runs_with_an_append_only_file_synced_on_every_write(self, tmp_path: Path) -> None:
        server, url = start_redis(tmp_path)
        try:
            with redis.Redis.from_url(url, decode_responses=True) as client:
                settings = client.config_get("append*")
        finally:
            server.stop()

        assert (settings["appendonly"], settings["appendfsync"]) == ("yes", "always")

    def test_every_acknowledged_stream_entry_survives_a_sigkill_of_the_server(
        self, tmp_path: Path
    ) -> None:
        server, url = start_redis(tmp_path)
        try:
            with redis.Redis.from_url(url) as client:
                for number in range(WRITES):
                    client.xadd("durability", {"n": number})
        finally:
            server.kill()

        server, url = start_redis(tmp_path)
        try:
            with redis.Redis.from_url(url) as client:
                assert client.xlen("durability") == WRITES
        finally:
            server.stop()
