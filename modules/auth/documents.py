from __future__ import annotations

from beanie import Document
from pymongo import ASCENDING, IndexModel


class User(Document):
    """A user; the unique index on email is what makes sign-up safe under concurrency."""

    email: str
    password_hash: str

    class Settings:
        name = "users"
        indexes = [IndexModel([("email", ASCENDING)], unique=True, name="email_unique")]
