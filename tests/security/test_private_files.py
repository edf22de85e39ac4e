"""Secrets and data files are written for their owner's eyes only, and never left half-written."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.embedded.private import private_dir, tighten, write_private
from app.embedded.servers import redis_password


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """As if the user's shell had `umask 0`: our modes must not depend on it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


class TestWritePrivate:
    def test_a_new_file_is_0600_whatever_the_umask(
        self, tmp_path: Path, permissive_umask: None
    ) -> None:
        write_private(tmp_path / "secret", "s3cr3t")

        assert mode(tmp_path / "secret") == 0o600
        assert (tmp_path / "secret").read_text() == "s3cr3t"

    def test_an_existing_readable_file_is_replaced_by_a_private_one(self, tmp_path: Path) -> None:
        target = tmp_path / "endpoints.json"
        target.write_text("old")
        target.chmod(0o644)

        write_private(target, "new")

        assert (target.read_text(), mode(target)) == ("new", 0o600)

    def test_a_temporary_file_left_by_a_crash_is_neither_trusted_nor_left_behind(
        self, tmp_path: Path
    ) -> None:
        leftover = tmp_path / ".jwt.key.tmp"
        leftover.write_text("half")
        leftover.chmod(0o666)

        write_private(tmp_path / "jwt.key", "whole")

        assert (tmp_path / "jwt.key").read_text() == "whole"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["jwt.key"]


class TestPrivateDirectories:
    def test_a_directory_is_created_or_tightened_to_0700(
        self, tmp_path: Path, permissive_umask: None
    ) -> None:
        existing = tmp_path / "existing"
        existing.mkdir(mode=0o777)

        assert mode(private_dir(tmp_path / "new" / "data")) == 0o700
        assert mode(private_dir(existing)) == 0o700

    def test_tighten_takes_group_and_other_bits_off_the_named_entries_and_all_below(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "mongo").mkdir(mode=0o755)
        (tmp_path / "mongo" / "collection.wt").write_text("emails")
        (tmp_path / "mongo" / "collection.wt").chmod(0o664)
        (tmp_path / "run.sh").write_text("")
        (tmp_path / "run.sh").chmod(0o755)
        tmp_path.chmod(0o755)

        tighten(tmp_path, ["mongo", "run.sh", "absent"])

        assert mode(tmp_path) == 0o700
        assert mode(tmp_path / "mongo") == 0o700
        assert mode(tmp_path / "mongo" / "collection.wt") == 0o600
        assert mode(tmp_path / "run.sh") == 0o700

    def test_tighten_leaves_what_it_does_not_own_alone(self, tmp_path: Path) -> None:
        (tmp_path / "notes").mkdir(mode=0o755)
        (tmp_path / "notes" / "todo.txt").write_text("shared")
        (tmp_path / "notes" / "todo.txt").chmod(0o644)
        elsewhere = tmp_path / "elsewhere.txt"
        elsewhere.write_text("")
        elsewhere.chmod(0o644)
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "logs").symlink_to(elsewhere)

        tighten(tmp_path / "data", ["logs"])

        assert mode(tmp_path / "notes") == 0o755
        assert mode(tmp_path / "notes" / "todo.txt") == 0o644
        assert mode(elsewhere) == 0o644


class TestRedisPassword:
    def test_it_is_generated_once_and_kept_private(self, tmp_path: Path) -> None:
        first = redis_password(tmp_path)

        assert redis_password(tmp_path) == first
        assert len(first) == 64
        assert mode(tmp_path / "redis.password") == 0o600

    @pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"short", b"has space " * 8])
    def test_an_empty_or_damaged_file_gets_a_new_password(
        self, tmp_path: Path, content: bytes
    ) -> None:
        (tmp_path / "redis.password").write_bytes(content)

        password = redis_password(tmp_path)

        assert len(password) == 64
        assert (tmp_path / "redis.password").read_text() == password
