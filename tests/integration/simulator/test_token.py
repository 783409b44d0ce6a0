"""LWA token endpoint: grants, refusals, expiry."""

from __future__ import annotations

import httpx

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog
from tests.integration.simulator.wire import CLIENT_ID, CREDENTIALS, US, get_token, headers


def test_refresh_grant_returns_lwa_shaped_token(sim: AdsSimulator) -> None:
    response = get_token(sim.base_url)

    assert response.status_code == 200
    body = response.json()
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] == CREDENTIALS["refresh_token"]
    assert sim.token_url == sim.base_url + "/auth/o2/token"


def test_each_grant_yields_a_new_token(sim: AdsSimulator) -> None:
    assert get_token(sim.base_url).json()["access_token"] != get_token(sim.base_url).json()["access_token"]


def test_wrong_client_secret_is_invalid_client(sim: AdsSimulator) -> None:
    response = get_token(sim.base_url, client_secret="wrong")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert "error_description" in response.json()


def test_unknown_client_id_is_invalid_client(sim: AdsSimulator) -> None:
    assert get_token(sim.base_url, client_id="someone-else").json()["error"] == "invalid_client"


def test_wrong_refresh_token_is_invalid_grant(sim: AdsSimulator) -> None:
    response = get_token(sim.base_url, refresh_token="Atzr|revoked")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_missing_parameter_and_unknown_grant_type(sim: AdsSimulator) -> None:
    form = {k: v for k, v in CREDENTIALS.items() if k != "refresh_token"}
    missing = httpx.post(sim.token_url, data={"grant_type": "refresh_token", **form})
    unknown = get_token(sim.base_url, grant_type="password")

    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "unsupported_grant_type")


def test_json_body_instead_of_form_is_rejected(sim: AdsSimulator) -> None:
    response = httpx.post(sim.token_url, json={"grant_type": "refresh_token", **CREDENTIALS})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_client_credentials_grant(sim: AdsSimulator) -> None:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CREDENTIALS["client_secret"]}
    without_scope = httpx.post(sim.token_url, data=form)
    granted = httpx.post(sim.token_url, data={**form, "scope": "advertising::campaign_management"})

    assert without_scope.status_code == 400
    assert granted.status_code == 200
    assert granted.json()["access_token"].startswith("Atza|")
    assert "refresh_token" not in granted.json()


def test_expire_tokens_makes_calls_401_until_refreshed(sim: AdsSimulator) -> None:
    # Given a working token
    token = get_token(sim.base_url).json()["access_token"]
    assert httpx.get(f"{sim.base_url}/v2/profiles", headers=headers(token, scope=None)).status_code == 200

    # When every token expires
    sim.expire_tokens()

    # Then the old token is refused and a fresh one works
    refused = httpx.get(f"{sim.base_url}/v2/profiles", headers=headers(token, scope=None))
    assert refused.status_code == 401
    assert refused.json()["code"] == "UNAUTHORIZED"
    fresh = get_token(sim.base_url).json()["access_token"]
    assert httpx.get(f"{sim.base_url}/v2/profiles", headers=headers(fresh, scope=None)).status_code == 200


def test_token_expires_after_its_ttl() -> None:
    # Given a simulator on a hand-driven clock and a 60 s TTL
    now = [1000.0]
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), token_ttl_seconds=60, clock=lambda: now[0]) as sim:
        body = get_token(sim.base_url).json()
        assert body["expires_in"] == 60
        url = f"{sim.base_url}/v2/profiles"
        now[0] += 59
        assert httpx.get(url, headers=headers(body["access_token"], scope=None)).status_code == 200

        # When the TTL has passed
        now[0] += 1

        # Then the token is refused
        assert httpx.get(url, headers=headers(body["access_token"], scope=None)).status_code == 401


def test_clients_parameter_replaces_default_credentials() -> None:
    clients = {"other-id": {"client_secret": "other-secret", "refresh_tokens": ["Atzr|a", "Atzr|b"]}}
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), clients=clients) as sim:
        assert get_token(sim.base_url).json()["error"] == "invalid_client"
        good = get_token(sim.base_url, client_id="other-id", client_secret="other-secret", refresh_token="Atzr|b")
        assert good.status_code == 200
        token = good.json()["access_token"]
        ok = httpx.get(f"{sim.base_url}/v2/profiles", headers=headers(token, scope=None, client_id="other-id"))
        assert ok.status_code == 200


def test_catalog_credentials_are_used_when_no_clients_given() -> None:
    catalog = load_catalog(DEMO_CATALOG_PATH).model_dump(mode="python")
    catalog["credentials"] = {"client_id": "cat-id", "client_secret": "cat-secret", "refresh_token": "Atzr|cat"}
    with AdsSimulator(catalog) as sim:
        assert get_token(sim.base_url).status_code == 400
        assert get_token(sim.base_url, client_id="cat-id", client_secret="cat-secret", refresh_token="Atzr|cat").status_code == 200


def test_token_endpoint_answers_under_region_prefix(sim: AdsSimulator) -> None:
    form = {"grant_type": "refresh_token", **CREDENTIALS}
    response = httpx.post(sim.endpoint_for("EU") + "/auth/o2/token", data=form)

    assert response.status_code == 200
    token = response.json()["access_token"]
    assert httpx.get(f"{sim.base_url}/v2/profiles", headers=headers(token, scope=US)).status_code == 200
