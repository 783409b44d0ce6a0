"""Phase "parse": every SQS record to a ParsedNotification, or a rejection that fails that record alone.

Per record (powertools BatchProcessor): a bad record is a batch item failure (logged with its reason, so
it ends in the DLQ after maxReceiveCount), never an exception that fails the batch.
"""

from __future__ import annotations

import logging
from typing import cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from stockguard.domain.facts import ParsedNotification
from stockguard.notifications import NotificationError, parse_notification
from stockguard.observability import logger as powertools_logger

logger = logging.getLogger(__name__)


def parse_records(records: list[dict]) -> tuple[dict[str, ParsedNotification], dict[str, str]]:
    parsed: dict[str, ParsedNotification] = {}

    def record_handler(record: SQSRecord) -> None:
        powertools_logger.set_correlation_id(record.message_id)
        try:
            notification = parse_notification(record.body)
            parsed[record.message_id] = notification
            # Correlation id = the notification's own id: it follows the notification across resends.
            powertools_logger.set_correlation_id(notification.notification_id)
            logger.debug("notification accepted", extra={"message_id": record.message_id, "type": notification.notification_type.value})
        except NotificationError as error:
            logger.error(
                "rejected notification",
                extra={"message_id": record.message_id, "reason": str(error), "receive_count": record.attributes.approximate_receive_count},
            )
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    with processor(records=records, handler=record_handler):
        processor.process()
    powertools_logger.set_correlation_id(None)
    # EventType.SQS without a model: every failed record is an SQSRecord (the union type covers all event sources).
    failed = cast(list[SQSRecord], processor.fail_messages)
    rejected = {
        record.message_id: str(exc_info[1]) if exc_info and exc_info[1] else "rejected"
        for exc_info, record in zip(processor.exceptions, failed, strict=False)
    }
    return parsed, rejected
