"""Helpers of the contract suite: backend names, moto provisioning from template.yaml, and readers of
what a store persisted (TTL attributes, queued messages) on either backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from stockguard.state.ports import ReevaluationScheduler
from stockguard_dev.local.provision import ACCOUNT, ProvisionedStack, provision
from stockguard_dev.local.template import load_template
from tests.support.stack import TEMPLATE

MEMORY, DYNAMODB = "memory", "dynamodb"
REGION = "us-east-1"
DEDUP_TTL_DAYS = 14
AUDIT_TTL_DAYS = 400


def provision_only(*logical_ids: str) -> ProvisionedStack:
    """The named resources of template.yaml, created in moto (faster than the whole stack per test)."""
    template = load_template(TEMPLATE)
    resources = {k: v for k, v in template["Resources"].items() if k in logical_ids}
    return provision({**template, "Resources": resources}, region=REGION)


class Persisted(NamedTuple):
    """A store and a reader of every item it persisted (plain Python values), whatever the backend."""

    store: Any
    items: Callable[[], list[dict]]


@dataclass
class Scheduled:
    """A scheduler and the messages it sent, as (body, DelaySeconds) in send order."""

    scheduler: ReevaluationScheduler
    sent: Callable[[], list[tuple[str, int]]]
    queue_url: str = ""


def moto_queue_messages(queue_url: str) -> list[tuple[str, int]]:
    """What moto's queue holds: each message's body and the DelaySeconds it was sent with (moto keeps the
    time a message becomes receivable; the delay is that minus the send time)."""
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[ACCOUNT][REGION].queues[queue_url.rsplit("/", 1)[1]]
    return [(m.body, round((m.delayed_until - m.sent_timestamp) / 1000) if m.delayed_until else 0) for m in queue._messages]
