"""OfferEventsFunction: ANY_OFFER_CHANGED and PRICING_HEALTH (the Featured Offer) from SQS.

Its own queue and function so that high-volume offer changes never delay a stock-out. Same pipeline
as the inventory function: facts, decisions, coalesced Ads API actions, partial batch response.
"""

from stockguard.observability import logger, metrics, tracer
from stockguard.runtime import ServicesCache, sqs_batch_handler

services = ServicesCache.for_batch()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event, context):
    return sqs_batch_handler(event, context, services)
