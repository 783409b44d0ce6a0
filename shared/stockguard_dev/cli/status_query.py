"""Everything StockGuard knows about one ASIN: facts, ad entities, ledger, last audit entries.

Read-only queries for `stockguard status`. The stock table is scanned with a filter (an operator tool,
not a hot path); the index is queried per profile the last sync saw.
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry
from stockguard.index.repository import AdIndexRepository
from stockguard.state.audit import AuditLog
from stockguard.state.dynamo import get_table, scan_all
from stockguard.state.ledger import LedgerRepository
from stockguard.state.stock import StockRepository


def asin_status(*, asin: str, marketplace_id: str | None, tables: dict[str, str], audit_limit: int = 10) -> dict:
    stock = StockRepository(tables["stock"])
    index = AdIndexRepository(tables["index"])
    ledger = LedgerRepository(tables["ledger"])
    audit = AuditLog(tables["audit"])

    condition = Attr("asin").eq(asin)
    if marketplace_id:
        condition = condition & Attr("marketplace_id").eq(marketplace_id)
    rows = scan_all(get_table(tables["stock"]), FilterExpression=condition, ProjectionExpression="account_id, marketplace_id")
    products = sorted({(r["account_id"], r["marketplace_id"]) for r in rows})
    # upgrade=False: a status report never writes (a product still in the first layout is folded in memory)
    facts = list(stock.load_many([ProductKey(account_id=a, marketplace_id=m, asin=asin) for a, m in products], upgrade=False).values())
    skus = sorted({s for f in facts for s in f.skus})

    index_table = get_table(tables["index"])
    profiles = sorted(
        r["pk"][5:] for r in scan_all(index_table, FilterExpression=Key("pk").begins_with("META#"), ProjectionExpression="pk")
    )
    entities = [e for p in profiles for e in index.entities_for(p, asins=[asin], skus=skus)]
    entries = ledger.get_many(e.ref for e in entities)
    marketplaces = [marketplace_id] if marketplace_id else sorted({m for _, m in products})
    audit_rows = [e for m in marketplaces for e in audit.for_asin(m, asin, limit=audit_limit)]
    return {
        "asin": asin,
        "products": [
            {
                "accountId": f.product.account_id,
                "marketplaceId": f.product.marketplace_id,
                "stock": [
                    {
                        "sku": s.sku,
                        "source": s.source.value,
                        "fulfillable": s.fulfillable,
                        "inbound": s.inbound,
                        "highlyAvailable": s.highly_available,
                        "eventTime": s.event_time.isoformat(),
                    }
                    for s in f.stock
                ],
                "featuredOffer": None
                if f.offer is None
                else {"featured": f.offer.featured, "detail": f.offer.detail, "eventTime": f.offer.event_time.isoformat()},
            }
            for f in facts
        ],
        "entities": [
            {
                "profileId": e.ref.profile_id,
                "adProduct": e.ref.ad_product.value,
                "entityType": e.ref.entity_type.value,
                "entityId": e.ref.entity_id,
                "state": e.state.value,
                "asins": list(e.asins),
                "skus": list(e.skus),
                "ledger": _ledger_json(entries.get(e.ref.id)),
            }
            for e in entities
        ],
        "audit": [a.model_dump(mode="json") for a in sorted(audit_rows, key=lambda a: a.at, reverse=True)[:audit_limit]],
    }


def _ledger_json(entry: LedgerEntry | None) -> dict | None:
    if entry is None:
        return None
    return {
        "status": entry.status.value,
        "reason": entry.reason,
        "lastChangeAt": entry.last_change_at.isoformat() if entry.last_change_at else None,
    }
