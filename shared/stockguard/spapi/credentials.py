"""SP-API app credentials from a file or a Secrets Manager secret, held as SecretStr.

Every field is a SecretStr so that a repr, a log line or a traceback never shows a value; error
messages name the source and the field, never the content (pydantic's own messages would echo the
input, so they are not passed on).
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from stockguard.spapi.errors import CredentialsError


class SpApiCredentials(BaseModel):
    """{"client_id", "client_secret", "refresh_token"} of the SP-API app and the authorising seller."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: SecretStr
    client_secret: SecretStr
    refresh_token: SecretStr

    def secret_values(self) -> list[str]:
        """The raw values, for scrubbing them out of any text that leaves the process."""
        return [s.get_secret_value() for s in (self.client_id, self.client_secret, self.refresh_token)]


def parse_credentials(text: str, source: str) -> SpApiCredentials:
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise CredentialsError(f"{source} is not valid JSON") from None
    if not isinstance(data, dict):
        raise CredentialsError(f"{source} must hold a JSON object with client_id, client_secret, refresh_token")
    try:
        return SpApiCredentials.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        raise CredentialsError(
            f"{source} is missing or has invalid fields: {', '.join(fields)} "
            "(expected non-empty strings client_id, client_secret, refresh_token)"
        ) from None


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


@contextmanager
def _botocore_bodies_unlogged():
    """botocore logs whole response bodies at DEBUG, which for GetSecretValue is the secret itself."""
    loggers = [logging.getLogger(name) for name in ("botocore.parsers", "botocore.endpoint", "botocore.hooks")]
    drop = _DropDebug()
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)


def load_from_file(path: str | Path) -> SpApiCredentials:
    source = f"credentials file {str(path)!r}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CredentialsError(f"{source} not found") from None
    except OSError as exc:
        raise CredentialsError(f"{source} cannot be read ({exc.strerror})") from None
    return parse_credentials(text, source)


def load_from_secret(secret_id: str, client: Any = None) -> SpApiCredentials:
    """Read the secret's SecretString; an ARN is read in its own region, a name in the default one."""
    source = f"secret {secret_id!r}"
    if client is None:
        import boto3  # deferred: the --credentials-file path and --dry-run need no AWS SDK set-up

        region = secret_id.split(":")[3] if secret_id.startswith("arn:") and secret_id.count(":") >= 6 else None
        client = boto3.client("secretsmanager", region_name=region) if region else boto3.client("secretsmanager")
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        with _botocore_bodies_unlogged():
            response = client.get_secret_value(SecretId=secret_id)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise CredentialsError(f"cannot read {source}: {error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")) from None
    except BotoCoreError as exc:
        raise CredentialsError(f"cannot read {source}: {type(exc).__name__}") from None
    text = response.get("SecretString")
    if not text:
        raise CredentialsError(f"{source} has no SecretString (binary secrets are not supported)")
    return parse_credentials(text, source)
