"""Errors of the SP-API client. Messages never contain credentials or tokens."""

from __future__ import annotations


class SpApiError(Exception):
    """An SP-API or LWA call failed for good (or after its retries)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class SpApiAuthError(SpApiError):
    """Login with Amazon refused the credentials: nothing else can work, so the run stops."""


class CredentialsError(Exception):
    """The SP-API credentials could not be read (missing file or secret, bad JSON, missing keys)."""


class SpApiConflictError(SpApiError):
    """HTTP 409: the resource already exists. Set-up treats it as "look the existing one up"."""


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every known secret value in text (a last guard: servers may echo what they were sent)."""
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
