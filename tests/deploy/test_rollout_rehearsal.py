"""The rollout rehearsal: overlays/microservices run as processes (each Deployment's command and
environment, its replicas, its probes), every Deployment rolled and orders scaled from 3 to 1
under a purchase load, then audited from the servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.rollout import Figures, Rehearsal, report
from tests.deploy.manifests import DEPLOY, ours, render, replicas

pytestmark = pytest.mark.e2e

OVERLAY = "microservices"


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    root = Path(tmp_path_factory.mktemp("rollout"))
    figures = Rehearsal(DEPLOY, OVERLAY, root, buyers=4).run()
    print(report(figures))  # the figures, in the test's output (pytest -s, or on failure)
    return figures


class TestRollingEveryDeploymentUnderLoad:
    def test_every_deployment_was_rolled_and_its_old_pods_stopped_cleanly(
        self, figures: Figures
    ) -> None:
        documents = render(OVERLAY)
        deployments = ours(documents)
        old_pods = sum(replicas(documents, name) for name in deployments)

        assert set(figures.rolled) == set(deployments)
        assert figures.stopped == old_pods + 2  # and two orders pods scaled away
        assert figures.unclean == []

    def test_no_request_failed_but_business_refusals(self, figures: Figures) -> None:
        assert figures.requests > 200, "the load ran throughout"
        assert figures.failures == []
        assert (
            figures.refusals.get("rival order 400", 0) + figures.refusals.get("rival order 409", 0)
            > 0
        ), "rivals were refused the tickets held by an order"

    def test_every_order_ended_complete_or_cancelled(self, figures: Figures) -> None:
        assert figures.audit.orders > 40
        assert figures.audit.unsettled == []

    def test_no_event_was_lost_or_applied_twice(self, figures: Figures) -> None:
        assert figures.audit.archived > figures.audit.orders * 3
        assert figures.audit.lost == []
        assert figures.audit.duplicated == []

    def test_every_consumer_group_drained(self, figures: Figures) -> None:
        assert figures.audit.pending, "the bus's groups were read"
        assert not any(figures.audit.pending.values()), figures.audit.pending
        assert figures.audit.dead_letters == 0
