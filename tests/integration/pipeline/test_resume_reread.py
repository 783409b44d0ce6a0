"""A resume re-reads its entities first (one list call per (profile, ad product, entity type) group), so
the audit and `--json` say what really happened (issue 10, part 3).

The index can be an hour old. An ad StockGuard paused that the operator re-enabled meanwhile must not be
PUT again, nor audited as `PAUSED -> ENABLED applied`: its pause is released as an operator override.
An ad archived meanwhile is never "resumed". A pending intent of a crashed invocation that the re-read
shows applied is settled (audited once, under its own key), never applied a second time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.pipeline.batch import BatchResult, process_batch
from stockguard.state.audit import AuditEntry
from tests.integration.pipeline.conftest import ASIN, OTHER_ASIN, World
from tests.support.fault_world import scan_all
from tests.support.notifications import SELLER, T0, US, fba, sqs_event

P, E = EntityState.PAUSED, EntityState.ENABLED
OURS = ("sp-1", "sb-video", "c-legacy", "sd-1")  # what a stock-out of ASIN pauses
OUT = fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out")
BACK = fba(ASIN, "SELLERSKU-1", 25, minutes=60, nid="n-back")


def run(world: World, *bodies: dict) -> BatchResult:
    return process_batch(sqs_event(*bodies)["Records"], world.services)


def entity(world: World, entity_id: str) -> AdEntity:
    return next(e for e in world.ads.entities.values() if e.ref.entity_id == entity_id)


def ledger(world: World, entity_id: str) -> LedgerEntry:
    entry = world.services.ledger.get(entity(world, entity_id).ref)
    assert entry is not None, entity_id
    return entry


def audit(aws_stack, entity_id: str) -> list[dict]:
    """Every audit item of the entity, in key (event time) order."""
    items = sorted(scan_all(aws_stack.tables["AuditTable"]), key=lambda i: i["sk"])
    return [i for i in items if i["entity_id"] == entity_id]


def applied(aws_stack, entity_id: str) -> list[tuple[str, str]]:
    return [(i["from_state"], i["to_state"]) for i in audit(aws_stack, entity_id) if i["result"] == "applied"]


def put_ids(world: World) -> list[str]:
    return [entity_id for call in world.ads.set_calls for entity_id, _ in call[3]]


def rereads(world: World, ad_product: str, entity_type: str = "ad") -> list[list[str]]:
    """The ids of each get_states invocation of one (ad product, entity type) group."""
    return [ids for _, product, kind, ids in world.ads.get_calls if (product, kind) == (ad_product, entity_type)]


def index_state(world: World, entity_id: str) -> EntityState:
    found = world.services.index.profile_entities(entity(world, entity_id).ref.profile_id)
    return next(e.state for e in found if e.ref.entity_id == entity_id)


def paused_by_us(world: World) -> None:
    result = run(world, OUT)
    assert result.failed_message_ids == []
    assert [world.state(i) for i in OURS] == [P] * 4
    world.ads.calls.clear()
    world.ads.set_calls.clear()
    world.ads.get_calls.clear()


def test_an_ad_the_operator_re_enabled_is_released_not_put_again(world, aws_stack):
    # Given the SP ad paused by StockGuard, then re-enabled by the operator (the index still says PAUSED)
    paused_by_us(world)
    world.ads.set_state(entity(world, "sp-1"), E)
    actions: list[dict] = []
    world.services.on_action = actions.append
    # When the stock comes back
    result = run(world, BACK)
    # Then nothing is PUT for it: its group (SP ads) had one re-read and no state change
    assert result.failed_message_ids == []
    assert "sp-1" not in put_ids(world)
    assert rereads(world, "SP") == [["sp-1"]]
    assert world.ads.calls["set_states:SP"] == 0
    # And its pause is released as an operator override, the index says what the re-read saw
    assert ledger(world, "sp-1").status is LedgerStatus.RELEASED
    assert index_state(world, "sp-1") is E
    # And the audit records a keep, not an applied resume; --json shows no change for it
    assert applied(aws_stack, "sp-1") == [("ENABLED", "PAUSED")], "only the pause StockGuard really made"
    keeps = [(i["from_state"], i["to_state"], i["reason"], i["result"]) for i in audit(aws_stack, "sp-1")[1:]]
    assert keeps == [("ENABLED", "ENABLED", "operator_override", "skipped")]
    assert not [a for a in actions if a["entityId"] == "sp-1"]
    assert world.services.metrics.by_label[("DecisionsSkipped", "operator_override")] == 1
    # And the others were resumed as usual, each by one PUT, and audited as applied
    assert [world.state(i) for i in OURS] == [E] * 4
    assert sorted(put_ids(world)) == sorted(["sb-video", "c-legacy", "sd-1"])
    assert {a["entityId"] for a in actions if a["result"] == "applied"} == {"sb-video", "c-legacy", "sd-1"}
    assert world.services.metrics.counts["AdsResumed"] == 3
    # And the re-read of a resume costs at most one list call per group
    assert sorted((p, t) for _, p, t, _ in world.ads.get_calls) == [("SB", "ad"), ("SB", "campaign"), ("SD", "ad"), ("SP", "ad")]


def test_the_released_entry_of_an_operator_override_says_so(world):
    # Given the SP ad paused by StockGuard, then re-enabled by the operator
    paused_by_us(world)
    world.ads.set_state(entity(world, "sp-1"), E)
    # When the stock comes back
    run(world, BACK)
    # Then its ledger entry is released with the reason operator_override
    entry = ledger(world, "sp-1")
    assert (entry.status, entry.reason) == (LedgerStatus.RELEASED, "operator_override")


def test_a_mixed_group_puts_only_what_is_still_paused(world, aws_stack):
    # Given both ASINs out: the SB group (ads) holds sb-video and the multi-ASIN sb-collection, both paused by us
    result = run(world, OUT, fba(OTHER_ASIN, "SELLERSKU-2", 0, minutes=0, nid="n-out-2"))
    assert result.failed_message_ids == []
    assert (world.state("sb-video"), world.state("sb-collection")) == (P, P)
    world.ads.calls.clear()
    world.ads.set_calls.clear()
    world.ads.get_calls.clear()
    # And the operator re-enabled sb-video
    world.ads.set_state(entity(world, "sb-video"), E)
    # When both ASINs are back
    result = run(world, BACK, fba(OTHER_ASIN, "SELLERSKU-2", 25, minutes=60, nid="n-back-2"))
    # Then the group had one list call naming both, and one PUT naming only sb-collection
    assert result.failed_message_ids == []
    assert [sorted(ids) for ids in rereads(world, "SB")] == [["sb-collection", "sb-video"]]
    sb_puts = [changes for _, product, kind, changes in world.ads.set_calls if (product, kind) == ("SB", "ad")]
    assert sb_puts == [[("sb-collection", "ENABLED")]]
    # And sb-collection is resumed and audited as applied; sb-video is released and audited as a keep
    assert (world.state("sb-video"), world.state("sb-collection")) == (E, E)
    assert (ledger(world, "sb-collection").status, ledger(world, "sb-video").status) == (LedgerStatus.RELEASED, LedgerStatus.RELEASED)
    assert applied(aws_stack, "sb-collection") == [("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")]
    assert applied(aws_stack, "sb-video") == [("ENABLED", "PAUSED")]


def test_a_throttled_resume_re_read_is_retried_and_nothing_is_applied_twice(world, aws_stack):
    # Given our four ads paused, and the Ads API throttling the next list call (the first group's re-read)
    paused_by_us(world)
    world.ads.raise_on_get = 1
    actions: list[dict] = []
    world.services.on_action = actions.append
    # When the restock is delivered
    first = run(world, BACK)
    # Then its message returns to the queue; the throttled group was not PUT, the others were
    assert len(first.failed_message_ids) == 1
    throttled = [i for i in OURS if world.state(i) is P]
    assert len(throttled) == 1 and throttled[0] not in put_ids(world)
    assert [a["result"] for a in actions if a["entityId"] == throttled[0]] == ["throttled"]
    # When SQS redelivers it
    second = run(world, BACK)
    # Then the throttled group is resumed, and every ad was resumed by exactly one PUT, audited once
    assert second.failed_message_ids == []
    assert [world.state(i) for i in OURS] == [E] * 4
    assert sorted(put_ids(world)) == sorted(OURS)
    assert {i: applied(aws_stack, i) for i in OURS} == {i: [("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")] for i in OURS}
    assert all(ledger(world, i).status is LedgerStatus.RELEASED for i in OURS)
    assert sorted(a["entityId"] for a in actions if a["result"] == "applied") == sorted(OURS)


def test_an_ad_archived_during_the_episode_is_not_resumed(world, aws_stack):
    # Given the SP ad paused by StockGuard, then archived (the index still says PAUSED)
    paused_by_us(world)
    world.ads.set_state(entity(world, "sp-1"), EntityState.ARCHIVED)
    # When the stock comes back
    result = run(world, BACK)
    # Then it is not PUT (Amazon does not enable an archived ad; StockGuard does not try)
    assert result.failed_message_ids == []
    assert "sp-1" not in put_ids(world) and world.state("sp-1") is EntityState.ARCHIVED
    # And the ledger keeps its pause, the index learns the state, nothing is audited as applied
    assert ledger(world, "sp-1").status is LedgerStatus.PAUSED
    assert index_state(world, "sp-1") is EntityState.ARCHIVED
    assert applied(aws_stack, "sp-1") == [("ENABLED", "PAUSED")]
    assert world.services.metrics.by_label[("DecisionsSkipped", "not_paused_at_reread")] == 1


@pytest.mark.parametrize("audited", [False, True], ids=["died before its audit", "died after its audit"])
def test_a_crashed_resume_seen_applied_at_the_re_read_is_settled_not_put_again(world, aws_stack, audited):
    # Given a resume of sp-1 whose PUT applied, and the invocation died before the index and ledger writes
    paused_by_us(world)
    sp = entity(world, "sp-1")
    at = T0 + timedelta(minutes=60)  # BACK's event time: the key the crashed invocation audited (or would have)
    assert world.services.ledger.intend_resume(sp.ref, asin=ASIN, reason="back_in_stock", notification_id="n-back", now=at)
    world.ads.set_state(sp, E)
    if audited:
        world.services.audit.record([_resume_audit(sp, at)])
    # And the redelivery's settling re-read (before deciding) is throttled, so the policy still sees a pending resume
    world.ads.raise_on_get = 1
    # When the restock is redelivered
    result = run(world, BACK)
    # Then sp-1 is not PUT again; its intent is confirmed and audited exactly once
    assert result.failed_message_ids == []
    assert "sp-1" not in put_ids(world)
    assert ledger(world, "sp-1").status is LedgerStatus.RELEASED
    assert applied(aws_stack, "sp-1") == [("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")]
    assert [world.state(i) for i in OURS] == [E] * 4


def test_a_crashed_pause_seen_applied_at_the_re_read_is_settled_at_once(world, aws_stack):
    # Given a pause of sp-1 whose PUT applied, and the invocation died before its audit
    sp = entity(world, "sp-1")
    assert world.services.ledger.intend_pause(sp.ref, asin=ASIN, reason="out_of_stock", notification_id="n-out", now=T0)
    world.ads.set_state(sp, P)
    # And the redelivery's settling re-read (before deciding) is throttled, so the policy decides a pause again
    world.ads.raise_on_get = 1
    # When the stock-out is redelivered
    result = run(world, OUT)
    # Then sp-1 is not PUT again, the ledger holds the pause and the audit has it once
    assert result.failed_message_ids == []
    assert "sp-1" not in put_ids(world)
    assert ledger(world, "sp-1").status is LedgerStatus.PAUSED
    assert applied(aws_stack, "sp-1") == [("ENABLED", "PAUSED")]
    # And the restock resumes it: StockGuard paused it
    run(world, BACK)
    assert world.state("sp-1") is E


def _resume_audit(entity: AdEntity, at) -> AuditEntry:
    """The applied entry the crashed invocation wrote for its resume of `entity`."""
    return AuditEntry(
        at=at,
        account_id=SELLER,
        marketplace_id=US,
        asin=ASIN,
        skus=("SELLERSKU-1",),
        profile_id=entity.ref.profile_id,
        ad_product=entity.ref.ad_product.value,
        entity_type=entity.ref.entity_type.value,
        entity_id=entity.ref.entity_id,
        from_state="PAUSED",
        to_state="ENABLED",
        reason="back_in_stock",
        notification_id="n-back",
        result="applied",
    )
