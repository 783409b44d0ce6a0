"""LWA grants (seller and grantless), the x-amz-access-token gate, credentials shapes, regions."""

from __future__ import annotations

import httpx
import pytest

from stockguard_dev.simulator.spapi import DEMO_SEED_PATH, CredentialsError, ManualClock, SpApiSimulator
from tests.integration.simulator.spapi.wire import DE, SELLER, SUMMARIES, US, SpApi, grantless, refresh_grant, summaries_params

pytestmark = pytest.mark.integration


def test_refresh_grant_with_good_credentials_returns_amazons_token_shape(sim: SpApiSimulator) -> None:
    # Given the credentials the simulator publishes for its seed
    # When the NA seller's refresh token is exchanged
    response = refresh_grant(sim)

    # Then LWA's token response comes back
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "someone-else"}, "invalid_client"),
        ({"refresh_token": "Atzr|not-issued"}, "invalid_grant"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
def test_refresh_grant_with_bad_credentials_is_refused(sim: SpApiSimulator, override: dict[str, str], error: str) -> None:
    # Given one wrong field / When the grant is asked for
    response = refresh_grant(sim, **override)

    # Then LWA answers 400 with its error code
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_grantless_token_needs_a_known_scope(sim: SpApiSimulator) -> None:
    # Given the app's client credentials
    # When a grantless token is asked for the notifications scope, and for an unknown scope
    granted = grantless(sim)
    refused = grantless(sim, scope="sellingpartnerapi::everything")

    # Then the first is granted with its scope, the second refused
    assert granted.status_code == 200
    assert granted.json()["scope"] == "sellingpartnerapi::notifications"
    assert granted.json()["token_type"] == "bearer"
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"


def test_a_grantless_token_cannot_read_seller_data(sim: SpApiSimulator) -> None:
    # Given a grantless token
    token = grantless(sim).json()["access_token"]

    # When it is used for getInventorySummaries
    response = httpx.get(f"{sim.base_url}{SUMMARIES}", params=summaries_params(), headers={"x-amz-access-token": token})

    # Then the call is denied
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"


@pytest.mark.parametrize("token", [None, "Atza|made-up"])
def test_calls_without_a_valid_access_token_are_forbidden(sim: SpApiSimulator, token: str | None) -> None:
    # Given no x-amz-access-token header, or one the simulator never issued
    headers = {"x-amz-access-token": token} if token else {}

    # When getInventorySummaries is called
    response = httpx.get(f"{sim.base_url}{SUMMARIES}", params=summaries_params(), headers=headers)

    # Then 403 with the SP-API error body and the rate-limit header
    assert response.status_code == 403
    (error,) = response.json()["errors"]
    assert error["code"] == "Unauthorized"
    assert error["message"] == "Access to requested resource is denied."
    assert "x-amzn-ratelimit-limit" in response.headers


def test_an_expired_access_token_is_forbidden(sim: SpApiSimulator, clock: ManualClock, api: SpApi) -> None:
    # Given a token used once
    assert api.summaries().status_code == 200

    # When its hour has passed
    clock.advance(3600)
    response = api.summaries()

    # Then it is refused as expired
    assert response.status_code == 403
    assert "expired" in response.json()["errors"][0]["details"]


def test_credentials_are_published_in_the_multi_seller_shape(sim: SpApiSimulator) -> None:
    # Given the demo seed (one seller, a US and a DE marketplace)
    # When the simulator's credentials are read
    creds = sim.credentials()

    # Then one entry per seller, with every marketplace of the seed
    assert set(creds) == {"client_id", "client_secret", "sellers"}
    (entry,) = creds["sellers"]
    assert set(entry) == {"seller_id", "region", "refresh_token", "marketplace_ids"}
    assert entry["seller_id"] == SELLER
    assert entry["region"] == "na"
    assert entry["marketplace_ids"] == [US, DE]


def test_one_seller_credentials_are_accepted_for_a_one_seller_seed(clock: ManualClock) -> None:
    # Given the one-seller shape
    one = {"client_id": "app", "client_secret": "secret", "refresh_token": "Atzr|mine"}

    # When the simulator is built with it
    with SpApiSimulator(DEMO_SEED_PATH, credentials=one, rate_limiting=False, clock=clock) as sim:
        token = httpx.post(sim.token_url, data={"grant_type": "refresh_token", **one}).json()["access_token"]
        response = httpx.get(f"{sim.base_url}{SUMMARIES}", params=summaries_params(), headers={"x-amz-access-token": token})
        creds = sim.credentials()

    # Then its refresh token acts as the seed's seller, and credentials() restates it multi-seller
    assert response.status_code == 200
    assert {s["refresh_token"] for s in creds["sellers"]} == {"Atzr|mine"}
    assert {s["seller_id"] for s in creds["sellers"]} == {SELLER}


def test_one_seller_credentials_are_refused_for_a_seed_of_several_sellers() -> None:
    # Given a seed with two sellers
    seed = {SELLER: {US: []}, "A1OTHERSELLER1": {US: []}}

    # When one-seller credentials without seller_id are given / Then the simulator says what to do
    with pytest.raises(CredentialsError, match="multi-seller"):
        SpApiSimulator(seed, credentials={"client_id": "a", "client_secret": "b", "refresh_token": "c"})
    # ... and with seller_id they are accepted
    one = SpApiSimulator(seed, credentials={"client_id": "a", "client_secret": "b", "refresh_token": "c", "seller_id": SELLER})
    assert [s["seller_id"] for s in one.credentials()["sellers"]] == [SELLER]


def test_multi_seller_credentials_with_a_repeated_seller_are_refused() -> None:
    entry = {"seller_id": SELLER, "region": "na", "refresh_token": "Atzr|a"}
    with pytest.raises(CredentialsError, match="duplicate"):
        SpApiSimulator({SELLER: {US: []}}, credentials={"client_id": "a", "client_secret": "b", "sellers": [entry, entry]})


def test_multi_seller_credentials_map_each_refresh_token_to_its_seller(clock: ManualClock) -> None:
    # Given two sellers, each with its own refresh token
    seed = {
        SELLER: {US: [{"sellerSku": "A-1", "asin": "B0000000A1", "totalQuantity": 1}]},
        "A1OTHERSELLER1": {US: [{"sellerSku": "B-1", "asin": "B0000000B1", "totalQuantity": 2}]},
    }
    creds = {
        "client_id": "app",
        "client_secret": "secret",
        "sellers": [
            {"seller_id": SELLER, "region": "na", "refresh_token": "Atzr|a", "marketplace_ids": [US]},
            {"seller_id": "A1OTHERSELLER1", "region": "na", "refresh_token": "Atzr|b", "marketplace_ids": [US]},
        ],
    }
    with SpApiSimulator(seed, credentials=creds, rate_limiting=False, clock=clock) as sim:
        # When each seller's token reads its inventory
        skus = {}
        for refresh in ("Atzr|a", "Atzr|b"):
            form = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret", "refresh_token": refresh}
            token = httpx.post(sim.token_url, data=form).json()["access_token"]
            body = httpx.get(f"{sim.base_url}{SUMMARIES}", params=summaries_params(), headers={"x-amz-access-token": token}).json()
            skus[refresh] = [i["sellerSku"] for i in body["payload"]["inventorySummaries"]]

        # Then each sees only its own items, and the records name the seller
        assert skus == {"Atzr|a": ["A-1"], "Atzr|b": ["B-1"]}
        assert [r.seller_id for r in sim.requests if r.path == SUMMARIES] == [SELLER, "A1OTHERSELLER1"]


def test_a_token_is_refused_on_the_host_of_a_region_it_has_no_marketplace_in(sim: SpApiSimulator, api: SpApi) -> None:
    # Given the demo seller's token (US and DE marketplaces)
    # When it is used on the NA, EU and FE hosts
    na = api.http.get(sim.endpoint_for("na") + SUMMARIES, params=summaries_params())
    eu = api.http.get(sim.endpoint_for("eu") + SUMMARIES, params=summaries_params(DE))
    fe = api.http.get(sim.endpoint_for("fe") + SUMMARIES, params=summaries_params())

    # Then the NA and EU hosts serve it, the FE host refuses it
    assert (na.status_code, eu.status_code, fe.status_code) == (200, 200, 403)


def test_a_marketplace_outside_the_authorisation_is_invalid_input(api: SpApi) -> None:
    # Given the demo seller (US and DE) / When UK inventory is asked for
    response = api.summaries("A1F83G8C2ARO7P")

    # Then 400 InvalidInput
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_requests_are_recorded_with_the_access_token_redacted(sim: SpApiSimulator, api: SpApi) -> None:
    # Given a call / When the records are read
    api.summaries()
    record = sim.requests[-1]

    # Then the token is redacted and the seller named; clear_requests empties the log
    assert record.headers["x-amz-access-token"] == "<redacted>"
    assert record.seller_id == SELLER
    assert record.query["marketplaceIds"] == US
    token_record = next(r for r in sim.requests if r.path == "/auth/o2/token")
    assert token_record.form is not None and token_record.form["refresh_token"] == "<redacted>"
    sim.clear_requests()
    assert sim.requests == []
