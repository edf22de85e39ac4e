"""The hash-checked locks agree with pyproject.toml: `make` and the image install what it asks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def pins(lock: str) -> dict[str, list[tuple[Version, str | None]]]:
    """Each locked package's versions (a universal lock may pin one per Python), with markers."""
    found: dict[str, list[tuple[Version, str | None]]] = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if match := PIN.match(line):
            name, version, marker = match.groups()
            found.setdefault(canonicalize_name(name), []).append((Version(version), marker))
    return found


def hashes_per_pin(lock: str) -> list[int]:
    text = (ROOT / "requirements" / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    return [block.count("--hash=sha256:") for block in blocks if "==" in block]


def requirements(*groups: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    listed = list(project["dependencies"]) + list(PYPROJECT["build-system"]["requires"])
    for group in groups:
        listed += project["optional-dependencies"][group]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(("lock", "groups"), [("app.lock", ()), ("dev.lock", ("dev",))])
class TestLocks:
    def test_every_requirement_is_locked_at_a_version_it_accepts(
        self, lock: str, groups: tuple[str, ...]
    ) -> None:
        locked = pins(lock)
        stale = []
        for requirement in requirements(*groups):
            versions = locked.get(canonicalize_name(requirement.name), [])
            if not versions or not all(requirement.specifier.contains(v) for v, _ in versions):
                stale.append(str(requirement))
        assert not stale, f"run `make lock`: {lock} does not satisfy {stale}"

    def test_every_pin_carries_hashes(self, lock: str, groups: tuple[str, ...]) -> None:
        counts = hashes_per_pin(lock)

        assert counts and min(counts) >= 1


def test_the_dev_lock_pins_the_apps_packages_at_the_apps_versions() -> None:
    app, dev = pins("app.lock"), pins("dev.lock")

    assert {name: app[name] for name in app} == {name: dev[name] for name in app}


def test_checkov_stays_out_of_the_apps_environment() -> None:
    assert "checkov" in pins("checkov.lock")
    assert "checkov" not in pins("dev.lock")
