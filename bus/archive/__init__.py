"""The event archive: every integration event kept once, for timelines, inspection and replay."""

from bus.archive.archive import CONCURRENCY, GROUP, Archive
from bus.archive.migrate import current_revision, head, upgrade
from bus.archive.replay import replay
from bus.archive.rows import ArchivedEvent
from bus.archive.settings import ArchiveSettings, ArchiveSettingsError, load_archive_settings
from bus.archive.store import ArchiveStore
from bus.archive.timeline import Step, Timeline, timeline_of

__all__ = (
    "CONCURRENCY",
    "GROUP",
    "Archive",
    "ArchiveSettings",
    "ArchiveSettingsError",
    "ArchiveStore",
    "ArchivedEvent",
    "Step",
    "Timeline",
    "current_revision",
    "head",
    "load_archive_settings",
    "replay",
    "timeline_of",
    "upgrade",
)
