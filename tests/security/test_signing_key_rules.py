"""Which session signing keys are refused: short, repetitive, placeholders; never a random one."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.keys import UnusableKeyFile, key_problem, local_jwt_key


class TestKeyRules:
    @pytest.mark.parametrize(
        "key",
        [
            "",
            "a" * 31,
            "change-me-to-a-long-random-string",
            "local-development-key-change-me-for-anything-real",
            "CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME",
            "please-replace-me-with-something-long",
            "abcabcabcabcabcabcabcabcabcabcabcabc",
            "é" * 16,
        ],
    )
    def test_guessable_keys_are_refused(self, key: str) -> None:
        assert key_problem(key) is not None

    def test_random_keys_of_32_bytes_and_more_are_always_accepted(self) -> None:
        keys = [secrets.token_hex(16) for _ in range(500)]
        keys += [secrets.token_urlsafe(32) for _ in range(500)]
        keys += [secrets.token_urlsafe(48) for _ in range(500)]

        assert [key for key in keys if key_problem(key)] == []


class TestLocalKeyFile:
    def test_the_key_is_generated_once_and_kept(self, tmp_path: Path) -> None:
        first = local_jwt_key(tmp_path)

        assert local_jwt_key(tmp_path) == first
        assert key_problem(first) is None

    def test_undecodable_content_is_refused_naming_the_file(self, tmp_path: Path) -> None:
        (tmp_path / "jwt.key").write_bytes(b"\xff\xfe" * 40)

        with pytest.raises(UnusableKeyFile, match=r"jwt\.key"):
            local_jwt_key(tmp_path)
