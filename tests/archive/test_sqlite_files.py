"""The SQLite archive is its owner's alone, like the rest of the data directory."""

from __future__ import annotations

import stat
from pathlib import Path

from bus.archive import Archive, ArchiveStore
from tests.archive.events import tickets


def modes(directory: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()}


class TestPrivateFiles:
    async def test_a_new_archive_and_its_write_ahead_log_are_private(self, tmp_path: Path) -> None:
        archive = Archive(ArchiveStore.open(f"sqlite+aiosqlite:///{tmp_path / 'a' / 'x.db'}"))
        await archive.start()
        await archive.handle(tickets(1)[0])

        assert modes(tmp_path / "a") == {"x.db": 0o600, "x.db-wal": 0o600, "x.db-shm": 0o600}
        assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
        await archive.stop()

    async def test_an_archive_left_readable_by_others_is_made_private(self, tmp_path: Path) -> None:
        for name in ("x.db", "x.db-wal"):
            (tmp_path / name).touch(mode=0o644)
            (tmp_path / name).chmod(0o644)

        store = ArchiveStore.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")

        assert modes(tmp_path) == {"x.db": 0o600, "x.db-wal": 0o600}
        await store.close()
