"""Phase "parse": every SQS record to a ParsedNotification, or a rejection that fails that record alone.

A bad record is a batch item failure (logged with its reason, so it ends in the DLQ after
maxReceiveCount), never an exception that fails the batch; the other records of the batch go on.

Why a loop and not Powertools' BatchProcessor (used here before): the pipeline builds its own partial
batch response from every phase, so the processor only wrapped this loop, and importing
`aws_lambda_powertools.utilities.batch` cost a third of the handler's own cold start (its types module
loads every event source's models; `python -X importtime`, issue 12).
"""

from __future__ import annotations

import logging
from typing import Any

from stockguard.domain.facts import ParsedNotification
from stockguard.notifications import NotificationError, parse_notification
from stockguard.observability import logger as powertools_logger

logger = logging.getLogger(__name__)


def _receive_count(record: dict[str, Any]) -> str | None:
    attributes = record.get("attributes")
    return attributes.get("ApproximateReceiveCount") if isinstance(attributes, dict) else None


def parse_records(records: list[dict]) -> tuple[dict[str, ParsedNotification], dict[str, str]]:
    """(messageId -> notification, messageId -> why it was rejected), every record in one or the other."""
    parsed: dict[str, ParsedNotification] = {}
    rejected: dict[str, str] = {}
    for record in records:
        message_id = str(record.get("messageId", ""))
        powertools_logger.set_correlation_id(message_id)
        try:
            notification = parse_notification(record.get("body", ""))
        except NotificationError as error:
            logger.error(
                "rejected notification", extra={"message_id": message_id, "reason": str(error), "receive_count": _receive_count(record)}
            )
            rejected[message_id] = str(error) or "rejected"
            continue
        except Exception as error:  # a parser bug must fail this record alone, loudly, never the batch
            logger.exception("notification could not be parsed", extra={"message_id": message_id})
            rejected[message_id] = f"{type(error).__name__}: could not be parsed"
            continue
        parsed[message_id] = notification
        # Correlation id = the notification's own id: it follows the notification across resends.
        powertools_logger.set_correlation_id(notification.notification_id)
        logger.debug("notification accepted", extra={"message_id": message_id, "type": notification.notification_type.value})
    powertools_logger.set_correlation_id(None)
    return parsed, rejected
