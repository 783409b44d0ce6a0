"""ReconcileFunction's AWS calls (a full sweep with a product to send, the Featured Offer re-check's scan,
the watermark, the queue, the secret) are all allowed by its policies in template.yaml, action and resource."""

from __future__ import annotations

import pytest

from stockguard_dev.local.template import functions, load_template
from tests.e2e.test_iam_calls import ROOT, denied_calls, recorded_calls  # noqa: F401  (recorded_calls: a fixture)
from tests.e2e.test_reconcile_handlers import SKU, WIDGET, inventory_row, world  # noqa: F401  (world: a fixture)
from tests.support.notifications import SELLER, US, any_offer_changed, fba


@pytest.mark.parametrize("world", [[inventory_row(35, minutes=30)]], indirect=True, ids=["restocked"])
def test_every_aws_call_of_the_reconcile_is_allowed_by_the_template(world, recorded_calls):  # noqa: F811
    # Given a paused stock-out and a Featured Offer lost long ago (so the run sends and re-checks)
    world.deliver(fba(WIDGET, SKU, 0, minutes=0, nid="n-out"), any_offer_changed("B00002EFGH", we_win=False, minutes=-600, nid="n-lost"))
    world.spapi.set_featured(SELLER, US, "B00002EFGH", True)
    # When the reconcile runs twice (a full sweep, then the change feed)
    first = world.reconcile()
    world.reconcile()
    # Then it did the work, and each of its calls is allowed by one of its policies
    assert first["targets"][0]["stockChanges"] == 1 and first["targets"][0]["offerChecks"] >= 1
    assert "ReconcileFunction" in recorded_calls
    specs = functions(load_template(ROOT / "template.yaml"))
    assert denied_calls(recorded_calls, specs, world.stack.resolver) == []
