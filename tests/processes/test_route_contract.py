"""The route contract against one `ticketing serve`: what the split deployment must match."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.contract import NO_ABUSE_LIMITS, RouteContract
from tests.processes.serving import Launcher

pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    launcher = Launcher(tmp_path_factory.mktemp("contract"))
    try:
        yield launcher.start(**NO_ABUSE_LIMITS).url
    finally:
        launcher.kill_all()


class TestRouteContractOnOneProcess(RouteContract):
    pass
