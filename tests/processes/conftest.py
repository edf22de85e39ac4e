from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes.serving import Launcher


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    """Starts `ticketing serve` processes in tmp_path; kills every one of them, even on failure."""
    processes = Launcher(tmp_path)
    try:
        yield processes
    finally:
        processes.kill_all()
