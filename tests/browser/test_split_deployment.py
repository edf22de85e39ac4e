"""The main flow again with every module its own process behind the path-routing front, two
replicas of orders: each module serves its own pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from app.split.deployment import SplitDeployment
from tests.browser.flows import LIVE_WITHIN_MS, sell_buy_and_pay


@pytest.fixture
def split(tmp_path: Path) -> Iterator[SplitDeployment]:
    deployment = SplitDeployment(tmp_path / "split", settings={"TICKETING_LOG_LEVEL": "WARNING"})
    deployment.start()
    try:
        yield deployment
    finally:
        deployment.stop()


def test_the_main_flow_works_module_by_module(chromium: Browser, split: SplitDeployment) -> None:
    dropped_after = sell_buy_and_pay(chromium, split.base_url)

    print(f"split: the seller's home page dropped the reserved ticket after {dropped_after:.2f} s")
    assert dropped_after * 1000 <= LIVE_WITHIN_MS
