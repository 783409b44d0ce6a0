"""What the policy knows about one ASIN at decision time, already rolled up from the stored facts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ProductState(BaseModel):
    """available None = stock unknown; featured None = Featured Offer unknown. Unknown is never 'out'."""

    model_config = ConfigDict(frozen=True)

    asin: str
    available: int | None = None
    featured: bool | None = None
    stock_event_time: datetime | None = None
    offer_event_time: datetime | None = None
