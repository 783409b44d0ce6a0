"""The Notifications API v1 resources StockGuard reads back (destinations and subscriptions), and the base
of the pull operations' response models (inventory_api, listings_api, pricing_api)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class CamelModel(BaseModel):
    """A response object of the SP-API's camelCase APIs: snake_case names in Python, the official camelCase
    names on the wire; unknown fields are ignored (Amazon adds fields without a new version)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, alias_generator=to_camel)


class SqsResource(_Model):
    arn: str


class DestinationResource(_Model):
    sqs: SqsResource | None = None


class Destination(_Model):
    destination_id: str = Field(alias="destinationId")
    name: str = ""
    resource: DestinationResource = DestinationResource()

    @property
    def sqs_arn(self) -> str | None:
        return self.resource.sqs.arn if self.resource.sqs else None


class Subscription(_Model):
    subscription_id: str = Field(alias="subscriptionId")
    payload_version: str = Field(default="", alias="payloadVersion")
    destination_id: str = Field(alias="destinationId")
    processing_directive: dict[str, Any] | None = Field(default=None, alias="processingDirective")
