"""The session signing key: refused when short or a known placeholder, since anyone who can guess
it can sign in as anybody; generated and kept in the data directory in local mode."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, SecretStr

from app.embedded.private import write_private

MIN_KEY_BYTES = 32
MIN_DISTINCT_CHARACTERS = 10
PLACEHOLDERS = (
    "changeme",
    "replaceme",
    "placeholder",
    "yoursecret",
    "secretkey",
    "notsecret",
    "insecure",
    "example",
    "default",
    "password",
)
GENERATE = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class UnusableKeyFile(ValueError):
    """The data directory's key file holds something no session may be signed with."""


def key_problem(key: str) -> str | None:
    """Why `key` must not sign sessions, or None if it may."""
    size = len(key.encode())
    if size < MIN_KEY_BYTES:
        return f"is {size} bytes long; it must be at least {MIN_KEY_BYTES}"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return "is too repetitive to be secret"
    words = re.sub(r"[^a-z0-9]", "", key.lower())
    if any(placeholder in words for placeholder in PLACEHOLDERS):
        return "is a placeholder, not a secret"
    return None


def _strong(key: SecretStr) -> SecretStr:
    if problem := key_problem(key.get_secret_value()):
        raise ValueError(f"the session signing key {problem}; {GENERATE}")
    return key


JwtKey = Annotated[SecretStr, AfterValidator(_strong)]
"""The settings' type for TICKETING_JWT_KEY: the settings error then names the variable."""


def local_jwt_key(data_dir: Path) -> str:
    """Generated once per data directory and kept there (0600), so sessions survive restarts.

    A missing or empty file (an older version could leave one when it crashed between creating
    and writing it) gets a new key; any other unusable content stops start-up with a message.
    """
    path = data_dir / "jwt.key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    except (OSError, UnicodeDecodeError) as error:
        raise UnusableKeyFile(f"{path} cannot be read as a key: {error}") from None
    if not key:
        key = secrets.token_urlsafe(48)
        write_private(path, key)
        return key
    if problem := key_problem(key):
        raise UnusableKeyFile(
            f"the session signing key in {path} {problem}; delete the file to have a new one "
            "generated (everybody signs in again), or set TICKETING_JWT_KEY"
        )
    return key
