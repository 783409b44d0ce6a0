"""End to end: handlers loaded from template.yaml (handler path and environment, as SAM does) against a
moto server and the Ads API simulator over real HTTP on 127.0.0.1, SQS delivery simulated on moto's
queues (batches, batch item failures, redrive to the DLQ)."""

from __future__ import annotations

import json

import pytest

from stockguard_dev.cli.embedded import EmbeddedStack

SELLER_US = "1111111111111111"
SELLER_DE = "2222222222222222"
VENDOR_US = "3333333333333333"


@pytest.fixture
def embedded(request):
    marker = request.node.get_closest_marker("embedded")
    kwargs = dict(marker.kwargs) if marker else {}
    config = kwargs.pop("config", None)
    with EmbeddedStack(config_text=json.dumps(config) if config else None, **kwargs) as stack:
        stack.sync_index()
        stack.simulator.clear_requests()
        yield stack


def state(embedded, profile: str, product: str, entity_id: str, entity_type: str = "ad") -> str:
    return embedded.simulator.state_of(profile, product, entity_type, entity_id).upper()
