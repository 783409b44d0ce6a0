"""The simulated SQS event source mapping (stockguard_dev.local.event_source) over moto queues with the
template's redrive policy: a captured event is one invocation as written, whatever its size (issue 10,
part 2); a normal poll gathers up to BatchSize across the 10-message ReceiveMessage limit, as Lambda's
poller does; failures come back in later polls of at most BatchSize and end in the DLQ."""

from __future__ import annotations

from collections import Counter

from stockguard_dev.local.event_source import EventSourceMapping, queue_depth

QUEUE, DLQ = "InventoryNotificationsQueue", "InventoryNotificationsDLQ"


class RecordingHandler:
    """Records every event; fails the records whose body is in `fail_once` (first time) or `poison` (always)."""

    def __init__(self, *, fail_once: set[str] = frozenset(), poison: set[str] = frozenset()) -> None:
        self.events: list[list[str]] = []
        self._fail_once, self._poison, self._seen = set(fail_once), set(poison), Counter()

    def __call__(self, event: dict) -> dict:
        bodies = [r["body"] for r in event["Records"]]
        self.events.append(bodies)
        failures = []
        for record in event["Records"]:
            self._seen[record["body"]] += 1
            if record["body"] in self._poison or (record["body"] in self._fail_once and self._seen[record["body"]] == 1):
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}


def mapping(aws_stack, handler: RecordingHandler, *, batch_size: int = 10) -> EventSourceMapping:
    return EventSourceMapping(
        sqs=aws_stack.client("sqs"),
        queue_url=aws_stack.queues[QUEUE],
        queue_arn=aws_stack.queue_arns[QUEUE],
        invoke=handler,
        batch_size=batch_size,
    )


def test_a_captured_event_is_one_invocation_in_the_order_written(aws_stack):
    # Given a captured event of 25 records and a mapping whose BatchSize is 10
    bodies = [f'{{"n": {i}}}' for i in range(25)]
    handler = RecordingHandler()
    esm = mapping(aws_stack, handler)
    # When it is delivered
    esm.deliver_event(bodies)
    # Then the handler got it once, every record in the order written, and the queue is empty
    assert handler.events == [bodies]
    assert esm.stats.batches == 1 and esm.stats.deleted == 25
    assert queue_depth(aws_stack.client("sqs"), aws_stack.queues[QUEUE]) == 0


def test_failures_of_a_big_event_come_back_in_polls_of_at_most_batch_size(aws_stack):
    # Given a 25-record event whose records 0..14 fail once, and BatchSize 4
    bodies = [f'{{"n": {i}}}' for i in range(25)]
    handler = RecordingHandler(fail_once=set(bodies[:15]))
    esm = mapping(aws_stack, handler, batch_size=4)
    # When it is delivered and the queue drained
    esm.deliver_event(bodies)
    esm.drain()
    # Then the 15 failures came back in later, smaller batches (4, 4, 4, 3) and all were deleted once
    assert [len(e) for e in handler.events] == [25, 4, 4, 4, 3]
    assert sorted(b for e in handler.events[1:] for b in e) == sorted(bodies[:15])
    assert esm.stats.deleted == 25 and esm.stats.retried == 15


def test_a_poison_record_of_a_big_event_reaches_the_dlq_after_max_receive_count(aws_stack):
    # Given a 12-record event with one record the handler always fails
    max_receive = int(aws_stack.parameters["MaxReceiveCount"])
    bodies = [f'{{"n": {i}}}' for i in range(12)]
    handler = RecordingHandler(poison={bodies[5]})
    esm = mapping(aws_stack, handler)
    # When it is delivered and the queue drained
    esm.deliver_event(bodies)
    esm.drain()
    # Then it was received maxReceiveCount times, is in the DLQ, and the others were processed once
    sqs = aws_stack.client("sqs")
    assert sum(e.count(bodies[5]) for e in handler.events) == max_receive
    assert queue_depth(sqs, aws_stack.queues[DLQ]) == 1 and queue_depth(sqs, aws_stack.queues[QUEUE]) == 0
    assert Counter(b for e in handler.events for b in e if b != bodies[5]) == Counter(bodies[:5] + bodies[6:])


def test_a_normal_poll_gathers_up_to_batch_size_beyond_the_receive_limit(aws_stack):
    # Given 30 queued messages and BatchSize 25 (the template allows up to 10,000 with a batching window)
    handler = RecordingHandler()
    esm = mapping(aws_stack, handler, batch_size=25)
    esm.send([f'{{"n": {i}}}' for i in range(30)])
    # When the mapping drains the queue
    esm.drain()
    # Then it gathered 25 (three receives of at most 10) into one invocation, then the remaining 5
    assert [len(e) for e in handler.events] == [25, 5]
    assert esm.stats.deleted == 30
