"""getInventorySummaries' nextToken: an opaque token that expires 30 s after it was issued
(reference §10). It carries the offset of the next page, its issue time and the seller and marketplace
it belongs to, so the server stays stateless; the filters are sent again with every page, as Amazon asks."""

from __future__ import annotations

from stockguard_dev.simulator.paging import decode_state, encode_state

NEXT_TOKEN_TTL_SECONDS = 30.0


class ExpiredToken(ValueError):
    pass


def issue(offset: int, issued_at: float, owner: str) -> str:
    return encode_state({"o": offset, "t": issued_at, "s": owner})


def redeem(token: str, now: float, owner: str, ttl_seconds: float) -> int:
    """The offset; ValueError if the token is not one of ours (or another seller's / marketplace's),
    ExpiredToken once `ttl_seconds` have passed since it was issued."""
    state = decode_state(token)
    offset, issued_at = state.get("o"), state.get("t")
    if not isinstance(offset, int) or offset < 0 or not isinstance(issued_at, int | float) or state.get("s") != owner:
        raise ValueError("invalid nextToken")
    if now - issued_at >= ttl_seconds:
        raise ExpiredToken("expired nextToken")
    return offset
