"""What a handler answers, and the error bodies the Ads API and LWA use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = "application/json"


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-serialisable; None = empty body
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised by handlers to answer a whole-request error; never carries credentials."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(f"{reply.status}")
        self.reply = reply


def gateway_error(status: int, code: str, details: str) -> Reply:
    """Auth, scope and routing errors, answered before any endpoint code runs.

    Amazon answers these as {code, details}; the SP/SB specs name the text `message`, so both keys
    carry it and a client may read either."""
    return Reply(status, {"code": code, "details": details, "message": details})


def message_error(status: int, code: str, message: str, content_type: str = JSON) -> Reply:
    """SP v3 / SB v4 endpoint errors: {code, message}."""
    return Reply(status, {"code": code, "message": message}, content_type)


def details_error(status: int, code: str, details: str) -> Reply:
    """Sponsored Display endpoint errors: {code, details}."""
    return Reply(status, {"code": code, "details": details})


def lwa_error(error: str, description: str, status: int = 400) -> Reply:
    return Reply(status, {"error": error, "error_description": description})
