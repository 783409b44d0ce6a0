"""A simulated Lambda SQS event source mapping over real (moto) queues.

It does what AWS's poller does, minus the waiting: gather up to BatchSize messages (ReceiveMessage returns
at most 10, so it receives repeatedly, as the poller does within its batching window), invoke the handler
with one Lambda SQS event, delete the messages that succeeded, and make the batch item failures visible
again at once (instead of after the visibility timeout) so that retries happen in seconds. The queue's
redrive policy (moto implements it) moves a message to the dead-letter queue after maxReceiveCount
receives, exactly as in AWS.

`deliver_event` hands a whole captured event to the handler as one invocation, whatever its size, in the
order written (BatchSize bounds a normal poll, not what Lambda already delivered once); its failures come
back through the queue in later polls, at most BatchSize at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

MAX_SQS_BATCH = 10
MAX_SQS_BATCH_BYTES = 256 * 1024


@dataclass
class DeliveryStats:
    batches: int = 0  # handler invocations
    records: int = 0
    deleted: int = 0
    retried: int = 0
    invocation_errors: int = 0
    responses: list[dict] = field(default_factory=list)


class EventSourceMapping:
    def __init__(
        self,
        *,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        invoke: Callable[[dict], dict | None],
        batch_size: int = 10,
        region: str = "us-east-1",
    ) -> None:
        self._sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self._invoke = invoke
        self._batch_size = batch_size
        self._region = region
        self.stats = DeliveryStats()

    def send(self, bodies: Iterable[str], *, delay_seconds: int = 0) -> list[str]:
        """Enqueue message bodies in order (SendMessageBatch, respecting SQS's 10-message / 256 KB limits);
        returns their MessageIds in the same order."""
        chunk: list[str] = []
        size = 0
        ids: list[str] = []
        for body in bodies:
            length = len(body.encode())
            if chunk and (len(chunk) == MAX_SQS_BATCH or size + length > MAX_SQS_BATCH_BYTES):
                ids += self._send_chunk(chunk, delay_seconds)
                chunk, size = [], 0
            chunk.append(body)
            size += length
        if chunk:
            ids += self._send_chunk(chunk, delay_seconds)
        return ids

    def _send_chunk(self, bodies: list[str], delay_seconds: int) -> list[str]:
        entries = [{"Id": str(i), "MessageBody": b, "DelaySeconds": delay_seconds} for i, b in enumerate(bodies)]
        response = self._sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"SendMessageBatch failed: {response['Failed']}")
        by_entry = {item["Id"]: item["MessageId"] for item in response.get("Successful", [])}
        return [by_entry[entry["Id"]] for entry in entries]

    def poll_once(self) -> bool:
        """Deliver one batch of at most BatchSize messages. False when the queue had nothing visible."""
        messages = self._gather(self._batch_size)
        if not messages:
            return False
        self._invoke_batch(messages)
        return True

    def deliver_event(self, bodies: list[str]) -> None:
        """One captured SQS event: its messages go through the queue (so that failures are redelivered and
        dead-lettered as in AWS) and reach the handler as one invocation, in the order given, however many
        there are. What fails comes back in later polls (`drain`), at most BatchSize at a time."""
        if not bodies:
            return
        ids = self.send(bodies)
        position = {message_id: i for i, message_id in enumerate(ids)}
        messages = self._gather(len(ids))
        # A standard queue does not keep order; the event as written does. Anything else visible goes last.
        messages.sort(key=lambda m: position.get(m["MessageId"], len(ids)))
        if messages:
            self._invoke_batch(messages)

    def _gather(self, wanted: int) -> list[dict]:
        """Receive until `wanted` messages are in hand or nothing more is visible (10 per ReceiveMessage)."""
        messages: list[dict] = []
        while len(messages) < wanted:
            response = self._sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(MAX_SQS_BATCH, wanted - len(messages)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                VisibilityTimeout=60,
                WaitTimeSeconds=0,
            )
            received = response.get("Messages", [])
            if not received:
                break
            messages.extend(received)
        return messages

    def _invoke_batch(self, messages: list[dict]) -> None:
        """Invoke the handler with one event of these messages; delete what succeeded, release the rest."""
        event = {"Records": [self._record(m) for m in messages]}
        self.stats.batches += 1
        self.stats.records += len(messages)
        try:
            result = self._invoke(event) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            self.stats.responses.append(result)
        except Exception:  # the whole invocation failed: every message returns to the queue
            logger.exception("invocation failed; the batch returns to the queue")
            self.stats.invocation_errors += 1
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        again = [m for m in messages if m["MessageId"] in failed]
        # DeleteMessageBatch and ChangeMessageVisibilityBatch take 10 entries each; a gathered batch can be larger.
        for start in range(0, len(done), MAX_SQS_BATCH):
            chunk = done[start : start + MAX_SQS_BATCH]
            self._sqs.delete_message_batch(
                QueueUrl=self.queue_url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            )
        for start in range(0, len(again), MAX_SQS_BATCH):
            chunk = again[start : start + MAX_SQS_BATCH]
            self._sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(chunk)],
            )
        self.stats.deleted += len(done)
        self.stats.retried += len(again)

    def drain(self, *, max_batches: int = 100_000) -> DeliveryStats:
        """Deliver until nothing is visible (failures are retried until they succeed or reach the DLQ)."""
        for _ in range(max_batches):
            if not self.poll_once():
                break
        return self.stats

    def _record(self, message: dict) -> dict:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {k: str(v) for k, v in message.get("Attributes", {}).items()},
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self._region,
        }


def queue_depth(sqs: Any, queue_url: str) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs.get("ApproximateNumberOfMessages", 0)) + int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0))


def peek_type(body: str) -> str:
    """The notification type of a body, whatever its casing ('' when unreadable): routes records to a queue."""
    try:
        value = json.loads(body)
    except (ValueError, TypeError):
        return ""
    if not isinstance(value, dict):
        return ""
    return str(value.get("NotificationType") or value.get("notificationType") or "").strip().upper()
