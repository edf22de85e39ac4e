"""`ticketing archive upgrade|prune` and `ticketing events show`, and their refusals."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from bus import Envelope
from bus.archive import ArchiveStore, upgrade
from bus.archive.rows import row_of
from tests.archive.events import a_story, tickets
from tests.archive.stores import StoreUnderTest
from tests.support.apps import TEST_JWT_KEY
from tests.support.servers import ServerUrls

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, target: StoreUnderTest, tmp_path: Path) -> None:
    """Only this test's settings: its archive store, its own data dir."""
    for key in [key for key in os.environ if key.startswith("TICKETING_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("TICKETING_ARCHIVE_URL", target.url)
    monkeypatch.setenv("TICKETING_DATA_DIR", str(tmp_path / "data"))


def archived(target: StoreUnderTest, envelopes: Sequence[Envelope]) -> None:
    async def seed() -> None:
        store = ArchiveStore.open(target.database_url)
        await upgrade(store.engine)
        await store.append([row_of(envelope, datetime.now(UTC)) for envelope in envelopes])
        await store.close()

    asyncio.run(seed())


def count(target: StoreUnderTest) -> int:
    async def counted() -> int:
        store = ArchiveStore.open(target.database_url)
        try:
            return await store.count()
        finally:
            await store.close()

    return asyncio.run(counted())


def table_subjects(output: str) -> list[str]:
    return [line.split()[3] for line in output.splitlines()[2:]]


class TestUpgrade:
    def test_migrates_an_empty_store_and_again_changes_nothing(
        self, capsys: pytest.CaptureFixture[str], target: StoreUnderTest
    ) -> None:
        assert main(["archive", "upgrade"]) == 0
        assert main(["archive", "upgrade"]) == 0
        assert capsys.readouterr().out.splitlines() == ["archive schema at revision 0001"] * 2
        assert count(target) == 0


class TestShow:
    def test_an_orders_timeline_is_a_table_in_story_order(
        self, capsys: pytest.CaptureFixture[str], target: StoreUnderTest
    ) -> None:
        story = a_story()
        archived(target, [*tickets(2), *reversed(story)])

        assert main(["events", "show", "--order", story[1].payload["id"]]) == 0

        output = capsys.readouterr().out
        assert output.splitlines()[0].split()[:4] == ["time", "(UTC)", "after", "subject"]
        assert table_subjects(output) == [e.subject for e in story[1:]]
        assert "+0.000s" in output.splitlines()[2]

    def test_a_correlation_ids_events_are_listed(
        self, capsys: pytest.CaptureFixture[str], target: StoreUnderTest
    ) -> None:
        story, other = a_story(), tickets(1)
        archived(target, [*story, *other])

        assert main(["events", "show", "--correlation", other[0].correlation_id]) == 0

        assert table_subjects(capsys.readouterr().out) == ["ticket.created"]

    def test_an_unknown_order_says_so(
        self, capsys: pytest.CaptureFixture[str], target: StoreUnderTest
    ) -> None:
        archived(target, a_story())
        assert main(["events", "show", "--order", "nope"]) == 1
        assert capsys.readouterr().out == "no archived events for order nope\n"

    def test_a_store_never_migrated_is_refused_naming_the_command(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["events", "show", "--order", "x"]) == 2
        assert "run `ticketing archive upgrade`" in capsys.readouterr().err


class TestPrune:
    def test_forgets_what_occurred_before_the_date_and_keeps_the_rest(
        self, capsys: pytest.CaptureFixture[str], target: StoreUnderTest
    ) -> None:
        old = tickets(3)
        archived(target, [e.model_copy(update={"occurred_at": LONG_AGO}) for e in old])
        archived(target, tickets(2))

        assert main(["archive", "prune", "--before", "2021-06-30"]) == 0

        assert capsys.readouterr().out.startswith("pruned 3 event(s) that occurred before 2021")
        assert count(target) == 2

    def test_a_date_that_is_no_date_is_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exited:
            main(["archive", "prune", "--before", "last week"])
        assert exited.value.code == 2
        assert "not a date or time: 'last week'" in capsys.readouterr().err


class TestRefusals:
    @pytest.mark.parametrize("command", [["serve"], ["archive", "run"], ["archive", "upgrade"]])
    @pytest.mark.parametrize(
        ("variable", "value"),
        [("TICKETING_ARCHIVE_URL", "mysql://db/archive"), ("TICKETING_ARCHIVE_RETENTION", "0")],
    )
    def test_a_bad_setting_stops_start_up_naming_the_variable(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        command: list[str],
        variable: str,
        value: str,
    ) -> None:
        monkeypatch.setenv("TICKETING_BUS", "redis")
        monkeypatch.setenv(variable, value)
        assert main(command) == 2
        assert f"invalid configuration: {variable}: " in capsys.readouterr().err

    def test_the_archive_process_needs_the_redis_bus(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["archive", "run"]) == 2
        assert "TICKETING_BUS=redis" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("arguments", "refusal"),
        [
            (["--group", "orders", "--subject", "order.created"], "orders does not handle order"),
            (["--group", "auth"], "auth handles no events"),
        ],
    )
    def test_replay_refuses_a_group_that_does_not_handle_the_subject(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        servers: ServerUrls,
        prefix: str,
        arguments: list[str],
        refusal: str,
    ) -> None:
        for name, value in {
            "MONGO_URL": servers.mongo,
            "REDIS_URL": servers.redis,
            "JWT_KEY": TEST_JWT_KEY,
            "DB_PREFIX": prefix,
        }.items():
            monkeypatch.setenv(f"TICKETING_{name}", value)
        assert main(["events", "replay", *arguments]) == 2
        assert refusal in capsys.readouterr().err
