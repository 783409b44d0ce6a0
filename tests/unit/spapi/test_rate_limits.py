"""Throttling of the pull client: token buckets per (operation, seller), the x-amzn-RateLimit-Limit header,
429 storms with and without Retry-After, and the time budget that no wait may pass."""

from __future__ import annotations

import httpx
import pytest

from stockguard.spapi.errors import SpApiRetryableError
from stockguard.spapi.rate_limit import DEFAULT_PLANS, RateLimiter, TokenBucket, UsagePlan, rate_limit_header
from tests.unit.spapi.support import MARKETPLACE, FakeClock, answer, budget, errors, page, pull_client, three_pages

pytestmark = pytest.mark.unit

THROTTLED = errors("QuotaExceeded", "You exceeded your quota for the requested resource.")


def listing(_request: httpx.Request) -> httpx.Response:
    return answer(200, {"sku": "S1", "summaries": [{"marketplaceId": MARKETPLACE, "asin": "B0S1", "status": ["BUYABLE"]}]})


def storm(n: int, then: httpx.Response | None = None, **headers: str):
    """n answers 429 (with `headers`), then `then` (a listing) for ever."""
    count = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        count["n"] += 1
        return answer(429, THROTTLED, **headers) if count["n"] <= n else (then or listing(request))

    return handler


def test_the_default_usage_plans_are_the_documented_ones():
    # Given / When the default plans, then they are the reference's (§10)
    assert DEFAULT_PLANS["getInventorySummaries"] == UsagePlan(2.0, 2)
    assert DEFAULT_PLANS["getListingsItem"] == UsagePlan(5.0, 10)
    assert DEFAULT_PLANS["getCompetitiveSummary"] == UsagePlan(0.033, 1)


def test_a_bucket_lets_the_burst_through_then_paces_at_the_rate():
    # Given the getInventorySummaries bucket (2/s, burst 2) on a fake clock
    clock = FakeClock()
    bucket = RateLimiter(clock=clock, sleep=clock.sleep).bucket("getInventorySummaries", "A1")
    # When five requests take a token one after the other
    for _ in range(5):
        bucket.acquire()
    # Then the first two go at once and each later one waits half a second
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_buckets_are_per_operation_and_per_seller():
    # Given one limiter
    limiter = RateLimiter()
    # When buckets are asked for, then each (operation, seller) has its own, made once
    assert limiter.bucket("getListingsItem", "A1") is limiter.bucket("getListingsItem", "A1")
    assert limiter.bucket("getListingsItem", "A1") is not limiter.bucket("getListingsItem", "A2")
    assert limiter.bucket("getListingsItem", "A1") is not limiter.bucket("getInventorySummaries", "A1")


def test_the_rate_limit_header_is_adopted():
    # Given pages whose answers say the applied plan is 0.5 requests/s
    client, _, clock = pull_client(
        lambda r: page(["S1"], {None: "t2", "t2": "t3"}.get(r.url.params.get("nextToken")), **{"x-amzn-RateLimit-Limit": "0.5"})
    )
    # When three pages are read (the burst of 2 covers the first two)
    client.inventory_summaries(MARKETPLACE)
    # Then the third waits 1 / 0.5 = 2 s, not the default plan's 0.5 s
    assert clock.sleeps == [2.0]


@pytest.mark.parametrize("value", ["", "abc", "0", "-1", "nan", "inf"])
def test_an_unreadable_rate_limit_header_is_ignored(value):
    # Given an answer with an unusable header, then no rate is read from it
    assert rate_limit_header(httpx.Response(200, headers={"x-amzn-RateLimit-Limit": value})) is None


def test_a_429_storm_without_retry_after_backs_off_and_converges_within_the_budget():
    # Given four 429s without Retry-After, then a listing, and a budget of a minute
    client, fake, clock = pull_client(storm(4), max_attempts=6, backoff_base=0.5, backoff_cap=20.0)
    client.set_budget(budget(clock, 60))
    # When the listing is read
    item = client.listings_item("S1")
    # Then the shared policy's exponential backoff (no jitter here) was slept, and the answer came back
    assert item is not None and item.asins == {MARKETPLACE: "B0S1"}
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert client.stats["getListingsItem"] == 5 and len(fake.requests) == 5


def test_a_429_storm_with_retry_after_waits_what_amazon_asks():
    # Given three 429s asking for 3 s each
    client, _, clock = pull_client(storm(3, **{"Retry-After": "3"}))
    client.set_budget(budget(clock, 60))
    # When the listing is read, then each retry waited 3 s and it converged
    assert client.listings_item("S1") is not None
    assert clock.sleeps == [3.0, 3.0, 3.0]


def test_a_429_empties_the_bucket_so_the_retry_waits_a_whole_interval():
    # Given a 429 with Retry-After 0 on getInventorySummaries (2/s)
    client, _, clock = pull_client(storm(1, page(["S1"]), **{"Retry-After": "0"}))
    # When the summaries are read
    client.inventory_summaries(MARKETPLACE)
    # Then the retry waited for the bucket: 1 / 2 s, although Retry-After allowed it at once
    assert clock.sleeps == [0.0, 0.5]


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "4"}], ids=["backoff", "retry-after"])
def test_when_the_budget_is_spent_the_storm_raises_the_retryable_error_without_oversleeping(headers):
    # Given 429s for ever and a budget of 10 s
    client, _, clock = pull_client(storm(10_000, **headers), max_attempts=20)
    deadline = budget(clock, 10)
    client.set_budget(deadline)
    # When the listing is read
    with pytest.raises(SpApiRetryableError, match="time budget") as raised:
        client.listings_item("S1")
    # Then it stopped before any wait would pass the deadline
    assert clock.now <= deadline.deadline
    assert "getListingsItem" in str(raised.value)


def test_attempts_running_out_raise_the_retryable_error_with_amazons_message():
    # Given 429s for ever, three attempts and no budget
    client, _, _ = pull_client(storm(10_000), max_attempts=3)
    # When the listing is read, then the last 429 is reported as retryable, with Amazon's code
    with pytest.raises(SpApiRetryableError, match="getListingsItem failed: HTTP 429 QuotaExceeded") as raised:
        client.listings_item("S1")
    assert raised.value.status == 429


def test_a_rate_limit_wait_never_passes_the_budget():
    # Given a bucket of 0.033/s, burst 1, already used, and 10 s left
    clock = FakeClock()
    bucket = TokenBucket("getCompetitiveSummary", DEFAULT_PLANS["getCompetitiveSummary"], clock=clock, sleep=clock.sleep)
    bucket.acquire()
    # When another token is wanted, then it raises at once instead of sleeping ~30 s
    with pytest.raises(SpApiRetryableError, match="would pass the time budget"):
        bucket.acquire(budget(clock, 10))
    assert clock.sleeps == []
    # And with enough time left it waits the interval
    assert bucket.acquire(budget(clock, 60)) == pytest.approx(1 / 0.033)


def test_one_limiter_shared_by_two_clients_of_a_seller_paces_both():
    # Given two clients of the same seller sharing one limiter
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    first, _, _ = pull_client(three_pages, clock, rate_limiter=limiter)
    second, _, _ = pull_client(three_pages, clock, rate_limiter=limiter)
    # When each reads three pages
    first.inventory_summaries(MARKETPLACE)
    second.inventory_summaries(MARKETPLACE)
    # Then they drew from one bucket: after the burst of 2, every request waited its half second
    assert clock.sleeps == [0.5, 0.5, 0.5, 0.5]
