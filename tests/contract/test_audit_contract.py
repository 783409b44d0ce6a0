"""AuditStore contract: overwrite by key, ordering per ASIN (newest first) and per day (oldest first), TTL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stockguard.clock import parse_iso
from stockguard.state.audit import AuditEntry
from stockguard.state.ports import AuditStore
from tests.contract.backends import AUDIT_TTL_DAYS, Persisted

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MARKETPLACE = "ATVPDKIKX0DER"


def entry(minutes: float = 0, *, asin: str = "B00001ABCD", result: str = "applied", entity_id: str = "ad-1", **extra) -> AuditEntry:
    return AuditEntry(
        at=T0 + timedelta(minutes=minutes),
        account_id="A1",
        marketplace_id=MARKETPLACE,
        asin=asin,
        profile_id="1001",
        ad_product="SP",
        entity_type="ad",
        entity_id=entity_id,
        from_state="ENABLED",
        to_state="PAUSED",
        reason="out_of_stock",
        notification_id="n1",
        result=result,
        **extra,
    )


def test_an_entry_round_trips(audit: AuditStore):
    # Given an entry with every field set, When it is recorded and read, Then it is unchanged
    full = entry(error="E: boom", skus=("SKU-1", "SKU-2"), result="failed")
    audit.record([full])
    assert audit.for_asin(MARKETPLACE, full.asin) == [full]


def test_the_same_key_overwrites_and_another_result_does_not(audit: AuditStore):
    # Given an applied entry
    audit.record([entry(error="first")])
    # When the same decision is recorded again (a retry settling its intent), and once more with another result
    audit.record([entry(error="second")])
    audit.record([entry(result="failed")])
    # Then the applied entry exists once, as last written, beside the failed one
    rows = audit.for_asin(MARKETPLACE, "B00001ABCD")
    assert sorted((e.result, e.error) for e in rows) == [("applied", "second"), ("failed", "")]


def test_per_asin_newest_first_with_a_limit(audit: AuditStore):
    # Given five entries of one ASIN over time, recorded out of order, and one of another ASIN
    audit.record([entry(m, entity_id=f"ad-{m}") for m in (3, 1, 4, 0, 2)] + [entry(9, asin="B0OTHER")])
    # When the ASIN's entries are read, Then they come newest first, only that ASIN's, up to the limit
    assert [e.entity_id for e in audit.for_asin(MARKETPLACE, "B00001ABCD")] == ["ad-4", "ad-3", "ad-2", "ad-1", "ad-0"]
    assert [e.entity_id for e in audit.for_asin(MARKETPLACE, "B00001ABCD", limit=2)] == ["ad-4", "ad-3"]
    assert audit.for_asin("A1F83G8C2ARO7P", "B00001ABCD") == []


def test_per_day_oldest_first_across_asins(audit: AuditStore):
    # Given entries of two ASINs today and one tomorrow
    audit.record([entry(30, asin="B0SECOND"), entry(10), entry(24 * 60, asin="B0NEXTDAY"), entry(20, asin="B0THIRD")])
    # When today's entries are read, Then they come in time order and tomorrow's is left out
    assert [e.asin for e in audit.for_day("2026-11-01")] == ["B00001ABCD", "B0THIRD", "B0SECOND"]
    assert [e.asin for e in audit.for_day("2026-11-01", limit=1)] == ["B00001ABCD"]
    assert [e.asin for e in audit.for_day("2026-11-02")] == ["B0NEXTDAY"]


def test_entries_expire_after_the_ttl(audit_backed: Persisted):
    # When an entry is recorded
    audit_backed.store.record([entry()])
    # Then its item carries the day index key and expires AUDIT_TTL_DAYS after it was recorded
    (item,) = audit_backed.items()
    assert item["day"] == "2026-11-01"
    assert item["pk"] == f"{MARKETPLACE}#B00001ABCD"
    assert item["sk"] == "2026-11-01T12:00:00.000Z#1001#SP#ad#ad-1#n1#applied"
    recorded = parse_iso(item["recorded_at"])
    assert abs(item["expires_at"] - (recorded + timedelta(days=AUDIT_TTL_DAYS)).timestamp()) < 1
