"""Property tests: what real messages vary (casing, extra fields, absent optional fields) never changes
the result, and broken quantities are always rejected."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockguard.notifications import NotificationError, parse_notification
from tests.unit.notifications_strategies import (
    BUILDERS,
    FBA_QUANTITY_PATHS,
    ITEM_QUANTITY_PATH,
    OPTIONAL_PATHS,
    bad_quantities,
    drop_path,
    fba_body,
    flip_first,
    item_body,
    recased,
    render,
    set_path,
    with_extra_fields,
)

KINDS = sorted(BUILDERS)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.data())
def test_top_level_key_casing_does_not_matter(kind, data):
    # Given a valid body whose top-level and NotificationMetadata keys are recased at random
    body = BUILDERS[kind]()
    recased_body = data.draw(recased(body))
    # Then it parses to the same result as the body in schema casing
    assert parse_notification(json.dumps(recased_body)) == parse_notification(json.dumps(body))


def _recase_payload_keys(value, upper: bool):
    if isinstance(value, dict):
        return {flip_first(k, upper): _recase_payload_keys(v, upper) for k, v in value.items()}
    if isinstance(value, list):
        return [_recase_payload_keys(v, upper) for v in value]
    return value


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "STOCKGUARD_REEVALUATE"])
@pytest.mark.parametrize("upper", [True, False])
def test_payload_keys_in_the_other_first_letter_casing(kind, upper):
    # Given a body whose payload keys all start with an upper (or lower) case letter
    body = BUILDERS[kind]()
    key = "Payload" if "Payload" in body else "payload"
    recased_body = {**body, key: _recase_payload_keys(body[key], upper)}
    # Then it parses alike (the facts do not depend on the payload's key casing)
    assert parse_notification(recased_body) == parse_notification(body)


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.data())
def test_unknown_extra_fields_anywhere_are_ignored(kind, data):
    # Given a valid body with unknown keys added to random objects at any depth
    body = BUILDERS[kind]()
    noisy = data.draw(with_extra_fields(body))
    # Then the result is the same (the bodies carry a NotificationId, so no body hash is involved)
    assert parse_notification(json.dumps(noisy)) == parse_notification(json.dumps(body))


@pytest.mark.parametrize("kind", sorted(OPTIONAL_PATHS))
@PROPERTY
@given(data=st.data())
def test_absent_optional_fields_are_accepted(kind, data):
    # Given a valid body without any subset of the fields a decision does not need
    paths = data.draw(st.lists(st.sampled_from(OPTIONAL_PATHS[kind]), unique=True, max_size=len(OPTIONAL_PATHS[kind])))
    body = BUILDERS[kind]()
    for path in sorted(paths, key=len, reverse=True):
        body = drop_path(body, path)
    # When parsed, Then it still yields its facts
    parsed = parse_notification(json.dumps(body))
    assert parsed.stock_facts or parsed.offer_facts


def test_absent_breakdowns_read_as_zero():
    body = fba_body()
    for name in ("InboundQuantityBreakdown", "ReservedQuantityBreakdown", "FutureSupplyBuyable"):
        body = drop_path(body, ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", name))
    (fact,) = parse_notification(body).stock_facts
    assert (fact.fulfillable, fact.inbound, fact.reserved, fact.future_supply_buyable) == (50, 0, 0, 0)


@pytest.mark.parametrize("path", FBA_QUANTITY_PATHS + [ITEM_QUANTITY_PATH], ids=render)
@PROPERTY
@given(value=bad_quantities)
def test_broken_quantities_are_rejected(path, value):
    # Given a quantity that is negative, huge, a string, a fractional float, a bool, a list or an object
    build = item_body if path == ITEM_QUANTITY_PATH else fba_body
    body = set_path(build(), path, value)
    # Then the message is rejected, naming the quantity
    with pytest.raises(NotificationError, match=render(path).replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
        parse_notification(json.dumps(body))


@pytest.mark.parametrize("path", [FBA_QUANTITY_PATHS[0], ITEM_QUANTITY_PATH], ids=render)
def test_deciding_quantity_null_is_rejected(path):
    build = item_body if path == ITEM_QUANTITY_PATH else fba_body
    with pytest.raises(NotificationError, match=render(path).split(".")[-1]):
        parse_notification(set_path(build(), path, None))


@PROPERTY
@given(value=st.integers(0, 10**9))
def test_quantities_in_range_are_kept_and_integral_floats_accepted(value):
    path = FBA_QUANTITY_PATHS[0]
    as_int = parse_notification(set_path(fba_body(), path, value)).stock_facts[0]
    as_float = parse_notification(json.dumps(set_path(fba_body(), path, float(value)))).stock_facts[0]
    assert as_int.fulfillable == as_float.fulfillable == value


@PROPERTY
@given(data=st.data())
def test_fba_body_hash_id_is_stable_and_order_independent(data):
    # Given an FBA body without NotificationMetadata, serialised with its keys in any order
    body = fba_body(with_metadata=False)
    keys = data.draw(st.permutations(list(body)))
    shuffled = json.dumps({k: body[k] for k in keys}, indent=data.draw(st.sampled_from([None, 2])))
    # Then the id is the same sha256 of the canonical JSON: a resend of the body dedupes
    parsed = parse_notification(shuffled)
    assert parsed.notification_id == parse_notification(json.dumps(body)).notification_id
    assert parsed.notification_id.startswith("sha256:") and len(parsed.notification_id) == 7 + 64
