"""Run import-linter with the project's contracts, on the real tree or on a copy of it."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
PACKAGES = ("app", "bus", "modules")
KERNEL = "kernel"
INDEPENDENCE = "business-modules-are-independent"
RUN_LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
)


def contract(contract_id: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return parser[f"importlinter:contract:{contract_id}"]


def contract_ids() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    prefix = "importlinter:contract:"
    return [section.removeprefix(prefix) for section in parser if section.startswith(prefix)]


def contract_name(contract_id: str) -> str:
    return contract(contract_id)["name"]


def independent_modules() -> list[str]:
    return contract(INDEPENDENCE)["modules"].replace(",", "\n").split()


def lint_imports(root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """lint-imports with the real config, resolving app/bus/modules from `root` only."""
    return subprocess.run(
        [sys.executable, "-c", RUN_LINT_IMPORTS, "--no-cache", "--no-logo", str(CONFIG)],
        cwd=root,
        env=os.environ | {"PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_tree(destination: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, destination / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return destination


def plant(root: Path, relative_path: str, code: str) -> Path:
    """Add a file holding an offending import to the copied tree."""
    path = root / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'"""Planted by an architecture test."""\n\n{code}\n')
    return path


def business_module_directories(root: Path) -> set[str]:
    return {
        f"modules.{path.name}"
        for path in (root / "modules").iterdir()
        if path.is_dir() and path.name != KERNEL and not path.name.startswith(("_", "."))
    }


def independence_contract_gaps(root: Path, listed: list[str]) -> list[str]:
    """What differs between the independence contract's list and the directories under modules/."""
    present, named = business_module_directories(root), set(listed)
    section = f"[importlinter:contract:{INDEPENDENCE}] in .importlinter"
    missing = [
        f"modules/{name.split('.')[1]}/ exists but {name} is not listed in {section}: add it"
        for name in sorted(present - named)
    ]
    stale = [
        f"{name} is listed in {section} but modules/{name.split('.')[-1]}/ does not exist: "
        "remove it (import-linter stops on a module it cannot find)"
        for name in sorted(named - present)
    ]
    return missing + stale
