"""Per-method call counts of the in-memory adapters.

Why: benchmarks report "requests" per backend; for the DynamoDB adapters those are AWS calls, for the
in-memory ones each port method call counts as one (what a request to a real store would be).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Counted(Protocol):
    calls: Counter[str]


S = TypeVar("S", bound=Counted)


def counted(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Count each call of `method` in `self.calls[<method name>]` (signature kept for the type checker)."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self.calls[method.__name__] += 1
        return method(self, *args, **kwargs)

    return wrapper
