"""Import every handler from the `sam build` artifact the way Lambda does: the function directory and
the layer's python/ on sys.path, nothing else (run with python3.13 -I -S -B: no site-packages, and
no __pycache__ written into the artifact).

Why: check_build.py proves the files are there; this proves they load on the Lambda interpreter and
that the handlers never need the dev package (stockguard_dev) or the local-only extras (moto, yaml)
that the CLI and simulator import: importing any of them fails.
Also imports the modules the handlers build lazily at cold start, so a broken lazy import fails here
and not on the first notification in production.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import pkgutil
import sys
from pathlib import Path

FUNCTIONS = ("InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction", "ReconcileFunction")
FORBIDDEN = ("moto", "yaml", "stockguard_dev")


class _Forbid(importlib.abc.MetaPathFinder):
    """Make moto/yaml/stockguard_dev unimportable even if the interpreter happens to have them."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in FORBIDDEN:
            raise ImportError(f"{fullname} is local-only and must not be needed by the handlers")
        return None


def runtime_modules(directory: Path, name: str) -> list[str]:
    """Every module of the package, found on disk (the layer holds only the runtime package)."""
    found = [name]
    for info in pkgutil.iter_modules([str(directory)]):
        child = f"{name}.{info.name}"
        if info.ispkg:
            found += runtime_modules(directory / info.name, child)
        elif info.name != "__main__":
            found.append(child)
    return found


def main() -> int:
    build = Path(sys.argv[1] if len(sys.argv) > 1 else ".aws-sam/build").resolve()
    layer = build / "SharedLayer" / "python"
    sys.meta_path.insert(0, _Forbid())
    sys.path[:0] = [str(layer)]
    errors: list[str] = []
    for function in FUNCTIONS:
        path = build / function / "app.py"
        spec = importlib.util.spec_from_file_location(f"smoke_{function}", path)
        try:
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            if not callable(getattr(module, "handler", None)):
                errors.append(f"{function}: app.handler is not callable")
        except Exception as error:
            errors.append(f"{function}: {type(error).__name__}: {error}")
    for name in runtime_modules(layer / "stockguard", "stockguard"):
        try:
            importlib.import_module(name)
        except Exception as error:
            errors.append(f"{name}: {type(error).__name__}: {error}")
    for error in errors:
        print(f"smoke_layer: {error}", file=sys.stderr)
    if not errors:
        print(
            f"smoke_layer: {len(FUNCTIONS)} handlers and the stockguard runtime import on Python "
            f"{sys.version_info.major}.{sys.version_info.minor} from the layer alone"
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
