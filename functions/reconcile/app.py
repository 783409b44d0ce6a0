"""ReconcileFunction: on a schedule, read Amazon's own stock and Featured Offer state (SP-API) and send
what differs from StockGuard's facts to the inventory queue, to be decided like a notification.

Why: notifications can be missing, hours late or wrong (reference sp-api-notifications.md §10–11); this
is the backup Amazon tells integrators to keep. What a run did: stockguard.reconcile.run.
"""

from stockguard.observability import logger, metrics, tracer
from stockguard.runtime import ServicesCache, reconcile_handler

services = ServicesCache.for_reconcile()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event, context):
    return reconcile_handler(event, context, services)
