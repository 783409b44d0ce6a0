"""SP-API regions: the three regional hosts and the AWS region names people also use for them."""

from __future__ import annotations

from dataclasses import dataclass

from stockguard.amazon.lwa import LWA_TOKEN_URL  # one LWA host serves the SP-API of every region

__all__ = ["LWA_TOKEN_URL", "REGIONS", "SpApiRegion", "resolve_region"]


@dataclass(frozen=True)
class SpApiRegion:
    code: str  # na | eu | fe
    aws_region: str
    endpoint: str


REGIONS: dict[str, SpApiRegion] = {
    "na": SpApiRegion("na", "us-east-1", "https://sellingpartnerapi-na.amazon.com"),
    "eu": SpApiRegion("eu", "eu-west-1", "https://sellingpartnerapi-eu.amazon.com"),
    "fe": SpApiRegion("fe", "us-west-2", "https://sellingpartnerapi-fe.amazon.com"),
}
_ALIASES = {r.aws_region: r for r in REGIONS.values()}


def resolve_region(value: str) -> SpApiRegion:
    """na / eu / fe, or the AWS region SP-API runs each in (us-east-1 / eu-west-1 / us-west-2)."""
    key = value.strip().lower()
    region = REGIONS.get(key) or _ALIASES.get(key)
    if region is None:
        choices = ", ".join([*REGIONS, *_ALIASES])
        raise ValueError(f"unknown SP-API region {value!r} (choose one of: {choices})")
    return region
