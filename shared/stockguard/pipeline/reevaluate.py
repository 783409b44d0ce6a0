"""Delayed re-evaluation: when the dwell time holds a decision back, ask SQS to bring it back later.

Without it a restock that arrives inside the dwell time would leave ads paused until the next
notification, which for FBA may never come. The message goes to the function's own queue with
DelaySeconds (SQS allows at most 900 s; a longer wait chains) and carries the event time at which to
decide again, so a replay decides exactly as live processing did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import boto3

from stockguard.domain.facts import ProductKey
from stockguard.notifications import build_reevaluate_message, reevaluation_id

MAX_DELAY_SECONDS = 900


class ReevaluateSender:
    """`client`: an SQS client; by default one is created on the first re-evaluation, not at cold start (most
    invocations schedule none, and a boto3 client costs tens of milliseconds of the cold start)."""

    def __init__(self, queue_url: str, *, client=None) -> None:
        self._queue_url = queue_url
        self._sqs = client

    @property
    def _client(self):
        if self._sqs is None:
            self._sqs = boto3.client("sqs")
        return self._sqs

    def schedule(self, products: Sequence[ProductKey], *, at: datetime, now: datetime, source: str) -> None:
        """`source`: the notification whose decision waits (it names the re-evaluation, see reevaluation_id)."""
        at = min(at, now + timedelta(seconds=MAX_DELAY_SECONDS))  # longer waits chain
        delay = int(max(0, min(MAX_DELAY_SECONDS, (at - now).total_seconds())))
        body = build_reevaluate_message(list(products), at=at, notification_id=reevaluation_id(products, at, source=source))
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=body, DelaySeconds=delay)
