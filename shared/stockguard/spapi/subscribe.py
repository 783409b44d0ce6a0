"""Idempotent set-up of SP-API notifications: destinations first, then one subscription per type.

Nothing is ever deleted. A destination that already exists for the queue (409) is reused; a
subscription that already points at our destination is reported as "exists"; one that points
elsewhere is a "conflict" that an operator has to resolve. One failed type does not stop the others;
refused LWA credentials (SpApiAuthError) stop the run, since nothing else can work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from stockguard.spapi.errors import SpApiAuthError, SpApiConflictError, SpApiError
from stockguard.spapi.lwa import NOTIFICATIONS_SCOPE
from stockguard.spapi.models import Destination, Subscription
from stockguard.spapi.notifications_api import DESTINATIONS_PATH, SUBSCRIPTIONS_PATH
from stockguard.spapi.plan import DestinationSpec, SubscribePlan, SubscriptionSpec

Result = Literal["created", "reused", "exists", "conflict", "planned", "failed"]


class NotificationsPort(Protocol):
    def create_destination(self, name: str, queue_arn: str) -> Destination: ...
    def list_destinations(self) -> list[Destination]: ...
    def get_subscription(self, notification_type: str) -> Subscription | None: ...
    def create_subscription(self, notification_type: str, body: dict[str, Any]) -> Subscription: ...


class StepResult(BaseModel):
    """One line of output: a destination or a subscription and what happened to it."""

    model_config = ConfigDict(frozen=True)

    step: Literal["destination", "subscription"]
    queue_arn: str
    result: Result
    destination_id: str | None = None
    notification_type: str | None = None
    subscription_id: str | None = None
    payload_version: str | None = None
    destination_name: str | None = None
    existing_destination_id: str | None = None  # conflict: where the existing subscription delivers
    message: str | None = None  # conflict / failed: what happened and what to do
    requests: tuple[dict[str, Any], ...] = ()  # planned: the requests a real run would make

    @property
    def ok(self) -> bool:
        return self.result not in ("conflict", "failed")

    def to_json(self) -> dict[str, Any]:
        """The --json line: the contract keys always present, the others only when they say something."""
        out: dict[str, Any] = {"step": self.step}
        if self.step == "subscription":
            out["notificationType"] = self.notification_type
        out["queueArn"] = self.queue_arn
        out["destinationId"] = self.destination_id
        if self.step == "subscription":
            out["subscriptionId"] = self.subscription_id
        out["result"] = self.result
        extras = {
            "destinationName": self.destination_name,
            "payloadVersion": self.payload_version,
            "existingDestinationId": self.existing_destination_id,
            "message": self.message,
            "requests": list(self.requests) or None,
        }
        out.update({k: v for k, v in extras.items() if v is not None})
        return out


def set_up(plan: SubscribePlan, api: NotificationsPort) -> Iterator[StepResult]:
    """Yield each step's result as soon as it is known (the CLI prints progressively)."""
    destination_ids: dict[str, str] = {}
    for spec in plan.destinations:
        step = _guarded(partial(ensure_destination, api, spec), _failed_destination(spec))
        if step.destination_id:
            destination_ids[spec.queue_arn] = step.destination_id
        yield step
    for sub in plan.subscriptions:
        destination_id = destination_ids.get(sub.queue_arn)
        if destination_id is None:
            yield _failed_subscription(sub, None)(f"no destination for queue {sub.queue_arn}; subscription skipped")
            continue
        yield _guarded(partial(ensure_subscription, api, sub, destination_id), _failed_subscription(sub, destination_id))


def ensure_destination(api: NotificationsPort, spec: DestinationSpec) -> StepResult:
    def done(destination: Destination, result: Result) -> StepResult:
        return StepResult(
            step="destination",
            queue_arn=spec.queue_arn,
            destination_id=destination.destination_id,
            destination_name=destination.name or spec.name,
            result=result,
        )

    try:
        return done(api.create_destination(spec.name, spec.queue_arn), "created")
    except SpApiConflictError:
        for destination in api.list_destinations():
            if destination.sqs_arn == spec.queue_arn:
                return done(destination, "reused")
        raise SpApiError(
            f"createDestination returned 409 for {spec.queue_arn}, but getDestinations lists no destination for that queue"
        ) from None


