from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from modules.kernel import Versioned


class User(Versioned):
    """A user; the unique index on email is what makes sign-up safe under concurrency."""

    email: str
    password_hash: str

    class Settings:
        name = "users"
        indexes = [IndexModel([("email", ASCENDING)], unique=True, name="email_unique")]
