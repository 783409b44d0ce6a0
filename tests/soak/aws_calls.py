"""Count AWS API calls with a botocore `before-call` hook on boto3's default session.

Counts what the code asks for (one per API call; botocore's own retries are not calls of the code).
Clients must be created after `start()` (hooks are copied into a client when it is built), so callers
reset stockguard's cached DynamoDB resource first. Clients built on another session (powertools'
SSM provider at cold start) are not seen.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3


class AwsCallCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()  # "dynamodb:PutItem" -> n
        self.sqs_sent: Counter[str] = Counter()  # queue URL -> messages sent (SendMessage / SendMessageBatch entries)
        self._session: Any = None

    def start(self) -> AwsCallCounter:
        boto3.setup_default_session()
        self._session = boto3.DEFAULT_SESSION
        self._session.events.register("before-call", self._count)
        self._session.events.register("before-parameter-build.sqs", self._count_messages)
        return self

    def stop(self) -> None:
        if self._session is not None:
            self._session.events.unregister("before-call", self._count)
            self._session.events.unregister("before-parameter-build.sqs", self._count_messages)
            self._session = None

    def __enter__(self) -> AwsCallCounter:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _count(self, event_name: str, **_: Any) -> None:
        # event_name: before-call.<service>.<Operation>
        _, service, operation = event_name.split(".", 2)
        self.calls[f"{service}:{operation}"] += 1

    def _count_messages(self, event_name: str, params: dict | None = None, **_: Any) -> None:
        # before-parameter-build sees the API parameters (before-call only sees the serialized request)
        operation = event_name.rsplit(".", 1)[-1]
        if not params:
            return
        if operation == "SendMessageBatch":
            self.sqs_sent[params.get("QueueUrl", "")] += len(params.get("Entries", []))
        elif operation == "SendMessage":
            self.sqs_sent[params.get("QueueUrl", "")] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def total_for(self, service: str) -> int:
        return sum(n for key, n in self.calls.items() if key.startswith(f"{service}:"))

    def clear(self) -> None:
        self.calls.clear()
        self.sqs_sent.clear()
