"""Per-operation rate limits (429 QuotaExceeded, x-amzn-RateLimit-Limit) and the shared fault injection."""

from __future__ import annotations

import httpx
import pytest

from stockguard_dev.simulator.spapi import FaultRule, ManualClock, RateLimit, SpApiSimulator
from tests.integration.simulator.spapi.wire import SUMMARIES, SpApi, refresh_grant, summary_request

pytestmark = pytest.mark.integration


def test_inventory_summaries_allow_a_burst_of_2_then_429(api: SpApi, sim: SpApiSimulator, clock: ManualClock) -> None:
    # Given the default plans (2/s, burst 2) switched on
    sim.rate_limiter.enabled = True

    # When three calls arrive at the same instant, then one half a second later
    statuses = [api.summaries().status_code for _ in range(3)]
    throttled = api.summaries()
    clock.advance(0.5)
    refilled = api.summaries()

    # Then the third and fourth are throttled with the SP-API body and the plan's header; a token refills in 0.5 s
    assert statuses == [200, 200, 429]
    assert throttled.status_code == 429
    (error,) = throttled.json()["errors"]
    assert error["code"] == "QuotaExceeded"
    assert throttled.headers["x-amzn-ratelimit-limit"] == "2.0"
    assert refilled.status_code == 200


def test_every_operation_reports_its_plan(api: SpApi) -> None:
    # Given rate limiting off (the fixture) / When each operation is called once
    responses = {
        "inventory": api.summaries(),
        "listing": api.listing("SELLERSKU-1"),
        "missing listing": api.listing("NOPE"),
        "pricing": api.competitive([summary_request("B00001ABCD")]),
    }

    # Then each response carries x-amzn-RateLimit-Limit with the operation's rate
    assert {name: r.headers["x-amzn-ratelimit-limit"] for name, r in responses.items()} == {
        "inventory": "2.0",
        "listing": "5.0",
        "missing listing": "5.0",
        "pricing": "0.033",
    }


def test_competitive_summary_allows_one_call_per_30_seconds(api: SpApi, sim: SpApiSimulator, clock: ManualClock) -> None:
    # Given the default 0.033/s burst 1 plan
    sim.rate_limiter.enabled = True
    batch = [summary_request("B00001ABCD")]

    # When called twice at once, then 31 s later
    first, second = api.competitive(batch), api.competitive(batch)
    clock.advance(31)
    later = api.competitive(batch)

    # Then the second is throttled, the later one served
    assert (first.status_code, second.status_code, later.status_code) == (200, 429, 200)


def test_limits_are_per_seller(clock: ManualClock) -> None:
    # Given a plan of burst 1 for listings and two sellers, each calling twice at once
    with SpApiSimulator(
        {
            "A1SELLERONE111": {"ATVPDKIKX0DER": [{"sellerSku": "S", "asin": "B000000001", "totalQuantity": 1}]},
            "A1SELLERTWO222": {"ATVPDKIKX0DER": [{"sellerSku": "S", "asin": "B000000001", "totalQuantity": 1}]},
        },
        rate_limits={"getListingsItem": RateLimit(1.0, 1)},
        clock=clock,
    ) as sim:
        creds = sim.credentials()
        statuses = []
        for seller in creds["sellers"]:
            form = {"grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
            token = httpx.post(sim.token_url, data={**form, "refresh_token": seller["refresh_token"]}).json()["access_token"]
            path = f"{sim.base_url}/listings/2021-08-01/items/{seller['seller_id']}/S"
            for _ in range(2):
                statuses.append(
                    httpx.get(path, params={"marketplaceIds": "ATVPDKIKX0DER"}, headers={"x-amz-access-token": token}).status_code
                )

    # Then each seller has its own bucket
    assert statuses == [200, 429, 200, 429]


def test_a_fault_rule_answers_429_with_retry_after(api: SpApi, sim: SpApiSimulator) -> None:
    # Given a 429 rule on the inventory route, once
    sim.faults.add(FaultRule(match=f"GET {SUMMARIES}", kind="429", retry_after=4, times=1))

    # When called twice
    throttled, served = api.summaries(), api.summaries()

    # Then the first is an SP-API throttle with Retry-After and recorded as a fault; the second is served
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "4"
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-ratelimit-limit" in throttled.headers
    assert served.status_code == 200
    assert [r.fault for r in sim.requests if r.path == SUMMARIES] == ["429", None]


def test_a_429_fault_without_retry_after(api: SpApi, sim: SpApiSimulator) -> None:
    sim.faults.add(match="POST /batches/*", kind="429_no_retry_after")

    response = api.competitive([summary_request("B00001ABCD")])

    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert response.json()["errors"][0]["code"] == "QuotaExceeded"


@pytest.mark.parametrize(("status", "code"), [(500, "InternalFailure"), (503, "ServiceUnavailable")])
def test_a_5xx_fault_uses_the_error_body(api: SpApi, sim: SpApiSimulator, status: int, code: str) -> None:
    sim.faults.add(match="GET /listings/*", kind="5xx", status=status)

    response = api.listing("SELLERSKU-1")

    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code


def test_a_slow_fault_makes_the_client_time_out(api: SpApi, sim: SpApiSimulator) -> None:
    # Given a slow rule longer than the client's timeout
    sim.faults.add(match="*", kind="slow", delay_seconds=2)

    # When the client calls with a short timeout / Then it times out
    with pytest.raises(httpx.ReadTimeout):
        api.http.get(SUMMARIES, params={"granularityType": "Marketplace"}, timeout=0.3)


def test_faults_apply_to_the_token_endpoint(sim: SpApiSimulator) -> None:
    sim.faults.add(match="POST /auth/o2/token", kind="5xx", times=1)

    assert refresh_grant(sim).status_code == 503
    assert refresh_grant(sim).status_code == 200
