"""The shared retry loop of both Amazon APIs (stockguard.amazon.retry), without sockets: Retry-After,
the backoff cap, the jitter bounds, max attempts and the time budget."""

from __future__ import annotations

import time

import httpx
import pytest

from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.retry import MIN_ATTEMPT_TIMEOUT, RetriesExhausted, RetryEvent, RetryPolicy, attempt_timeout, send_with_retries


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


class Script:
    """An `attempt` callable that plays answers (responses or exceptions) in order and records the timeouts."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.timeouts: list[float | None] = []

    def __call__(self, timeout: float | None) -> httpx.Response:
        self.timeouts.append(timeout)
        item = self.answers.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def run(script: Script, policy: RetryPolicy, **kwargs):
    sleeps: list[float] = []
    events: list[RetryEvent] = []
    try:
        result: httpx.Response | RetriesExhausted = send_with_retries(
            script, policy=policy, sleep=sleeps.append, observe=events.append, **kwargs
        )
    except RetriesExhausted as stop:
        result = stop
    return result, sleeps, events


def test_a_429_waits_what_retry_after_says_even_beyond_the_cap():
    # Given a 429 asking for 7 s, then a 200, and a cap of 2 s
    script = Script(answer(429, **{"Retry-After": "7"}), answer(200))
    # When
    result, sleeps, _ = run(script, RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_cap=2.0, rng=lambda: 1.0))
    # Then Amazon's hint wins over the computed backoff, and the 200 comes back
    assert isinstance(result, httpx.Response) and result.status_code == 200
    assert sleeps == [7.0]


def test_retry_after_on_a_5xx_is_not_a_hint():
    # Given a 503 carrying Retry-After (only a 429's is read, as Amazon documents it)
    script = Script(answer(503, **{"Retry-After": "30"}), answer(200))
    # When
    _, sleeps, _ = run(script, RetryPolicy(max_attempts=2, backoff_base=0.5, backoff_cap=20.0, rng=lambda: 1.0))
    # Then the backoff applies
    assert sleeps == [0.5]


def test_the_backoff_doubles_up_to_the_cap():
    # Given only 5xx answers and no jitter
    script = Script(*[answer(500)] * 6)
    # When
    result, sleeps, _ = run(script, RetryPolicy(max_attempts=6, backoff_base=1.0, backoff_cap=5.0, rng=lambda: 1.0))
    # Then 1, 2, 4, then capped at 5; no sleep after the last attempt
    assert sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert isinstance(result, RetriesExhausted) and result.why == "attempts" and result.attempts == 6


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999])
def test_full_jitter_stays_between_zero_and_the_capped_backoff(draw):
    # Given an rng drawing `draw` and a transport error every time
    script = Script(*[httpx.ConnectError("refused")] * 4)
    # When
    _, sleeps, _ = run(script, RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_cap=1.5, rng=lambda: draw))
    # Then each wait is draw * min(cap, base * 2**n): within [0, capped backoff)
    assert sleeps == pytest.approx([draw * 0.5, draw * 1.0, draw * 1.5])
    assert all(0 <= s < c for s, c in zip(sleeps, [0.5, 1.0, 1.5], strict=True))


def test_a_fixed_policy_waits_the_same_every_time():
    # Given the SP-API's policy: one second, no jitter
    policy = RetryPolicy.fixed(1.0, max_attempts=4)
    # When every attempt is throttled (without Retry-After)
    result, sleeps, _ = run(Script(*[answer(429)] * 4), policy)
    # Then three one-second waits, and the last 429 is handed back with the stop
    assert sleeps == [1.0, 1.0, 1.0]
    assert isinstance(result, RetriesExhausted) and result.response is not None and result.response.status_code == 429


def test_other_statuses_come_back_at_once():
    # Given a 404 (not retryable)
    result, sleeps, events = run(Script(answer(404)), RetryPolicy())
    # Then it is the answer, without a wait
    assert isinstance(result, httpx.Response) and result.status_code == 404 and sleeps == []
    assert [e.kind for e in events] == ["answer"]


def test_max_attempts_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(max_attempts=0)


def test_a_wait_that_would_pass_the_budget_stops_the_call():
    # Given 5 s of budget and a 429 asking for 60 s
    script = Script(answer(429, **{"Retry-After": "60"}), answer(200))
    # When
    result, sleeps, events = run(script, RetryPolicy(), budget=TimeBudget.seconds(5))
    # Then it stops without sleeping, saying why
    assert isinstance(result, RetriesExhausted) and result.why == "budget" and result.status == 429 and sleeps == []
    assert result.describe("GET /x") == "GET /x: HTTP 429; waiting 60.0s would pass the time budget"
    assert events[-1].kind == "budget_stop"


def test_a_spent_budget_sends_nothing():
    # Given a budget already spent
    script = Script(answer(200))
    # When
    result, _, events = run(script, RetryPolicy(), budget=TimeBudget(time.monotonic() - 1))
    # Then no attempt was made
    assert isinstance(result, RetriesExhausted) and result.why == "spent" and script.timeouts == []
    assert result.describe("PUT /sp/productAds") == "PUT /sp/productAds: time budget spent"
    assert [e.kind for e in events] == ["budget_spent"]


def test_an_attempt_never_outlives_the_budget_nor_goes_below_the_floor():
    # Given a 35 s timeout: with 10 s of budget left the attempt gets about 10 s, with none the floor
    assert 9 < (attempt_timeout(35.0, TimeBudget.seconds(10)) or 0) <= 10
    assert attempt_timeout(35.0, TimeBudget(time.monotonic() - 5)) == MIN_ATTEMPT_TIMEOUT
    # And without a budget or a timeout, nothing is changed
    assert attempt_timeout(35.0, None) == 35.0 and attempt_timeout(None, TimeBudget.seconds(1)) is None


def test_events_count_failures_before_each_step():
    # Given a transport error, then a 503, then a 200
    script = Script(httpx.ReadTimeout("slow"), answer(503), answer(200))
    # When
    _, _, events = run(script, RetryPolicy(rng=lambda: 0.0))
    # Then the observer saw each attempt and each retry, with the failures so far
    assert [(e.kind, e.failures, e.status, e.reason) for e in events] == [
        ("error", 0, None, "ReadTimeout"),
        ("retry", 1, None, "ReadTimeout"),
        ("answer", 1, 503, None),
        ("retry", 2, 503, "HTTP 503"),
        ("answer", 2, 200, None),
    ]
