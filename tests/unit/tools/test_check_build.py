"""tools/check_build.py: the layer artifact check fails on the dev package or a dev-only import."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def _check_build():
    spec = importlib.util.spec_from_file_location("check_build", ROOT / "tools" / "check_build.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _fake_build(tmp_path: Path) -> Path:
    """A build directory that passes: the layer packages, the cp313 pydantic-core, the handlers."""
    site = tmp_path / "SharedLayer" / "python"
    for package in _check_build().LAYER_PACKAGES:
        (site / package).mkdir(parents=True)
    (site / "stockguard" / "__init__.py").write_text("")
    (site / "pydantic_core" / "_pydantic_core.cpython-313-x86_64-linux-gnu.so").write_text("")
    for function in _check_build().FUNCTIONS:
        (tmp_path / function).mkdir()
        (tmp_path / function / "app.py").write_text("")
    return tmp_path


def test_a_clean_layer_passes(tmp_path):
    # Given a layer with the runtime package and its dependencies only
    build = _fake_build(tmp_path)
    # When it is checked
    # Then nothing is wrong
    assert _check_build().problems(build) == []


def test_the_dev_package_in_the_layer_fails(tmp_path):
    # Given a layer that also ships stockguard_dev
    build = _fake_build(tmp_path)
    (build / "SharedLayer" / "python" / "stockguard_dev").mkdir()
    # When it is checked / Then the check names it
    assert any("stockguard_dev present" in p for p in _check_build().problems(build))


@pytest.mark.parametrize(
    "source",
    ["import moto\n", "from yaml import safe_load\n", "def f():\n    from stockguard_dev.cli import main\n", "import os, moto.core\n"],
)
def test_a_runtime_module_importing_dev_only_code_fails(tmp_path, source):
    # Given a runtime module that imports the dev package or a local-only extra (even lazily)
    build = _fake_build(tmp_path)
    (build / "SharedLayer" / "python" / "stockguard" / "bad.py").write_text(source)
    # When it is checked / Then the import is reported
    problems = _check_build().problems(build)
    assert any("stockguard/bad.py imports" in p for p in problems), problems


def test_the_repository_runtime_package_imports_nothing_dev_only():
    # Given the runtime package as it is in the repository / Then no module imports dev-only code
    assert _check_build().forbidden_imports(ROOT / "shared" / "stockguard") == []


def test_the_checks_cover_every_function_of_the_template():
    # A function added to template.yaml but not to the artifact checks would ship unchecked.
    from stockguard_dev.local.template import load_template

    template = load_template(ROOT / "template.yaml")
    declared = {k for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    smoke = importlib.util.spec_from_file_location("smoke_layer", ROOT / "tools" / "smoke_layer.py")
    assert smoke is not None
    module = importlib.util.module_from_spec(smoke)
    smoke.loader.exec_module(module)  # type: ignore[union-attr]
    assert set(_check_build().FUNCTIONS) == declared == set(module.FUNCTIONS)