def ensure_subscription(api: NotificationsPort, spec: SubscriptionSpec, destination_id: str) -> StepResult:
    existing = api.get_subscription(spec.notification_type.value)
    if existing is None:
        try:
            created = api.create_subscription(spec.notification_type.value, spec.body(destination_id))
        except SpApiConflictError as exc:
            existing = api.get_subscription(spec.notification_type.value)
            if existing is None:
                raise SpApiError(f"{exc} — and getSubscription finds no subscription to reuse") from None
        else:
            return _subscription_step(spec, created, "created")
    if existing.destination_id == destination_id:
        return _subscription_step(spec, existing, "exists")
    return _subscription_step(spec, existing, "conflict").model_copy(
        update={
            "destination_id": destination_id,
            "existing_destination_id": existing.destination_id,
            "message": (
                f"{spec.notification_type.value} is already subscribed (subscription {existing.subscription_id}) to "
                f"destination {existing.destination_id}, not to {destination_id} for {spec.queue_arn}; "
                "StockGuard leaves it unchanged. To move it, delete that subscription "
                "(deleteSubscriptionById) and run subscribe again."
            ),
        }
    )


def summarize(steps: Iterable[StepResult], *, dry_run: bool = False) -> dict[str, Any]:
    steps = list(steps)
    counts: dict[str, Counter[str]] = {"destination": Counter(), "subscription": Counter()}
    for s in steps:
        counts[s.step][s.result] += 1
    return {
        "destinations": dict(counts["destination"]),
        "subscriptions": dict(counts["subscription"]),
        "ok": all(s.ok for s in steps),
        "dryRun": dry_run,
    }


def planned_steps(plan: SubscribePlan, endpoint: str) -> list[StepResult]:
    """--dry-run: the steps and the Notifications API requests a real run would make, without calling anything."""
    base = endpoint.rstrip("/")
    steps = []
    for spec in plan.destinations:
        create = {"method": "POST", "url": base + DESTINATIONS_PATH, "body": spec.body(), "token": "grantless"}
        lookup = {"method": "GET", "url": base + DESTINATIONS_PATH, "token": "grantless", "when": "createDestination returns 409"}
        steps.append(
            StepResult(
                step="destination", queue_arn=spec.queue_arn, destination_name=spec.name, result="planned", requests=(create, lookup)
            )
        )
    for sub in plan.subscriptions:
        url = f"{base}{SUBSCRIPTIONS_PATH}/{sub.notification_type.value}"
        placeholder = f"<destinationId of {sub.queue_arn}>"
        check = {"method": "GET", "url": url, "token": "seller"}
        create = {"method": "POST", "url": url, "body": sub.body(placeholder), "token": "seller", "when": "no subscription exists"}
        steps.append(
            StepResult(
                step="subscription",
                notification_type=sub.notification_type.value,
                queue_arn=sub.queue_arn,
                payload_version=sub.payload_version,
                result="planned",
                requests=(check, create),
            )
        )
    return steps


def token_requests(token_url: str) -> list[dict[str, Any]]:
    """The LWA requests a real run makes first, with the credential fields left out."""
    return [
        {
            "method": "POST",
            "url": token_url,
            "body": {"grant_type": "client_credentials", "scope": NOTIFICATIONS_SCOPE},
            "token": "grantless",
        },
        {"method": "POST", "url": token_url, "body": {"grant_type": "refresh_token"}, "token": "seller"},
    ]


def _subscription_step(spec: SubscriptionSpec, sub: Subscription, result: Result) -> StepResult:
    return StepResult(
        step="subscription",
        notification_type=spec.notification_type.value,
        queue_arn=spec.queue_arn,
        destination_id=sub.destination_id,
        subscription_id=sub.subscription_id,
        payload_version=sub.payload_version or spec.payload_version,
        result=result,
    )


def _failed_destination(spec: DestinationSpec):
    return lambda message: StepResult(
        step="destination", queue_arn=spec.queue_arn, destination_name=spec.name, result="failed", message=message
    )


def _failed_subscription(spec: SubscriptionSpec, destination_id: str | None):
    return lambda message: StepResult(
        step="subscription",
        notification_type=spec.notification_type.value,
        queue_arn=spec.queue_arn,
        destination_id=destination_id,
        payload_version=spec.payload_version,
        result="failed",
        message=message,
    )


def _guarded(action, on_error) -> StepResult:
    try:
        return action()
    except SpApiAuthError:
        raise
    except SpApiError as exc:
        return on_error(str(exc))
