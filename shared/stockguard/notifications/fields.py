"""Field types shared by the notification models: lenient where real messages vary, strict where a
decision depends on the value.

- Ids are non-empty strings, format not checked (official examples use ids like "123").
- Quantities are JSON integers (as JSON Schema means it: 12 or 12.0, never "12", 12.5 or true),
  0 ≤ n ≤ 10**9: a negative or absurd stock figure is a broken message, not a fact to act on.
- Keys inside payloads follow each type's schema casing, but the other casing of the first letter is
  accepted too (SellerId / sellerId): Amazon has switched a schema's casing before (B2B AOC, 2026-02).
- Timestamps must be ISO 8601 strings (a bare number is not accepted as epoch time); a naive time is UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AliasChoices, AliasGenerator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints

MAX_QUANTITY = 10**9


def _either_first_letter(name: str) -> AliasChoices:
    """The schema spelling first (error paths show it), then the other casing of its first letter."""
    return AliasChoices(name, name[:1].swapcase() + name[1:])


class Lenient(BaseModel):
    """Base of every notification model: unknown fields are ignored, models are immutable."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        alias_generator=AliasGenerator(validation_alias=_either_first_letter),
        populate_by_name=True,
    )


def _require_string(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("Input should be an ISO 8601 date-time string")
    return value


def _json_integer(value: Any) -> Any:
    """12.0 is an integer in JSON; true is not (bool is an int subclass in Python)."""
    if isinstance(value, bool):
        raise ValueError("Input should be a JSON integer, not a boolean")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Id = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Quantity = Annotated[int, BeforeValidator(_json_integer), Strict(), Field(ge=0, le=MAX_QUANTITY)]
Timestamp = Annotated[datetime, BeforeValidator(_require_string), AfterValidator(_as_utc)]
Flag = Annotated[bool, Strict()]


def is_new_condition(condition: str | None) -> bool:
    """Featured Offer decisions are for condition new only; real messages vary the casing ("New", "new")."""
    return condition is not None and condition.strip().lower() == "new"
