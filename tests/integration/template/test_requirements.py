"""shared/requirements.txt (what `sam build` puts in SharedLayer) is exactly the runtime part of uv.lock:
no dev group, no `local` extra, nothing stale."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from tests.integration.template.cfn import ROOT

REQUIREMENTS = ROOT / "shared" / "requirements.txt"
UV = ROOT / ".tools" / "uv" / "bin" / "uv"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(text: str) -> dict[str, str]:
    """name -> version of every `name==version` line (markers and comments ignored)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[canonical(name.split("[")[0])] = version.strip()
    return found


def runtime_closure(lock: dict) -> dict[str, set[str]]:
    """name -> locked versions reachable from the project's own dependencies (extras of dependencies
    followed, the project's optional extras and dependency groups not)."""
    packages: dict[str, list[dict]] = {}
    for package in lock["package"]:
        packages.setdefault(canonical(package["name"]), []).append(package)
    (project,) = [p for p in lock["package"] if p.get("source", {}).get("editable") == "." or p.get("source", {}).get("virtual") == "."]
    seen: dict[str, set[str]] = {}
    todo = [(canonical(d["name"]), tuple(d.get("extra", []))) for d in project.get("dependencies", [])]
    visited: set[tuple[str, tuple]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        for package in packages[name]:
            seen.setdefault(name, set()).add(package["version"])
            deps = list(package.get("dependencies", []))
            for extra in extras:
                deps += package.get("optional-dependencies", {}).get(extra, [])
            todo += [(canonical(d["name"]), tuple(d.get("extra", []))) for d in deps]
    return seen


def test_requirements_pin_exactly_the_locked_runtime_closure():
    # Given the lock's runtime closure and the committed requirements
    closure = runtime_closure(tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8")))
    committed = pinned(REQUIREMENTS.read_text(encoding="utf-8"))
    # Then they name the same packages, each at a locked version
    assert set(committed) == set(closure), (
        f"missing: {sorted(set(closure) - set(committed))}, extra: {sorted(set(committed) - set(closure))}; run `make requirements`"
    )
    wrong = {n: v for n, v in committed.items() if v not in closure[n]}
    assert not wrong, f"versions not in uv.lock: {wrong}; run `make requirements`"


def test_requirements_ship_nothing_local_or_dev():
    committed = pinned(REQUIREMENTS.read_text(encoding="utf-8"))
    for name in ("moto", "pyyaml", "pytest", "hypothesis", "stockguard", "flask", "werkzeug"):
        assert name not in committed, f"{name} must not be in the Lambda layer"
    for name in ("pydantic", "pydantic-core", "httpx", "aws-lambda-powertools", "aws-xray-sdk"):
        assert name in committed, f"{name} must be in the Lambda layer"


@pytest.mark.skipif(not UV.exists(), reason=".tools/uv not bootstrapped (make bootstrap); the lock closure test still runs")
def test_requirements_equal_the_export_command():
    # The same command `make requirements` runs; --offline: it reads uv.lock only.
    exported = subprocess.run(
        [str(ROOT / "tools" / "export-requirements.sh")], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert exported == REQUIREMENTS.read_text(encoding="utf-8"), "shared/requirements.txt is stale: run `make requirements`"
