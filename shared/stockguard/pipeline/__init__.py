"""Batch orchestration: SQS records -> facts -> decisions -> coalesced Ads API actions -> results."""
