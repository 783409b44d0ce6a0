"""Reconcile messages to the inventory queue (SendMessageBatch, 10 per call).

Why the queue and not a direct call into the pipeline: the products are then decided by
InventoryEventsFunction exactly as notifications are (the same dedup, ordering, ledger, coalescing,
audit, batch item failures and DLQ), and the reconcile run stays short and cheap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SQS_BATCH = 10
ATTEMPTS = 3


class FactsNotPublished(RuntimeError):
    """Some reconcile messages could not be sent: the run fails and keeps its watermark."""


class SqsFactsPublisher:
    def __init__(self, queue_url: str, *, client: Any = None) -> None:
        self._queue_url = queue_url
        self._sqs = client

    @property
    def _client(self) -> Any:
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs")
        return self._sqs

    def publish(self, bodies: Sequence[str]) -> int:
        for start in range(0, len(bodies), SQS_BATCH):
            pending = {str(i): body for i, body in enumerate(bodies[start : start + SQS_BATCH])}
            for _ in range(ATTEMPTS):
                response = self._client.send_message_batch(
                    QueueUrl=self._queue_url, Entries=[{"Id": i, "MessageBody": b} for i, b in pending.items()]
                )
                pending = {f["Id"]: pending[f["Id"]] for f in response.get("Failed", []) if f.get("Id") in pending}
                if not pending:
                    break
            if pending:
                raise FactsNotPublished(f"{len(pending)} reconcile messages could not be sent to the inventory queue")
        return len(bodies)
