"""DedupStore contract: seen / mark, many ids per call, and the TTL attribute of each mark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stockguard.clock import iso
from stockguard.state.ports import DedupStore
from tests.contract.backends import DEDUP_TTL_DAYS, Persisted

NOW = datetime(2026, 11, 1, 12, 0, 30, 250_000, tzinfo=UTC)


def test_marked_ids_are_seen_and_others_not(dedup: DedupStore):
    # Given nothing marked, Then nothing is seen
    assert dedup.seen(["x", "y"]) == set()
    # When "x" is marked (twice in one call, and again later)
    dedup.mark(["x", "x"], now=NOW)
    dedup.mark(["x"], now=NOW)
    # Then exactly "x" is seen, however often it is asked for
    assert dedup.seen(["x", "y", "x"]) == {"x"}
    assert dedup.seen([]) == set()


def test_many_ids_in_one_call(dedup: DedupStore):
    # Given 260 ids marked in one call (more than one BatchWriteItem / BatchGetItem holds)
    many = [f"id-{i}" for i in range(260)]
    dedup.mark(many, now=NOW)
    # When they are asked for with ids never marked, Then exactly the marked ones are seen
    assert dedup.seen([*many, "nope", "id-999"]) == set(many)


def test_each_mark_expires_after_the_ttl(dedup_backed: Persisted):
    # When an id is marked at NOW
    dedup_backed.store.mark(["n-1"], now=NOW)
    # Then its item expires DEDUP_TTL_DAYS later (epoch seconds, the table's TTL attribute) and says when
    (item,) = dedup_backed.items()
    assert item["pk"] == "N#n-1"
    assert item["expires_at"] == int((NOW + timedelta(days=DEDUP_TTL_DAYS)).timestamp())
    assert item["processed_at"] == iso(NOW)
