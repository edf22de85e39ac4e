"""Documents whose every change bumps a version: optimistic locking and in-order replicas."""

from __future__ import annotations

from beanie import Document


class Versioned(Document):
    """`version` counts the changes; a write only lands on the version it was based on."""

    version: int = 0
