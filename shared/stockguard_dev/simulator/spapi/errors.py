"""SP-API error bodies: {"errors": [{"code", "message", "details"?}]} (reference §9), and the few
answers every operation shares (403 Unauthorized, 429 QuotaExceeded, 400 InvalidInput)."""

from __future__ import annotations

from typing import Any

from stockguard_dev.simulator.reply import ApiError, Reply

ACCESS_DENIED = "Access to requested resource is denied."


def error_list(code: str, message: str, details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"errors": [error]}


def sp_error(status: int, code: str, message: str, details: str | None = None) -> Reply:
    return Reply(status, error_list(code, message, details))


def invalid_input(message: str) -> ApiError:
    return ApiError(sp_error(400, "InvalidInput", message))


def unauthorized(details: str = "") -> ApiError:
    return ApiError(sp_error(403, "Unauthorized", ACCESS_DENIED, details))


def quota_exceeded() -> Reply:
    return sp_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "")


def not_found(message: str) -> ApiError:
    return ApiError(sp_error(404, "NOT_FOUND", message))
