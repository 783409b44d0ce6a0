"""Provision template.yaml's resources in moto for tests (the same code the demo uses)."""

from __future__ import annotations

from pathlib import Path

from stockguard_dev.local.provision import provision
from stockguard_dev.local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def local_stack(**kwargs):
    return provision(load_template(TEMPLATE), **kwargs)


def simulated_stack(ads, spapi, *, ads_credentials: dict, marketplace_ids: list[str], **parameters):
    """The template's resources in moto, wired to the Ads API and SP-API simulators: endpoint overrides set,
    both credentials secrets filled (the SP-API one in the multi-seller shape, its sellers reconciling
    `marketplace_ids`). Extra template parameters (DwellMinutes, LogLevel, …) pass through."""
    import json

    stack = local_stack(
        parameters={
            "AdsApiEndpointOverride": ads.base_url,
            "LwaTokenEndpointOverride": ads.token_url,
            "SpApiEndpointOverride": spapi.base_url,
            "SpLwaTokenEndpointOverride": spapi.token_url,
            **parameters,
        }
    )
    secrets = stack.client("secretsmanager")
    secrets.put_secret_value(SecretId=stack.refs["AdsCredentialsSecret"], SecretString=json.dumps(ads_credentials))
    sp_credentials = spapi.credentials()
    for seller in sp_credentials["sellers"]:
        seller["marketplace_ids"] = list(marketplace_ids)
    secrets.put_secret_value(SecretId=stack.refs["SpApiCredentialsSecret"], SecretString=json.dumps(sp_credentials))
    return stack
