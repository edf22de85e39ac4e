"""Files only our own user may read: the data directory holds every user's data and our secrets."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077  # what the embedded servers create is 0600 / 0700


def private_dir(path: Path) -> Path:
    """Created 0700, or tightened to 0700 if it already existed."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def tighten(root: Path, names: Iterable[str]) -> None:
    """Takes group and other permissions off `root` and off the named entries in it, with all
    they hold: a data directory made by an earlier version may hold world-readable database
    files. Only entries we own are named: the data directory may be shared with other files."""
    _tighten_one(root)
    for entry in (root / name for name in names):
        if entry.exists() and not entry.is_symlink():
            for path in (entry, *(entry.rglob("*") if entry.is_dir() else ())):
                _tighten_one(path)


def _tighten_one(entry: Path) -> None:
    mode = entry.lstat().st_mode
    if not stat.S_ISLNK(mode) and mode & 0o077:
        entry.chmod(stat.S_IMODE(mode) & ~0o077)


def write_private(path: Path, text: str) -> None:
    """Mode 0600, atomically (temporary file, fsync, rename): a crash leaves the old content or
    the new, never an empty or half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with os.fdopen(os.open(temporary, flags, 0o600), "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def open_private_log(path: Path) -> int:
    """A log file (0600) to append to; the caller closes the descriptor."""
    private_dir(path.parent)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
