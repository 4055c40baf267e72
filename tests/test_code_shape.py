"""The code stays in pieces a newcomer can read: no module of smx_lab over 600 lines, no function
over 60, and the words of the vocabulary spelt in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "smx_lab"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def test_the_package_has_modules_to_check() -> None:
    assert len(MODULES) > 20


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_600_lines(module: Path) -> None:
    assert len(module.read_text("utf-8").splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_is_longer_than_60_lines(module: Path) -> None:
    tree = ast.parse(module.read_text("utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize(
    "pattern",
    [
        r"[\"']ExperimentTrialComponent[\"']",
        r"environ(\.get)?\(\s*[\"']SMX_LAB_(STORE|DB)",
        r"[\"']StdDev[\"']\s*:\s*[\"']std_dev[\"']",
    ],
)
def test_the_vocabulary_is_spelt_once(pattern: str) -> None:
    # The embedded store's schema migrations are history: their SQL text never changes.
    spelt = [
        str(module.relative_to(PACKAGE))
        for module in MODULES
        if re.search(pattern, module.read_text("utf-8"))
        and module != PACKAGE / "stores" / "local" / "schema.py"
    ]
    assert spelt == ["vocabulary.py"] or spelt == [], spelt
