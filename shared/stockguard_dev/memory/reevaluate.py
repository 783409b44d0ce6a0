"""In-memory re-evaluation scheduler: records the SQS messages pipeline.reevaluate.ReevaluateSender
would send, by being that sender's SQS client.

Why not re-implement schedule(): the body, the re-evaluation id and the DelaySeconds (capped at 900 s,
longer waits chain) are then computed by the production code itself, so what is recorded here is exactly
what the SQS queue would receive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from stockguard.domain.facts import ProductKey
from stockguard.pipeline.reevaluate import ReevaluateSender
from stockguard_dev.memory._counting import counted


class SentMessage(NamedTuple):
    queue_url: str
    body: str
    delay_seconds: int


class MemoryReevaluations:
    def __init__(self, queue_url: str = "memory://reevaluate") -> None:
        self.messages: list[SentMessage] = []
        self.calls: Counter[str] = Counter()
        self._sender = ReevaluateSender(queue_url, client=self)

    @counted
    def schedule(self, products: Sequence[ProductKey], *, at: datetime, now: datetime, source: str) -> None:
        self._sender.schedule(products, at=at, now=now, source=source)

    def send_message(self, *, QueueUrl: str, MessageBody: str, DelaySeconds: int = 0, **_: Any) -> dict[str, str]:
        """The one SQS client call ReevaluateSender makes."""
        self.messages.append(SentMessage(QueueUrl, MessageBody, int(DelaySeconds)))
        return {"MessageId": f"memory-{len(self.messages)}"}
