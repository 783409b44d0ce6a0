"""The Notifications API v1 resources StockGuard reads back (destinations and subscriptions)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


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
