"""Backoff math, Retry-After parsing and the time budget (pure)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from stockguard.ads.retry import RETRYABLE_STATUS, TimeBudget, backoff_seconds, retry_after_seconds


@pytest.mark.parametrize(
    "attempt, rng, expected",
    [(0, 1.0, 0.5), (1, 1.0, 1.0), (3, 1.0, 4.0), (5, 1.0, 16.0), (6, 1.0, 20.0), (30, 1.0, 20.0), (3, 0.0, 0.0), (3, 0.25, 1.0)],
)
def test_backoff_is_full_jitter_on_a_capped_exponential(attempt, rng, expected):
    assert backoff_seconds(attempt, base=0.5, cap=20.0, rng=lambda: rng) == expected


def test_backoff_uses_the_rng_every_time():
    draws = iter([0.1, 0.9])
    assert [backoff_seconds(2, base=1.0, cap=60.0, rng=lambda: next(draws)) for _ in range(2)] == pytest.approx([0.4, 3.6])


@pytest.mark.parametrize("value, expected", [("3", 3.0), ("0", 0.0), ("1.5", 1.5), (" 2 ", 2.0), ("-4", 0.0)])
def test_retry_after_in_seconds(value, expected):
    assert retry_after_seconds(value) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "soon", "nan", "inf"])
def test_unreadable_retry_after_is_none(value):
    assert retry_after_seconds(value) is None


def test_retry_after_as_an_http_date():
    now = 1_700_000_000.0
    header = format_datetime(datetime.fromtimestamp(now + 7, tz=UTC), usegmt=True)
    assert retry_after_seconds(header, now=lambda: now) == pytest.approx(7.0)
    past = format_datetime(datetime.fromtimestamp(now - 30, tz=UTC), usegmt=True)
    assert retry_after_seconds(past, now=lambda: now) == 0.0


def test_retryable_statuses():
    assert {429, 500, 502, 503, 504} == RETRYABLE_STATUS


class FakeContext:
    def __init__(self, millis: int) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> int:
        return self.millis


def test_budget_from_a_lambda_context_keeps_a_reserve():
    # Given 60 s left in the invocation and the default 10 s reserve
    budget = TimeBudget.from_lambda_context(FakeContext(60_000))
    # Then about 50 s may be spent: a 45 s wait fits, a 55 s wait does not
    assert 45 < budget.remaining() <= 50
    assert budget.allows(45) and not budget.allows(55)


def test_a_context_with_less_than_the_reserve_allows_nothing():
    budget = TimeBudget.from_lambda_context(FakeContext(5_000), reserve_seconds=10)
    assert budget.remaining() <= 0 and not budget.allows(0)


def test_budget_in_seconds_and_on_the_monotonic_clock():
    before = time.monotonic()
    budget = TimeBudget.seconds(30)
    assert before + 30 <= budget.deadline <= time.monotonic() + 30
    assert not TimeBudget(time.monotonic() - 1).allows(0)
