"""Hypothesis strategies of bad (and oddly shaped but valid) SQS bodies, each labelled with what the
pipeline must do with it: "reject" (batch item failure, logged reason, NotificationsRejected), "accept"
(processed like any notification), or "either" (random mutations: whatever the parser says, the rest of
the batch is unaffected and nothing escapes)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from stockguard.domain.marketplaces import is_amazon_marketplace
from tests.support.notifications import any_offer_changed, fba, item_inventory

FUZZ_ASIN = "B0FUZZ0001"  # advertised by nothing: an accepted fuzz body never changes an ad


@dataclass(frozen=True)
class Case:
    label: str
    expect: str  # "reject" | "accept" | "either"
    body: str

    def __repr__(self) -> str:  # hypothesis prints this when it shrinks to a failure
        return f"Case({self.label!r}, {self.expect!r}, {self.body[:300]!r}{'…' if len(self.body) > 300 else ''})"


def templates() -> dict[str, dict]:
    return {
        "fba": fba(FUZZ_ASIN, "FUZZSKU", 3, minutes=1, nid="fuzz-fba"),
        "item": item_inventory(FUZZ_ASIN, 3, minutes=1, nid="fuzz-item", account="amzn1.merchant.o.A3TH9S8BH6GOGM"),
        "aoc": any_offer_changed(FUZZ_ASIN, we_win=False, minutes=1, nid="fuzz-aoc"),
    }


# Required fields whose wrong type or absence must be rejected: (template, path).
REQUIRED = [
    ("fba", ("NotificationType",)),
    ("fba", ("EventTime",)),
    ("fba", ("Payload", "SellerId")),
    ("fba", ("Payload", "ASIN")),
    ("fba", ("Payload", "SKU")),
    ("fba", ("Payload", "FulfillmentInventoryByMarketplace", 0, "MarketplaceId")),
    ("item", ("notificationMetadata", "notificationId")),
    ("item", ("payload", "itemInventoryEventChanges", 0, "asin")),
    ("item", ("payload", "itemInventoryEventChanges", 0, "accountId")),
    ("item", ("payload", "itemInventoryEventChanges", 0, "endTime")),
    ("aoc", ("NotificationMetadata", "NotificationId")),
    ("aoc", ("Payload", "AnyOfferChangedNotification", "OfferChangeTrigger", "ASIN")),
    ("aoc", ("Payload", "AnyOfferChangedNotification", "OfferChangeTrigger", "MarketplaceId")),
]
QUANTITIES = [
    ("fba", ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "Fulfillable")),
    ("item", ("payload", "itemInventoryEventChanges", 0, "highlyAvailableInventory")),
]
MARKETPLACES = [
    ("fba", ("Payload", "FulfillmentInventoryByMarketplace", 0, "MarketplaceId")),
    ("item", ("payload", "itemInventoryEventChanges", 0, "marketplaceId")),
]
ALL_PATHS = (
    REQUIRED
    + QUANTITIES
    + [
        ("fba", ("Payload",)),
        ("fba", ("Payload", "FulfillmentInventoryByMarketplace")),
        ("fba", ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "InboundQuantityBreakdown")),
        ("item", ("payload", "itemInventoryEventChanges")),
        ("aoc", ("Payload", "AnyOfferChangedNotification", "Offers")),
        ("aoc", ("Payload", "AnyOfferChangedNotification", "Offers", 0, "IsBuyBoxWinner")),
        ("aoc", ("Payload", "AnyOfferChangedNotification", "SellerId")),
    ]
)


def _set(body: dict, path: tuple, value: Any, *, delete: bool = False) -> dict:
    out = copy.deepcopy(body)
    target = out
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


def _mutated(path_choices, values, *, label: str, expect: str, delete: bool = False):
    def build(choice_and_value) -> Case:
        (name, path), value = choice_and_value
        body = _set(templates()[name], path, value, delete=delete)
        return Case(f"{label} {name}:{'.'.join(map(str, path))}", expect, json.dumps(body, ensure_ascii=False))

    return st.tuples(st.sampled_from(path_choices), values).map(build)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
json_values = st.recursive(
    json_scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=8
)
not_a_string = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
)


def _not_json(text: str) -> bool:
    try:
        return not isinstance(json.loads(text), dict)
    except ValueError:
        return True


not_json = st.text(max_size=300).filter(_not_json).map(lambda t: Case("not JSON / not an object", "reject", t))
non_object = json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: Case("JSON, not an object", "reject", json.dumps(v)))
random_object = st.dictionaries(st.text(max_size=20), json_values, max_size=6).map(lambda v: Case("random object", "reject", json.dumps(v)))
wrong_required_type = _mutated(REQUIRED, not_a_string, label="wrong type of", expect="reject")
missing_required = _mutated(REQUIRED, st.none(), label="missing", expect="reject", delete=True)
bad_quantity = _mutated(
    QUANTITIES,
    st.integers(max_value=-1)
    | st.integers(min_value=10**9 + 1)
    | st.floats(allow_nan=False).filter(lambda f: not f.is_integer())
    | st.booleans()
    | st.text(max_size=10)
    | st.none(),
    label="bad quantity",
    expect="reject",
)
big_valid_quantity = _mutated(QUANTITIES, st.integers(0, 10**9), label="in-range quantity", expect="accept")
unknown_marketplace = _mutated(
    MARKETPLACES,
    st.text(min_size=1, max_size=20).filter(lambda s: s.strip() and not is_amazon_marketplace(s.strip())),
    label="unknown marketplace",
    expect="reject",  # each template names one marketplace: nothing left to decide
)
unicode_ids = _mutated(
    [("fba", ("Payload", "ASIN")), ("fba", ("Payload", "SKU")), ("aoc", ("Payload", "AnyOfferChangedNotification", "SellerId"))],
    st.text(alphabet=st.characters(min_codepoint=0xA0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)), min_size=1, max_size=20).filter(
        str.strip  # a blank id is missing, rightly rejected
    ),
    label="unicode id",
    expect="accept",
)
random_mutation = _mutated(ALL_PATHS, json_values, label="random value at", expect="either")


def _recase(body: dict, mode: str) -> dict:
    change = {"lower": str.lower, "upper": str.upper, "swap": lambda k: k[:1].swapcase() + k[1:]}[mode]
    return {change(k): v for k, v in body.items()}


wrong_casing = st.tuples(st.sampled_from(sorted(templates())), st.sampled_from(["lower", "upper", "swap"])).map(
    lambda tm: Case(f"{tm[1]}-cased envelope keys of {tm[0]}", "either", json.dumps(_recase(templates()[tm[0]], tm[1])))
)
type_casing = st.sampled_from(sorted(templates())).map(
    lambda name: Case(
        f"lower-case notification type of {name}",
        "accept",
        json.dumps({k: (v.lower() if k.lower() == "notificationtype" else v) for k, v in templates()[name].items()}),
    )
)
MAX_SQS_BODY = 256 * 1024
huge_valid = st.sampled_from(sorted(templates())).map(lambda name: Case(f"256 KB {name}", "accept", _padded(templates()[name])))
huge_garbage = st.just(Case("256 KB of garbage", "reject", "[" * MAX_SQS_BODY))


def _padded(body: dict) -> str:
    text = json.dumps({**body, "Padding": ""})
    return json.dumps({**body, "Padding": "é" * ((MAX_SQS_BODY - len(text.encode())) // 2)}, ensure_ascii=False)


bad_bodies = st.one_of(
    not_json,
    non_object,
    random_object,
    wrong_required_type,
    missing_required,
    bad_quantity,
    big_valid_quantity,
    unknown_marketplace,
    unicode_ids,
    random_mutation,
    wrong_casing,
    type_casing,
    huge_valid,
    huge_garbage,
)
