"""The compose file ships no signing key: `docker compose up` demands one instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).parents[2] / "docker" / "compose.yaml"
REQUIRED = re.compile(r"^\$\{TICKETING_JWT_KEY:\?[^}]+\}$")  # compose stops with the message


def jwt_keys(node: Any) -> list[str]:
    """Every TICKETING_JWT_KEY value anywhere in the file."""
    if isinstance(node, dict):
        found = [str(v) for k, v in node.items() if k == "TICKETING_JWT_KEY"]
        return found + [key for value in node.values() for key in jwt_keys(value)]
    if isinstance(node, list):
        return [key for item in node for key in jwt_keys(item)]
    return []


def test_the_compose_file_requires_the_key_from_the_environment() -> None:
    keys = jwt_keys(yaml.safe_load(COMPOSE.read_text()))

    assert keys, "the compose file no longer sets TICKETING_JWT_KEY at all"
    assert all(REQUIRED.match(key) for key in keys), keys
