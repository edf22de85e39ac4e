from __future__ import annotations

from pathlib import Path

import pytest

from tests.architecture.linting import copy_tree


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A throwaway copy of app/, bus/ and modules/ to plant violations in."""
    return copy_tree(tmp_path)
