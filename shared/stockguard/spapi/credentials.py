"""SP-API app credentials from a file or a Secrets Manager secret, held as SecretStr.

Two shapes are read:

- one seller (what `stockguard subscribe` has always used): `{"client_id", "client_secret", "refresh_token"}`,
  optionally with `seller_id`, `region` and `marketplace_ids`; the seller id is then None (unknown);
- several sellers of one app (the reconciliation pull client): `{"client_id", "client_secret", "sellers":
  [{"seller_id", "region", "refresh_token", "marketplace_ids"}]}`: one LWA app, one refresh token per
  seller who authorised it, because an access token belongs to one consent.

Every secret field is a SecretStr so that a repr, a log line or a traceback never shows a value; error
messages name the source and the field, never the content (pydantic's own messages would echo the
input, so they are not passed on).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from stockguard.spapi.errors import CredentialsError
from stockguard.spapi.regions import resolve_region

_ONE_SELLER_KEYS = "client_id, client_secret, refresh_token"
_SELLERS_KEYS = "client_id, client_secret, sellers[].seller_id, sellers[].region, sellers[].refresh_token, sellers[].marketplace_ids"
_Model = TypeVar("_Model", bound=BaseModel)
AccountType = Literal["seller", "vendor"]


class SpApiCredentials(BaseModel):
    """{"client_id", "client_secret", "refresh_token"} of the SP-API app and the authorising seller."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: SecretStr
    client_secret: SecretStr
    refresh_token: SecretStr

    def secret_values(self) -> list[str]:
        """The raw values, for scrubbing them out of any text that leaves the process."""
        return [s.get_secret_value() for s in (self.client_id, self.client_secret, self.refresh_token)]


def _region_code(value: str | None) -> str | None:
    """na / eu / fe (the AWS region names are accepted too, as `stockguard subscribe --region` does)."""
    return None if value is None else resolve_region(value).code


class SellerCredentials(SpApiCredentials):
    """One seller's view of the app: the app's client id and secret plus that seller's consent.

    A subclass of SpApiCredentials, so anything that takes the one-seller credentials (the Notifications
    API client, LwaTokens) takes these. `seller_id` is None when the secret had the one-seller shape;
    `region` is None when it did not say (then an endpoint must be given by value)."""

    seller_id: str | None = Field(default=None, min_length=1)
    region: str | None = None
    marketplace_ids: tuple[str, ...] = ()
    account_type: AccountType = "seller"

    normalise_region = field_validator("region")(_region_code)


class SellerAuthorization(BaseModel):
    """One entry of `sellers`: who authorised the app, where, and for which marketplaces."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    seller_id: str | None = Field(default=None, min_length=1)
    region: str | None = None
    refresh_token: SecretStr
    marketplace_ids: tuple[str, ...] = ()
    account_type: AccountType = "seller"  # "vendor": the reconciliation skips it (no FBA Inventory API)

    normalise_region = field_validator("region")(_region_code)


class SpApiAppCredentials(BaseModel):
    """The app's client id and secret and every seller who authorised it (at least one)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: SecretStr
    client_secret: SecretStr
    sellers: tuple[SellerAuthorization, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_sellers(self) -> SpApiAppCredentials:
        ids = [s.seller_id for s in self.sellers if s.seller_id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate seller_id")  # the value is never shown: see parse_app_credentials
        return self

    @property
    def seller_ids(self) -> tuple[str | None, ...]:
        return tuple(s.seller_id for s in self.sellers)

    def seller(self, seller_id: str | None = None) -> SellerCredentials:
        """The credentials of one seller; without an id, the only seller (an error when there are several)."""
        if seller_id is None:
            if len(self.sellers) != 1:
                raise CredentialsError(f"the credentials hold {len(self.sellers)} sellers: name the seller id")
            return self._for(self.sellers[0])
        for entry in self.sellers:
            if entry.seller_id == seller_id:
                return self._for(entry)
        raise CredentialsError(f"the credentials hold no seller {seller_id!r}")

    def all_sellers(self) -> list[SellerCredentials]:
        return [self._for(entry) for entry in self.sellers]

    def secret_values(self) -> list[str]:
        """The raw values (the app's and every refresh token), for scrubbing them out of any text."""
        values = [self.client_id.get_secret_value(), self.client_secret.get_secret_value()]
        return values + [s.refresh_token.get_secret_value() for s in self.sellers]

    def _for(self, entry: SellerAuthorization) -> SellerCredentials:
        return SellerCredentials(client_id=self.client_id, client_secret=self.client_secret, **entry.model_dump())


def _json_object(text: str, source: str, expected: str) -> dict[str, Any]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise CredentialsError(f"{source} is not valid JSON") from None
    if not isinstance(data, dict):
        raise CredentialsError(f"{source} must hold a JSON object with {expected}")
    return data


def _validate(model: type[_Model], data: dict[str, Any], source: str, expected: str) -> _Model:
    """model_validate whose error names the fields only (pydantic's message would echo the values)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "sellers (duplicate seller_id)" for e in exc.errors()})
        raise CredentialsError(
            f"{source} is missing or has invalid fields: {', '.join(fields)} (expected non-empty strings {expected})"
        ) from None


def parse_credentials(text: str, source: str) -> SpApiCredentials:
    """The one-seller shape (what `stockguard subscribe` reads)."""
    data = _json_object(text, source, _ONE_SELLER_KEYS)
    return _validate(SpApiCredentials, data, source, _ONE_SELLER_KEYS)


def parse_app_credentials(text: str, source: str) -> SpApiAppCredentials:
    """Either shape: with `sellers`, every seller; without it, the one-seller shape as a single seller."""
    data = _json_object(text, source, f"{_ONE_SELLER_KEYS} (or sellers)")
    if "sellers" in data:
        return _validate(SpApiAppCredentials, data, source, _SELLERS_KEYS)
    one = _validate(SellerCredentials, data, source, _ONE_SELLER_KEYS)
    seller = SellerAuthorization.model_validate(one.model_dump(exclude={"client_id", "client_secret"}))
    return SpApiAppCredentials(client_id=one.client_id, client_secret=one.client_secret, sellers=(seller,))


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


@contextmanager
def _botocore_bodies_unlogged() -> Iterator[None]:
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


def _read_file(path: str | Path) -> tuple[str, str]:
    """(text, source description) of a credentials file."""
    source = f"credentials file {str(path)!r}"
    try:
        return Path(path).read_text(encoding="utf-8"), source
    except FileNotFoundError:
        raise CredentialsError(f"{source} not found") from None
    except OSError as exc:
        raise CredentialsError(f"{source} cannot be read ({exc.strerror})") from None


def _read_secret(secret_id: str, client: Any = None) -> tuple[str, str]:
    """(SecretString, source description); an ARN is read in its own region, a name in the default one."""
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
    return text, source


def load_from_file(path: str | Path) -> SpApiCredentials:
    return parse_credentials(*_read_file(path))


def load_from_secret(secret_id: str, client: Any = None) -> SpApiCredentials:
    """Read the secret's SecretString; an ARN is read in its own region, a name in the default one."""
    return parse_credentials(*_read_secret(secret_id, client))


def load_app_credentials_from_file(path: str | Path) -> SpApiAppCredentials:
    return parse_app_credentials(*_read_file(path))


def load_app_credentials_from_secret(secret_id: str, client: Any = None) -> SpApiAppCredentials:
    """Either shape from Secrets Manager (an ARN is read in its own region)."""
    return parse_app_credentials(*_read_secret(secret_id, client))
