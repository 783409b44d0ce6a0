"""NotificationError: why a message body cannot be used, naming the field path.

The message ends in the batch item failures and, after maxReceiveCount, in the DLQ; the text is logged,
so it names fields and never echoes values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_MAX_LISTED = 5


class NotificationError(ValueError):
    """A message body that is not a usable notification (malformed, incomplete or unsupported)."""


def field_path(loc: Iterable[Any], *, pascal: bool) -> str:
    """('payload', 'Offers', 0, 'SellerId') -> 'Payload.Offers[0].SellerId' for a PascalCase type.

    Envelope keys are validated in camelCase (see envelope.py); they are shown in the casing of the
    type's schema so that the path can be looked up there.
    """
    parts: list[str] = []
    top: str | None = None
    for depth, segment in enumerate(loc):
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
            continue
        name = str(segment)
        if pascal and (depth == 0 or (depth == 1 and top == "notificationMetadata")):
            name = name[:1].upper() + name[1:]
        if depth == 0:
            top = str(segment)
        parts.append(name if not parts else f".{name}")
    return "".join(parts) or "body"


def _message(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return "field required"
    return str(error["msg"]).removeprefix("Value error, ")


def from_validation_error(error: ValidationError, *, pascal: bool) -> NotificationError:
    """One readable line per problem (the first few), without the offending input values."""
    problems = [f"{field_path(e['loc'], pascal=pascal)}: {_message(e)}" for e in error.errors(include_input=False)]
    text = "; ".join(problems[:_MAX_LISTED])
    if len(problems) > _MAX_LISTED:
        text += f"; (+{len(problems) - _MAX_LISTED} more)"
    return NotificationError(text)
