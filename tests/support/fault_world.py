"""A pipeline world for fault tests: moto tables reused between runs (wiped, not re-provisioned, so a
test can afford one run per write), a fake Ads API that records every real state change, SQS-like
redelivery, and the invariants every fault must leave intact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from stockguard.ads.port import UpdateResult
from stockguard.domain.ads import EntityState
from stockguard.domain.ledger import LedgerStatus
from stockguard.pipeline.batch import process_batch
from stockguard.state.dynamo import dynamodb_resource
from stockguard.state.dynamo import scan_all as scan_items
from tests.support.ddb_faults import LambdaTimeout
from tests.support.fake_ads import FakeAdsApi

P, E = EntityState.PAUSED, EntityState.ENABLED


class RecordingAds(FakeAdsApi):
    """FakeAdsApi that logs every state an entity really changed to, and can die after the Nth PUT."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transitions: dict[str, list[tuple[str, str]]] = defaultdict(list)  # entity id -> [(from, to)]
        self.kill_after_set: set[int] = set()
        self.set_count = 0

    def set_states(self, region, profile_id, ad_product, entity_type, changes: Sequence[tuple[str, EntityState]]) -> list[UpdateResult]:
        before = {i: e.state for i, e in self.entities.items()}
        results = super().set_states(region, profile_id, ad_product, entity_type, changes)
        for ref_id, entity in self.entities.items():
            if before.get(ref_id) is not None and before[ref_id] is not entity.state:
                self.transitions[entity.ref.entity_id].append((before[ref_id].value, entity.state.value))
        self.set_count += 1
        if self.set_count in self.kill_after_set:
            raise LambdaTimeout(f"Task timed out after PUT {self.set_count} was applied")
        return results


def wipe_tables(tables: dict[str, str]) -> None:
    """Empty every table of the stack (much cheaper than provisioning a new one)."""
    resource = dynamodb_resource()
    for name in tables.values():
        table = resource.Table(name)
        keys = [k["AttributeName"] for k in table.key_schema]
        kwargs: dict = {
            "ProjectionExpression": ", ".join(f"#k{i}" for i in range(len(keys))),
            "ExpressionAttributeNames": {f"#k{i}": k for i, k in enumerate(keys)},
        }
        while True:
            page = table.scan(**kwargs)
            with table.batch_writer() as writer:
                for item in page.get("Items", []):
                    writer.delete_item(Key={k: item[k] for k in keys})
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scan_all(table_name: str) -> list[dict]:
    return scan_items(dynamodb_resource().Table(table_name))


@dataclass
class Delivery:
    """What SQS saw: how many times it delivered, which invocations died, what was finally deleted."""

    rounds: int = 0
    invocations_died: int = 0
    errors: list[str] = field(default_factory=list)  # exceptions that escaped process_batch (the invocation failed)
    failures: list[str] = field(default_factory=list)


def deliver_until_done(services, records: list[dict], *, max_rounds: int = 5) -> Delivery:
    """Deliver like an event source mapping: failed records (or the whole batch when the invocation
    died) come back, until none fail or maxReceiveCount (5) is reached."""
    delivery = Delivery()
    pending = list(records)
    while pending and delivery.rounds < max_rounds:
        delivery.rounds += 1
        try:
            result = process_batch(pending, services)
        except LambdaTimeout:
            delivery.invocations_died += 1
            continue  # no batch response: every record returns to the queue
        except Exception as error:  # the invocation failed: Lambda reports an error, SQS returns the whole batch
            delivery.errors.append(f"{type(error).__name__}: {error}")
            continue
        failed = set(result.failed_message_ids)
        pending = [r for r in pending if r["messageId"] in failed]
    delivery.failures = [r["messageId"] for r in pending]
    return delivery


def ledger_status(tables: dict[str, str]) -> dict[str, str]:
    """entity id -> ledger status."""
    return {item["pk"].split("#")[-1]: item["status"] for item in scan_all(tables["LedgerTable"])}


def applied_audit(tables: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """entity id -> [(from, to)] of the audit entries with result 'applied', in event-time order."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in sorted(scan_all(tables["AuditTable"]), key=lambda i: i["sk"]):
        if item["result"] == "applied":
            out[item["entity_id"]].append((item["from_state"], item["to_state"]))
    return out


@dataclass
class Problems:
    """Disagreements between the Ads API (ground truth), the ledger and the audit log, by kind."""

    ads: list[str] = field(default_factory=list)  # state changes that should not have happened, or are missing
    ledger: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ads or self.ledger or self.audit or self.delivery)


def _diff(name: str, actual: dict, expected: dict) -> list[str]:
    return [
        f"{name} {k}: {actual.get(k)} != expected {expected.get(k)}"
        for k in sorted(set(actual) | set(expected))
        if actual.get(k) != expected.get(k)
    ]


def consistency_problems(
    ads: RecordingAds,
    tables: dict[str, str],
    *,
    expected_transitions: dict[str, list[tuple[str, str]]],
    expected_ledger: dict[str, str],
) -> Problems:
    problems = Problems()
    actual = {k: v for k, v in ads.transitions.items() if v}
    problems.ads = _diff("Ads API changes of", actual, expected_transitions)
    audit = dict(applied_audit(tables))
    for entity_id in sorted(set(audit) | set(actual)):
        made, said = actual.get(entity_id, []), audit.get(entity_id, [])
        if made == said:
            continue
        if len(said) < len(made) and all(s in made for s in said):
            problems.audit.append(f"unaudited change of {entity_id}: the Ads API made {made}, the audit says applied {said}")
        else:
            problems.audit.append(f"audit of {entity_id} says applied {said}, the Ads API made {made}")
    ledger = ledger_status(tables)
    held = {k: v for k, v in ledger.items() if v != LedgerStatus.RELEASED.value or k in expected_ledger}
    problems.ledger = _diff("ledger of", held, expected_ledger)
    return problems


def assert_consistent(cases: dict[str, Problems]) -> None:
    """Fail on any disagreement between the Ads API, the ledger, the audit log and SQS, naming the cases."""
    import json

    broken = {case: vars(p) for case, p in cases.items() if p}
    assert not broken, json.dumps(broken, indent=1)[:8000]
