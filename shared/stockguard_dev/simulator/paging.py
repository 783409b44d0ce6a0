"""Opaque nextToken values and page slicing shared by the list endpoints."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, TypeVar

T = TypeVar("T")


def encode_state(state: dict[str, Any]) -> str:
    """An opaque, URL-safe token carrying `state` (JSON-serialisable): the server stays stateless."""
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_state(token: str) -> dict[str, Any]:
    """The state inside a token made by encode_state; ValueError for anything else."""
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError("invalid nextToken") from exc
    if not isinstance(state, dict):
        raise ValueError("invalid nextToken")
    return state


def encode_token(offset: int) -> str:
    return encode_state({"o": offset})


def decode_token(token: str) -> int:
    """The offset inside a token made by encode_token; ValueError for anything else."""
    offset = decode_state(token).get("o")
    if not isinstance(offset, int) or offset < 0:
        raise ValueError("invalid nextToken")
    return offset


def page(items: list[T], offset: int, size: int) -> tuple[list[T], str | None]:
    """The slice at offset and the token of the next page (None on the last page)."""
    chunk = items[offset : offset + size]
    end = offset + len(chunk)
    return chunk, (encode_token(end) if end < len(items) else None)


def as_int(value: Any) -> int | None:
    """An int from a JSON number or numeric string (bools excluded), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
