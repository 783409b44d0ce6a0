"""The common envelope: body decoding, key casing, type detection, metadata.

SP-API uses PascalCase envelopes for some types (ANY_OFFER_CHANGED, FBA) and camelCase for others
(ITEM_INVENTORY_EVENT_CHANGE, PRICING_HEALTH). Like Amazon's own Python sample, the first letter of
every top-level key is lowered (and here also of the NotificationMetadata keys) so one envelope model
fits every type; payload keys keep each type's schema casing.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from stockguard.domain.facts import NotificationType
from stockguard.notifications.errors import NotificationError, from_validation_error
from stockguard.notifications.fields import Id, Lenient, Timestamp

# Types whose schema spells the envelope in PascalCase: used to show error paths as the schema does.
PASCAL_TYPES = frozenset({NotificationType.ANY_OFFER_CHANGED, NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES})

M = TypeVar("M", bound=BaseModel)


class Metadata(Lenient):
    """NotificationMetadata; NotificationId is the dedup key."""

    notificationId: Id
    publishTime: Timestamp | None = None
    applicationId: str | None = None
    subscriptionId: str | None = None


class OptionalMetadata(Lenient):
    """NotificationMetadata where the schema does not declare it (FBA): every member optional."""

    notificationId: Id | None = None
    publishTime: Timestamp | None = None
    applicationId: str | None = None
    subscriptionId: str | None = None


@dataclass(frozen=True)
class Message:
    """One decoded body: as received (for hashing) and with normalised envelope keys (for validation)."""

    raw: dict[str, Any]
    envelope: dict[str, Any]
    type: NotificationType

    @property
    def pascal(self) -> bool:
        return self.type in PASCAL_TYPES

    def validate(self, model: builtins.type[M]) -> M:
        """Validate the normalised envelope; a failure becomes a NotificationError naming the field path."""
        try:
            return model.model_validate(self.envelope)
        except ValidationError as error:
            raise from_validation_error(error, pascal=self.pascal) from None


def _reject_constant(name: str) -> Any:
    raise NotificationError(f"body is not valid JSON: {name} is not allowed")


def decode_body(body: str | bytes | bytearray | Mapping[str, Any]) -> dict[str, Any]:
    """The SQS body is the notification JSON itself (no SNS wrapper, no base64)."""
    if isinstance(body, Mapping):
        data: Any = dict(body)
    else:
        if isinstance(body, (bytes, bytearray)):
            try:
                body = bytes(body).decode("utf-8")
            except UnicodeDecodeError:
                raise NotificationError("body is not valid UTF-8") from None
        if not isinstance(body, str):
            raise NotificationError(f"body must be str, bytes or a JSON object, not {type(body).__name__}")
        try:
            data = json.loads(body, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            raise NotificationError(f"body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
        except RecursionError:  # "[[[[…" nested deeper than the decoder's recursion limit
            raise NotificationError("body is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise NotificationError("body must be a JSON object")
    return data


def lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


def normalise_keys(obj: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """Lower the first letter of each key; two keys that collide ("Payload" and "payload") are rejected."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = lower_first(str(key))
        if name in out:
            raise NotificationError(f"{where}{name}: given twice with different casing")
        out[name] = value
    return out


def normalise_envelope(raw: Mapping[str, Any]) -> dict[str, Any]:
    envelope = normalise_keys(raw)
    metadata = envelope.get("notificationMetadata")
    if isinstance(metadata, Mapping):
        envelope["notificationMetadata"] = normalise_keys(metadata, where="notificationMetadata.")
    return envelope


def notification_type(envelope: Mapping[str, Any]) -> NotificationType:
    """The dispatch key. Missing or unknown types are errors: such a message must reach the DLQ."""
    value = envelope.get("notificationType")
    if isinstance(value, str):
        try:
            return NotificationType(value.strip().upper())
        except ValueError:
            pass
    shown = "<missing>" if value is None else str(value)[:80]
    raise NotificationError(f"unsupported notification type: {shown}")


def read_message(body: str | bytes | bytearray | Mapping[str, Any]) -> Message:
    raw = decode_body(body)
    envelope = normalise_envelope(raw)
    return Message(raw=raw, envelope=envelope, type=notification_type(envelope))
