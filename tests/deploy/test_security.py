"""Every overlay is valid against the Kubernetes schemas of a pinned version and passes checkov;
the checks skipped are the ones deploy/checkov.yaml and the manifests justify, no others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.manifests import (
    DEPLOY,
    KUBERNETES_VERSION,
    OVERLAYS,
    ROOT,
    render,
    rendered_text,
)

# `make` installs checkov in a virtualenv of its own (its pins clash with ours).
CHECKOV = Path(sys.prefix) / "tools" / "checkov" / "bin" / "checkov"
SKIPPED_IN_PLACE = {"CKV_K8S_15": {"local"}, "CKV_DOCKER_7": {"Dockerfile"}}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_document_is_valid_for_the_pinned_kubernetes(overlay: str) -> None:
    for document in render(overlay):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_secret_template_is_valid_for_the_pinned_kubernetes() -> None:
    template = yaml.safe_load((DEPLOY / "base/shared/secret.template.yaml").read_text())

    kubernetes_validate.validate(template, KUBERNETES_VERSION, strict=True)


@pytest.fixture(scope="module")
def checkov(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One checkov run over every overlay and the Dockerfile: ~3 s of CPU, a third of four runs."""
    if not CHECKOV.exists():
        message = f"checkov is not installed at {CHECKOV}: run `make test` (or `make` its venv)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("rendered")
    files = [ROOT / "docker" / "Dockerfile"]
    for overlay in OVERLAYS:
        files.append(folder / f"{overlay}.yaml")
        files[-1].write_text(rendered_text(overlay))
    options = ["--config-file", str(DEPLOY / "checkov.yaml"), "--skip-download", "--compact"]
    result = subprocess.run(
        [str(CHECKOV), *options, "--output=json", *[f"--file={f}" for f in files]],
        capture_output=True,
        text=True,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},  # no guideline download: offline
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    reports = json.loads(result.stdout)
    return {r["check_type"]: r for r in (reports if isinstance(reports, list) else [reports])}


def findings(report: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    return [
        (check["check_id"], Path(check["file_path"]).stem)
        for check in report["results"].get(kind, [])
    ]


@pytest.mark.parametrize("framework", ["kubernetes", "dockerfile"])
class TestCheckov:
    def test_nothing_fails(self, checkov: dict[str, Any], framework: str) -> None:
        report = checkov[framework]

        assert report["summary"]["parsing_errors"] == 0
        assert report["summary"]["passed"] > 0
        assert findings(report, "failed_checks") == []

    def test_only_justified_checks_are_skipped_in_place(
        self, checkov: dict[str, Any], framework: str
    ) -> None:
        for check, source in findings(checkov[framework], "skipped_checks"):
            assert source in SKIPPED_IN_PLACE.get(check, set()), (check, source)


def test_checks_skipped_everywhere_each_come_with_a_reason() -> None:
    text = (DEPLOY / "checkov.yaml").read_text()
    skipped = yaml.safe_load(text)["skip-check"]

    assert skipped
    for check in skipped:
        before = text.split(f"- {check}")[0].rstrip().splitlines()
        assert before[-1].lstrip().startswith("#"), f"{check} is skipped without a reason"
