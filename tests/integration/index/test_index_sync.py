"""Index sync against moto and the Ads API simulator over HTTP: lookups, incremental, removals, overrides."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from stockguard.ads import AdsApiClient, AdsCredentials, clear_token_cache, region_for_marketplace
from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.ledger import LedgerStatus
from stockguard.index.repository import AdIndexRepository
from stockguard.index.sync import discover_profiles, sync_index
from stockguard.state.dynamo import get_table
from stockguard.state.ledger import LedgerRepository
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator
from tests.integration.index.legacy import legacy_lookup_items, write_legacy_layout

US = "1111111111111111"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
CREDS = AdsCredentials(client_id="demo-client-id", client_secret="demo-client-secret", refresh_token="Atzr|demo-refresh-token")


def run_sync(catalog, index, ledger, now=T0):
    clear_token_cache()
    with AdsSimulator(catalog) as sim:
        client = AdsApiClient(CREDS, api_endpoint=sim.base_url, token_endpoint=sim.token_url)
        profiles = discover_profiles(client, [Region.NA], region_for_marketplace)
        report = sync_index(ads=client, index=index, ledger=ledger, profiles=profiles, now=now)
        return report, sim.requests


@pytest.fixture
def catalog():
    return json.loads(open(DEMO_CATALOG_PATH).read())


def test_sync_indexes_by_asin_and_sku_incrementally(aws_stack, catalog):
    index = AdIndexRepository(aws_stack.tables["AdsIndexTable"])
    ledger = LedgerRepository(aws_stack.tables["LedgerTable"])
    report, _ = run_sync(catalog, index, ledger)
    assert report.profiles == 3 and report.failed_profiles == []
    by_asin = {(e.ref.ad_product, e.ref.entity_type, e.ref.entity_id) for e in index.entities_for(US, asins=["B00001ABCD"])}
    assert (AdProduct.SB, EntityType.AD, "500000000000001") in by_asin
    assert (AdProduct.SB, EntityType.CAMPAIGN, "400000000000003") in by_asin, "legacy SB ad through its campaign"
    assert (AdProduct.SD, EntityType.AD, "800000000000001") in by_asin
    by_sku = {e.ref.entity_id for e in index.entities_for(US, skus=["SELLERSKU-1"])}
    assert {"200000000000001", "200000000000004", "800000000000001"} <= by_sku
    assert index.last_synced(US) == T0
    # a second sync with nothing changed writes nothing
    again, _ = run_sync(catalog, index, ledger, now=T0 + timedelta(hours=1))
    assert again.written == 0 and again.deleted == 0
    assert index.last_synced(US) == T0 + timedelta(hours=1)


def test_vanished_entities_are_removed(aws_stack, catalog):
    index = AdIndexRepository(aws_stack.tables["AdsIndexTable"])
    ledger = LedgerRepository(aws_stack.tables["LedgerTable"])
    run_sync(catalog, index, ledger)
    catalog["entities"][US]["sd_product_ads"] = [a for a in catalog["entities"][US]["sd_product_ads"] if a["adId"] != 800000000000001]
    report, _ = run_sync(catalog, index, ledger)
    assert report.deleted == 1
    assert "800000000000001" not in {e.ref.entity_id for e in index.entities_for(US, asins=["B00001ABCD"], skus=["SELLERSKU-1"])}


def test_operator_reenabling_a_stockguard_pause_is_an_override(aws_stack, catalog):
    index = AdIndexRepository(aws_stack.tables["AdsIndexTable"])
    ledger = LedgerRepository(aws_stack.tables["LedgerTable"])
    ref = EntityRef(profile_id=US, ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id="200000000000001")
    ledger.intend_pause(ref, asin="B00001ABCD", reason="out_of_stock", notification_id="n", now=T0)
    ledger.confirm_pause(ref, now=T0)
    report, _ = run_sync(catalog, index, ledger)  # the catalog has it ENABLED: someone turned it back on
    assert report.overrides == 1
    assert ledger.get(ref).status is LedgerStatus.OVERRIDDEN


def test_sync_uses_only_list_calls(aws_stack, catalog):
    index = AdIndexRepository(aws_stack.tables["AdsIndexTable"])
    _, requests = run_sync(catalog, index, LedgerRepository(aws_stack.tables["LedgerTable"]))
    assert not [r for r in requests if r.method == "PUT"]


def listed_entities(catalog) -> dict[str, list]:
    """What the sync would list, per profile (to write the previous release's layout from it)."""
    clear_token_cache()
    with AdsSimulator(catalog) as sim:
        client = AdsApiClient(CREDS, api_endpoint=sim.base_url, token_endpoint=sim.token_url)
        return {
            p.profile_id: [e for product in AdProduct for e in client.list_entities(p.region, p.profile_id, product)]
            for p in discover_profiles(client, [Region.NA], region_for_marketplace)
        }


def test_first_sync_after_the_upgrade_rebuilds_the_index_and_removes_layout_1(aws_stack, catalog):
    # Given the demo catalog indexed by the previous release (layout 1)
    table = aws_stack.tables["AdsIndexTable"]
    for profile_id, entities in listed_entities(catalog).items():
        write_legacy_layout(table, profile_id, entities, now=T0)
    assert legacy_lookup_items(table)
    index = AdIndexRepository(table)
    ledger = LedgerRepository(aws_stack.tables["LedgerTable"])
    # When the new code looks up before its first sync, Then it finds what the old index holds
    before = {e.ref.id for e in index.entities_for(US, asins=["B00001ABCD"], skus=["SELLERSKU-1"])}
    assert {"200000000000001", "500000000000001", "800000000000001"} <= {i.split("#")[-1] for i in before}
    # When the first sync runs
    report, _ = run_sync(catalog, index, ledger, now=T0 + timedelta(hours=1))
    # Then every profile was rebuilt, no old item is left, META records layout 2, lookups are unchanged
    assert report.upgraded == 3 and report.failed_profiles == []
    assert legacy_lookup_items(table) == []
    metas = [get_table(table).get_item(Key={"pk": f"META#{p}", "sk": "SYNC"})["Item"] for p in listed_entities(catalog)]
    assert [m["layout"] for m in metas] == [2, 2, 2]
    assert {e.ref.id for e in index.entities_for(US, asins=["B00001ABCD"], skus=["SELLERSKU-1"])} == before
    # And the sync after that neither writes nor upgrades anything
    again, _ = run_sync(catalog, index, ledger, now=T0 + timedelta(hours=2))
    assert (again.upgraded, again.written, again.deleted) == (0, 0, 0)
