"""Check the `sam build` artifact: the layer ships stockguard and its dependencies for python3.13,
and nothing of the dev package (stockguard_dev) or the local-only extras (moto, yaml), not even as
an import in a runtime module.

Why: with only a pyproject.toml SAM's Python builder silently packages no dependencies, and a
layer built against the wrong interpreter ships a pydantic-core that cannot load on Lambda.
Runs with any python3 (standard library only); prints the artifact sizes.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

BUILD = Path(".aws-sam/build")
LAYER_PACKAGES = ("stockguard", "pydantic", "pydantic_core", "httpx", "aws_lambda_powertools", "boto3")
FUNCTIONS = ("InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction", "ReconcileFunction")
# Never in the layer, never imported by the runtime package: the dev package and the local-only extras.
FORBIDDEN_IMPORTS = ("stockguard_dev", "moto", "yaml")


def forbidden_imports(package: Path) -> list[str]:
    """`module: name` for every import of a forbidden top-level package in the runtime package's sources,
    lazy imports inside functions included (an AST walk, so nothing is executed)."""
    found: list[str] = []
    for source in sorted(package.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] in FORBIDDEN_IMPORTS:
                    found.append(f"{source.relative_to(package.parent)} imports {name}")
    return found


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def problems(build: Path) -> list[str]:
    found: list[str] = []
    site = build / "SharedLayer" / "python"
    for package in LAYER_PACKAGES:
        if not (site / package).is_dir():
            found.append(f"SharedLayer/python/{package} missing")
    if not (site / "stockguard" / "__init__.py").is_file():
        found.append("SharedLayer/python/stockguard/__init__.py missing")
    if (site / "stockguard_dev").exists():
        found.append("SharedLayer/python/stockguard_dev present: the dev package must never ship in the layer")
    if (site / "stockguard").is_dir():
        found += [f"runtime module {line} (dev-only)" for line in forbidden_imports(site / "stockguard")]
    core = list((site / "pydantic_core").glob("_pydantic_core.cpython-313-x86_64-linux-gnu.so"))
    if not core:
        found.append("pydantic_core has no cpython-313 x86_64 linux extension (wrong build interpreter?)")
    for function in FUNCTIONS:
        if not (build / function / "app.py").is_file():
            found.append(f"{function}/app.py missing")
    return found


def main() -> int:
    build = Path(sys.argv[1]) if len(sys.argv) > 1 else BUILD
    if not build.is_dir():
        print(f"check_build: {build} does not exist (run sam build)", file=sys.stderr)
        return 1
    for part in ("SharedLayer", *FUNCTIONS):
        path = build / part
        if path.is_dir():
            print(f"  {part:<24} {size_of(path) / 1_048_576:7.1f} MiB unzipped")
    errors = problems(build)
    for error in errors:
        print(f"check_build: {error}", file=sys.stderr)
    if not errors:
        print("check_build: layer has stockguard and its dependencies for python3.13 x86_64")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
