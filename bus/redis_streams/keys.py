"""Key names: one stream per subject, one dead-letter stream per consumer group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    namespace: str

    def stream(self, subject: str) -> str:
        return f"{self.namespace}:events:{subject}"

    def replay(self, group: str) -> str:
        """Events re-delivered to one group: read by that group alone."""
        return f"{self.namespace}:replay:{group}"

    def dead_letters(self, group: str) -> str:
        return f"{self.namespace}:dead:{group}"

    def subject_of(self, stream: str) -> str:
        return stream.removeprefix(f"{self.namespace}:events:")
