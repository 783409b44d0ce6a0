"""InventoryEventsFunction: ITEM_INVENTORY_EVENT_CHANGE and FBA_INVENTORY_AVAILABILITY_CHANGES from SQS.

Thin on purpose: the batch logic lives in stockguard.pipeline; dependencies are built once per
container by the ServicesCache (tests call `services.override(...)` to inject fakes).
"""

from stockguard.observability import logger, metrics, tracer
from stockguard.runtime import ServicesCache, sqs_batch_handler

services = ServicesCache.for_batch()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event, context):
    return sqs_batch_handler(event, context, services)
