"""AdsIndexSyncFunction: on a schedule, list every profile's SP, SB and SD ads into the ad index.

Also notices operators' changes (an entity StockGuard paused that is ENABLED again is marked
OVERRIDDEN in the ledger) and records the index's freshness (metric IndexSynced, last-synced time).
"""

from stockguard.observability import logger, metrics, tracer
from stockguard.runtime import ServicesCache, index_sync_handler

services = ServicesCache.for_index_sync()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event, context):
    return index_sync_handler(event, context, services)
