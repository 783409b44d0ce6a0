"""Invoke a handler the way `sam local invoke` does: handler path and environment from template.yaml.

The module is loaded from functions/<dir>/<module>.py under a unique name (three `app.py` must not
collide) and cached per function, so warm invocations keep their state (clients, tokens, caches) exactly
as a warm Lambda container would; `cold_start()` drops it.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from stockguard_dev.local.provision import ACCOUNT, ProvisionedStack
from stockguard_dev.local.template import functions

_counter = itertools.count()


@dataclass
class FakeLambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = ""
    deadline_monotonic: float = 0.0
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline_monotonic - time.monotonic()) * 1000))


class LambdaInvoker:
    """`on_load(function, module)` runs once per (cold) module load: the seam where a local tool injects
    into the handler's own ServicesCache (`module.services.override(factory=...)`), as a test would."""

    def __init__(
        self, template_path: str | Path, stack: ProvisionedStack, *, on_load: Callable[[str, ModuleType], None] | None = None
    ) -> None:
        self.root = Path(template_path).resolve().parent
        self.stack = stack
        self.specs = functions(stack.template)
        self.on_load = on_load
        self._modules: dict[str, ModuleType] = {}

    def environment(self, function_logical_id: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
        env = self.stack.environment_for(function_logical_id)
        env.update(
            {"AWS_REGION": self.stack.region, "AWS_DEFAULT_REGION": self.stack.region, "AWS_LAMBDA_FUNCTION_NAME": function_logical_id}
        )
        if self.stack.endpoint_url:
            env["AWS_ENDPOINT_URL"] = self.stack.endpoint_url
        env.update(extra_env or {})
        return env

    @contextmanager
    def environ(self, function_logical_id: str, extra_env: dict[str, str] | None = None) -> Iterator[None]:
        env = self.environment(function_logical_id, extra_env)
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def module(self, function_logical_id: str) -> ModuleType:
        if function_logical_id not in self._modules:
            spec = self.specs[function_logical_id]
            path = self.root / spec.module_file
            name = f"stockguard_fn_{function_logical_id}_{next(_counter)}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot load handler {spec.handler} from {path}")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            module_spec.loader.exec_module(module)
            self._modules[function_logical_id] = module
            if self.on_load is not None:
                self.on_load(function_logical_id, module)
        return self._modules[function_logical_id]

    def cold_start(self, function_logical_id: str | None = None) -> None:
        for key in [function_logical_id] if function_logical_id else list(self._modules):
            module = self._modules.pop(key, None)
            if module is not None:
                sys.modules.pop(module.__name__, None)

    def context(self, function_logical_id: str, remaining_ms: int | None = None) -> FakeLambdaContext:
        spec = self.specs[function_logical_id]
        remaining = remaining_ms if remaining_ms is not None else spec.timeout * 1000
        return FakeLambdaContext(
            function_name=function_logical_id,
            invoked_function_arn=f"arn:aws:lambda:{self.stack.region}:{ACCOUNT}:function:{function_logical_id}",
            aws_request_id=str(uuid.uuid4()),
            deadline_monotonic=time.monotonic() + remaining / 1000,
            log_group_name=f"/aws/lambda/{function_logical_id}",
        )

    def invoke(
        self,
        function_logical_id: str,
        event: dict,
        *,
        context: Any = None,
        remaining_ms: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Any:
        spec = self.specs[function_logical_id]
        with self.environ(function_logical_id, extra_env):
            handler = getattr(self.module(function_logical_id), spec.function_name)
            return handler(event, context or self.context(function_logical_id, remaining_ms))
