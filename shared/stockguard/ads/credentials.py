"""Ads API credentials: from Secrets Manager (the deployed service) or a file (the CLI).

Values are SecretStr: they never appear in a repr, a log line or an exception message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

from stockguard.ads.errors import AdsApiAuthError


class AdsCredentials(BaseModel):
    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr

    @field_validator("client_id")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("client_secret", "refresh_token")
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value


def _parse(data: object, where: str) -> AdsCredentials:
    if not isinstance(data, dict):
        raise AdsApiAuthError(f"{where}: expected a JSON object with client_id, client_secret, refresh_token")
    try:
        return AdsCredentials.model_validate(data)
    except ValidationError as error:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) + f" ({e['msg']})" for e in error.errors(include_input=False))
        raise AdsApiAuthError(f"{where}: invalid Ads API credentials: {fields}") from None


@contextmanager
def _no_botocore_debug() -> Iterator[None]:
    """botocore logs whole responses at DEBUG (GetSecretValue = the secret itself): never let that out."""
    loggers = [logging.getLogger(n) for n in ("botocore.parsers", "botocore.endpoint", "botocore.hooks", "botocore.retryhandler")]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(max(lg.level, logging.INFO) if lg.level else logging.INFO)
    try:
        yield
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


def _failure(error: BaseException) -> str:
    """The AWS error code (ResourceNotFoundException, AccessDeniedException…) or the exception type: never a value."""
    seen: BaseException | None = error
    while seen is not None:
        code = getattr(seen, "response", {}).get("Error", {}).get("Code") if isinstance(getattr(seen, "response", None), dict) else None
        if code:
            return f"{type(error).__name__} ({code})"
        seen = seen.__cause__ or seen.__context__
    return type(error).__name__


def load_credentials_from_secret(secret_name: str, max_age: int = 300) -> AdsCredentials:
    """The secret named by ADS_CREDENTIALS_SECRET (SecretString JSON), cached by powertools for `max_age`
    seconds across warm invocations. Errors name the secret and the failure type, never its value."""
    from aws_lambda_powertools.utilities import parameters

    if not secret_name:
        raise AdsApiAuthError("no Ads credentials secret configured (ADS_CREDENTIALS_SECRET is empty)")
    with _no_botocore_debug():
        try:
            value = parameters.get_secret(secret_name, max_age=max_age, transform="json")
        except parameters.exceptions.TransformParameterError:
            raise AdsApiAuthError(f"secret {secret_name!r}: SecretString is not JSON") from None
        except Exception as error:
            raise AdsApiAuthError(f"cannot read the Ads credentials secret {secret_name!r}: {_failure(error)}") from None
    return _parse(value, f"secret {secret_name!r}")


def load_credentials_from_file(path: str | Path) -> AdsCredentials:
    """A JSON file {"client_id", "client_secret", "refresh_token"} (the CLI, local runs)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise AdsApiAuthError(f"{path}: cannot read credentials: {error.strerror}") from None
    except json.JSONDecodeError:
        raise AdsApiAuthError(f"{path}: credentials file is not JSON") from None
    return _parse(data, str(path))
