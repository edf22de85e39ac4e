"""The import rules of DESIGN.md §1 hold on the real code base."""

from __future__ import annotations

from tests.architecture.linting import (
    ROOT,
    contract_ids,
    contract_name,
    independence_contract_gaps,
    independent_modules,
    lint_imports,
)


def test_the_code_base_keeps_every_import_contract() -> None:
    result = lint_imports()

    assert result.returncode == 0, result.stdout + result.stderr
    for contract_id in contract_ids():
        assert f"{contract_name(contract_id)} KEPT" in result.stdout, result.stdout


def test_every_rule_has_its_contract() -> None:
    assert set(contract_ids()) == {
        "business-modules-are-independent",
        "bus-imports-no-module-and-not-the-app",
        "modules-never-import-the-app",
        "kernel-imports-no-business-module",
        "module-internals-are-private",
        "modules-use-only-the-module-facing-bus",
    }


def test_the_independence_contract_lists_every_business_module_directory() -> None:
    gaps = independence_contract_gaps(ROOT, independent_modules())

    assert not gaps, "\n".join(gaps)


def test_a_new_module_directory_missing_from_the_independence_contract_is_caught(
    tree,
) -> None:
    (tree / "modules" / "planted").mkdir()
    (tree / "modules" / "planted" / "__init__.py").write_text("")

    gaps = independence_contract_gaps(tree, independent_modules())

    assert len(gaps) == 1
    assert "modules/planted/ exists but modules.planted is not listed" in gaps[0]


def test_a_listed_module_without_a_directory_is_caught(tree) -> None:
    gaps = independence_contract_gaps(tree, [*independent_modules(), "modules.planted"])

    assert len(gaps) == 1
    assert "modules.planted is listed" in gaps[0]
    assert "modules/planted/ does not exist" in gaps[0]
