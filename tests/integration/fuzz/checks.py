"""What every fuzzed batch must satisfy. A batch is [bad body, good notification]; the good one
alternately stocks out and restocks the advertised ASIN an hour later, so that one world serves every
example and each example must flip the ads it advertises exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from stockguard.notifications import NotificationError, parse_notification
from tests.integration.fuzz.strategies import Case
from tests.integration.pipeline.conftest import ASIN
from tests.support.notifications import fba

OURS = ("sp-1", "sb-video", "c-legacy", "sd-1")
PAUSE, RESUME = ("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")


def parses(body: str) -> bool:
    try:
        parse_notification(body)
        return True
    except NotificationError:
        return False


@dataclass
class Alternating:
    """The good half of each batch: stock-out, restock, stock-out, … one hour apart."""

    step: int = 0
    seen: dict[str, int] = field(default_factory=dict)

    def next_good(self) -> tuple[dict, tuple[str, str]]:
        self.step += 1
        out = self.step % 2 == 1
        body = fba(ASIN, "SELLERSKU-1", 0 if out else 30, minutes=60 * self.step, nid=f"good-{self.step}")
        return body, PAUSE if out else RESUME

    def new_transitions(self, transitions: dict[str, list]) -> dict[str, list]:
        fresh = {k: v[self.seen.get(k, 0) :] for k, v in transitions.items() if len(v) > self.seen.get(k, 0)}
        self.seen = {k: len(v) for k, v in transitions.items()}
        return fresh


def check_batch(
    case: Case,
    records: list[dict],
    failed: set[str],
    rejected_count: float,
    changed: dict,
    expected_change: tuple,
    logs: list[logging.LogRecord],
) -> None:
    bad_id, good_id = records[0]["messageId"], records[1]["messageId"]
    # The good record of the same batch is processed and applied, whatever the bad one was
    assert good_id not in failed, "the good record is not affected"
    assert changed == {i: [expected_change] for i in OURS}, "the good notification applied, nothing else changed"

    expect = case.expect if case.expect != "either" else ("accept" if parses(case.body) else "reject")
    rejections = [r for r in logs if r.getMessage() == "rejected notification"]
    if expect == "reject":
        assert not parses(case.body), f"{case.label}: the parser accepted it"
        assert failed == {bad_id}, "a rejected record is a batch item failure (so it ends in the DLQ)"
        assert [getattr(r, "message_id", None) for r in rejections] == [bad_id], "logged once, with its SQS message id"
        reason = getattr(rejections[0], "reason", "")
        assert reason and reason != "rejected" and len(reason) < 2000, f"a clear, bounded reason: {reason[:200]!r}"
        assert rejected_count == 1, "counted in NotificationsRejected"
    else:
        assert rejections == [] and rejected_count == 0, f"{case.label}: accepted by the parser, so not rejected"
        if bad_id in failed:
            # accepted but not actionable (e.g. a marketplace with no Ads API region): retried, then the DLQ
            assert [r for r in logs if r.levelno >= logging.ERROR], "a failure that is not a rejection is still logged"
