"""The embedded default: moto in server mode + the Ads API simulator on 127.0.0.1 + the template's
resources, with the real handlers invoked as SAM would and SQS delivery simulated over moto's queues.

`stockguard demo` and `stockguard replay` both run on it; replay can point it at an external Ads API.

Delivery order, on the replay's clock (event time, never the wall clock): live, a decision the dwell time
holds back comes back as a delayed SQS message at its due time, so before any notification whose event
time is later. `deliver` therefore first delivers every pending re-evaluation due at or before the batch's
earliest event time (in due order, including those these schedule in turn), then the batch, then the
re-evaluations due at or before the newest event time seen so far; `finish` delivers what is still
pending, in due order. A batch reaches each function as one invocation, however many records it holds
(records route by notification type: offer types to OfferEventsFunction, the rest to
InventoryEventsFunction); redelivered failures come back in later polls of at most BatchSize.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from stockguard_dev.local.event_source import EventSourceMapping, peek_type, queue_depth
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.local.provision import ProvisionedStack, provision
from stockguard_dev.local.template import load_template

OFFER_TYPES = {"ANY_OFFER_CHANGED", "PRICING_HEALTH"}
INVENTORY_FUNCTION, OFFER_FUNCTION, SYNC_FUNCTION = "InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction"
RECONCILE_FUNCTION = "ReconcileFunction"


def find_template() -> Path:
    """template.yaml of this checkout (the package lives in shared/stockguard), else the working directory."""
    here = Path(__file__).resolve().parents[3] / "template.yaml"
    for candidate in (here, Path.cwd() / "template.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("template.yaml not found: run stockguard from the StockGuard checkout")


# Bound on the rounds of one delivery of due re-evaluations: each round is one due time, and a round can
# only schedule later ones, so reaching it means re-evaluations keep scheduling themselves (a bug).
MAX_REEVALUATION_ROUNDS = 100_000


class PendingReevaluation(NamedTuple):
    at: datetime  # the event time it is due at
    body: str  # the SQS message body (STOCKGUARD_REEVALUATE)
    function: str  # the function that asked for it: live, the message goes to that function's own queue


class VirtualReevaluations:
    """Delayed re-evaluations on the replay's clock (event time), instead of SQS DelaySeconds in wall time."""

    def __init__(self) -> None:
        self.pending: list[PendingReevaluation] = []
        # Set by EmbeddedStack.invoke around each handler call (REEVALUATE_QUEUE_URL is the function's own queue).
        self.scheduling_function = INVENTORY_FUNCTION

    def schedule(self, products, *, at: datetime, now: datetime, source: str) -> None:
        from stockguard.notifications import build_reevaluate_message, reevaluation_id

        body = build_reevaluate_message(list(products), at=at, notification_id=reevaluation_id(products, at, source=source))
        self.pending.append(PendingReevaluation(at, body, self.scheduling_function))

    def due(self, clock: datetime | None) -> list[str]:
        """Take every re-evaluation due at or before `clock` (all when None), in due order."""
        ready = sorted((p for p in self.pending if clock is None or p.at <= clock), key=lambda p: p.at)
        self.pending = [p for p in self.pending if p not in ready]
        return [p.body for p in ready]

    def take_next(self, until: datetime | None) -> list[PendingReevaluation]:
        """Take the re-evaluations of the earliest due time if it is at or before `until` (any when None):
        the delayed messages that fall due together, as live SQS makes them visible together."""
        if not self.pending:
            return []
        first = min(p.at for p in self.pending)
        if until is not None and first > until:
            return []
        group = [p for p in self.pending if p.at == first]
        self.pending = [p for p in self.pending if p.at != first]
        return group


@dataclass
class EmbeddedRun:
    """What happened, for the timeline, --json and the summary."""

    actions: list[dict] = field(default_factory=list)  # on_action dicts, plus "wallClock" and "trigger"
    decisions: list[dict] = field(default_factory=list)
    batches: int = 0  # handler invocations of the two SQS functions (redeliveries and re-evaluations included)
    records: int = 0  # records in those invocations
    retried: int = 0  # records returned to the queue as batch item failures


class EmbeddedStack:
    def __init__(
        self,
        *,
        catalog: str | Path | dict | None = None,
        config_text: str | None = None,
        ads_endpoint: str | None = None,
        lwa_endpoint: str | None = None,
        credentials: dict | None = None,
        faults: Any = None,
        log_stream: io.TextIOBase | None = None,
        spapi_seed: Any = None,
        sp_api_endpoint: str | None = None,
        sp_lwa_endpoint: str | None = None,
        sp_credentials: dict | None = None,
    ) -> None:
        # The SP-API side (the reconciliation): an embedded SP-API simulator seeded with `spapi_seed` (a
        # seed dict or path, "demo" for its demo seed), or an external one (`sp_api_endpoint` with
        # `sp_lwa_endpoint` and `sp_credentials`); neither: ReconcileFunction has no SP-API to read.
        self.spapi_seed = spapi_seed
        self.sp_api_endpoint = sp_api_endpoint
        self.sp_lwa_endpoint = sp_lwa_endpoint
        self.sp_credentials = sp_credentials
        self.spapi = None
        self.catalog = catalog
        self.config_text = config_text
        self.ads_endpoint = ads_endpoint
        self.lwa_endpoint = lwa_endpoint
        self.credentials = credentials
        self.faults = faults
        self.log_stream = log_stream
        self.run = EmbeddedRun()
        self.reevaluations = VirtualReevaluations()
        self.simulator = None
        self._moto = None
        self._saved_env: dict[str, str | None] = {}
        self.stack: ProvisionedStack | None = None
        self.invoker: LambdaInvoker | None = None
        self.mappings: dict[str, EventSourceMapping] = {}
        self.clock: datetime | None = None
        self._stream = log_stream or io.StringIO()
        self._endpoint = ""
        # What the handlers are processing, stamped on each action: "notification" or "reevaluation" (the
        # demo prints a re-evaluation's changes under their own time, not under the step it preceded).
        self._trigger = "notification"

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> EmbeddedStack:
        from moto.server import ThreadedMotoServer

        from stockguard.state.dynamo import reset_clients

        self._quiet_logs()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        self._endpoint = endpoint
        _reset_moto(endpoint)  # moto's backends are per process: start from an empty account
        self._set_env(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "embedded",
                "AWS_SECRET_ACCESS_KEY": "embedded",
                "AWS_SESSION_TOKEN": "embedded",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "POWERTOOLS_TRACE_DISABLED": "1",
                "POWERTOOLS_DEV": "false",
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        reset_clients()

        if self.ads_endpoint is None:
            from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog

            catalog = self.catalog if self.catalog is not None else DEMO_CATALOG_PATH
            catalog = load_catalog(catalog) if isinstance(catalog, (str, Path)) else catalog
            self.simulator = AdsSimulator(catalog, faults=self.faults)
            self.simulator.start()
            self.ads_endpoint, self.lwa_endpoint = self.simulator.base_url, self.simulator.token_url
            self.credentials = self.credentials or _simulator_credentials(self.simulator)
        if self.spapi_seed is not None and self.sp_api_endpoint is None:
            from stockguard_dev.simulator.spapi import DEMO_SEED_PATH, SpApiSimulator

            self.spapi = SpApiSimulator(DEMO_SEED_PATH if self.spapi_seed == "demo" else self.spapi_seed, rate_limiting=False)
            self.spapi.start()
            self.sp_api_endpoint, self.sp_lwa_endpoint = self.spapi.base_url, self.spapi.token_url
        template_path = find_template()
        self.stack = provision(
            load_template(template_path),
            endpoint_url=endpoint,
            parameters={
                "AdsApiEndpointOverride": self.ads_endpoint,
                "LwaTokenEndpointOverride": self.lwa_endpoint or "",
                "SpApiEndpointOverride": self.sp_api_endpoint or "",
                "SpLwaTokenEndpointOverride": self.sp_lwa_endpoint or "",
                "ConfigJsonOverride": self.config_text or "",
                "LogLevel": "INFO",
            },
        )
        self.stack.client("secretsmanager").put_secret_value(
            SecretId=self.stack.refs["AdsCredentialsSecret"], SecretString=json.dumps(self.credentials or {})
        )
        if self.sp_credentials is not None:
            self.set_sp_credentials(self.sp_credentials)
        elif self.spapi is not None:
            self.set_sp_credentials(_seeded_credentials(self.spapi))
        self.invoker = LambdaInvoker(template_path, self.stack, on_load=self._inject)
        sqs = self.stack.client("sqs")
        for function, queue in ((INVENTORY_FUNCTION, "InventoryNotificationsQueue"), (OFFER_FUNCTION, "OfferNotificationsQueue")):
            batch_size = int(self.stack.parameters.get("BatchSize" if function == INVENTORY_FUNCTION else "OfferBatchSize", 10))
            self.mappings[function] = EventSourceMapping(
                sqs=sqs,
                queue_url=self.stack.queues[queue],
                queue_arn=self.stack.queue_arns[queue],
                invoke=lambda event, f=function: self.invoke(f, event),
                batch_size=batch_size,
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        from stockguard.state.dynamo import reset_clients

        if self.invoker:
            self.invoker.cold_start()
        if self.simulator:
            self.simulator.stop()
        if self.spapi:
            self.spapi.stop()
        if self._moto:
            _reset_moto(self._endpoint)
            self._moto.stop()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_clients()

    def _inject(self, function: str, module: Any) -> None:
        """Through the handler's own ServicesCache (the seam tests use): the services a cold start builds
        from the environment, plus the timeline hooks and the virtual-clock re-evaluation scheduler. The
        index sync has neither a timeline nor re-evaluations: its cache is left as deployed."""
        if function not in (INVENTORY_FUNCTION, OFFER_FUNCTION):
            return
        cache = module.services
        cache.override(
            factory=lambda: dataclasses.replace(
                cache.build_default(),
                on_action=lambda action: self.run.actions.append({**action, "wallClock": time.monotonic(), "trigger": self._trigger}),
                on_decision=self.run.decisions.append,
                reevaluate=self.reevaluations,
            )
        )

    # -- operations -----------------------------------------------------------------------------
    def invoke(self, function: str, event: dict):
        """Invoke a handler; what it prints (EMF metrics, logs) goes to the log stream, as to CloudWatch."""
        previous, self.reevaluations.scheduling_function = self.reevaluations.scheduling_function, function
        try:
            with contextlib.redirect_stdout(self._stream):
                return self.invoker.invoke(function, event)
        finally:
            self.reevaluations.scheduling_function = previous

    def sync_index(self) -> dict:
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
        return self.invoke(SYNC_FUNCTION, event)

    def set_sp_credentials(self, credentials: dict, marketplace_ids: list[str] | None = None) -> None:
        """Fill SpApiCredentialsSecret; with `marketplace_ids`, every seller entry reconciles those (the
        simulator's credentials name none)."""
        data = json.loads(json.dumps(credentials))
        if marketplace_ids is not None:
            for seller in data.get("sellers", [data]):
                seller["marketplace_ids"] = list(marketplace_ids)
        self.stack.client("secretsmanager").put_secret_value(
            SecretId=self.stack.refs["SpApiCredentialsSecret"], SecretString=json.dumps(data)
        )
        if self.invoker:
            self.invoker.cold_start(RECONCILE_FUNCTION)  # the secret is read at cold start

    def reconcile(self, *, full: bool = False, targets: list[tuple[str, str]] | None = None) -> dict:
        """One ReconcileFunction run (a manual invoke: `full`, `targets`), then its messages delivered through
        the inventory function like notifications; the run's report. Actions carry trigger "reconcile"."""
        event: dict[str, Any] = {"full": full}
        if targets is not None:
            event["targets"] = [list(t) for t in targets]
        report = self.invoke(RECONCILE_FUNCTION, event)
        self._trigger = "reconcile"
        try:
            self.drain()
        finally:
            self._trigger = "notification"
        return report

    def deliver(self, bodies: list[str]) -> None:
        """One batch as SQS would deliver it, in event-time order with the re-evaluations (module docstring):
        those due by the batch's earliest event time first, then the batch, then those due by the clock."""
        times = [t for t in map(event_time, bodies) if t is not None]
        if times:
            self.deliver_reevaluations(until=min(times))
            self.clock = max([*times, self.clock] if self.clock else times)
        # Nothing parses (all malformed): nothing to order by; the batch goes now and is rejected.
        routed: dict[str, list[str]] = {INVENTORY_FUNCTION: [], OFFER_FUNCTION: []}
        for body in bodies:
            routed[OFFER_FUNCTION if peek_type(body) in OFFER_TYPES else INVENTORY_FUNCTION].append(body)
        for function, group in routed.items():
            self.mappings[function].deliver_event(group)
        self.drain()
        if self.clock is not None:
            self.deliver_reevaluations(until=self.clock)

    def deliver_reevaluations(self, *, until: datetime | None) -> None:
        """Deliver pending re-evaluations due at or before `until` (None: all), one due time at a time in due
        order, each as the batch its delayed messages make on its function's queue. One may schedule another:
        that one is delivered too when it falls due by `until`."""
        self._trigger = "reevaluation"
        try:
            for _ in range(MAX_REEVALUATION_ROUNDS):
                group = self.reevaluations.take_next(until)
                if not group:
                    return
                for function in (INVENTORY_FUNCTION, OFFER_FUNCTION):
                    self.mappings[function].deliver_event([p.body for p in group if p.function == function])
                self.drain()
        finally:
            self._trigger = "notification"
        raise RuntimeError(f"re-evaluations still due after {MAX_REEVALUATION_ROUNDS} rounds: they keep rescheduling themselves")

    def finish(self) -> None:
        """Deliver every re-evaluation still waiting, in due order (the replay's clock runs to the end)."""
        self.deliver_reevaluations(until=None)

    def reconfigure(self, config_text: str) -> None:
        """A new configuration, as a redeploy would bring it: the SSM parameter, then cold starts (a handler
        reads it once per container). Lets one stack serve runs with different settings (tests)."""
        from aws_lambda_powertools.utilities.parameters import base as parameters_base

        from stockguard.policy import load_config

        load_config(config_text)  # a bad configuration fails here, not inside a handler
        self.stack.client("ssm").put_parameter(Name=self.stack.refs["ConfigParameter"], Value=config_text, Type="String", Overwrite=True)
        self.config_text = config_text
        parameters_base.clear_caches()
        self.invoker.cold_start()

    def drain(self) -> None:
        """Deliver until the queues are empty (redeliveries of failures, up to the DLQ); totals in `run`."""
        for mapping in self.mappings.values():
            mapping.drain()
        stats = [m.stats for m in self.mappings.values()]
        self.run.batches = sum(s.batches for s in stats)
        self.run.records = sum(s.records for s in stats)
        self.run.retried = sum(s.retried for s in stats)

    def dlq_depths(self) -> dict[str, int]:
        sqs = self.stack.client("sqs")
        return {
            name: queue_depth(sqs, self.stack.queues[name])
            for name in ("InventoryNotificationsDLQ", "OfferNotificationsDLQ")
            if name in self.stack.queues
        }

    def dlq_messages(self, name: str) -> list[str]:
        sqs = self.stack.client("sqs")
        response = sqs.receive_message(QueueUrl=self.stack.queues[name], MaxNumberOfMessages=10, VisibilityTimeout=0)
        return [m["Body"] for m in response.get("Messages", [])]

    # -- internals ------------------------------------------------------------------------------
    def _set_env(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _quiet_logs(self) -> None:
        """Handler logs (powertools JSON) go to the log stream, not the user's terminal."""
        from stockguard.observability import logger

        stream = self._stream
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
        for name in ("botocore", "boto3", "urllib3", "werkzeug", "httpx", "moto"):
            logging.getLogger(name).setLevel(logging.WARNING)


def earliest_event_time(bodies: list[str] | tuple[str, ...]) -> datetime | None:
    """The earliest event time of a batch (None when no body parses): what its due re-evaluations precede."""
    times = [t for t in map(event_time, bodies) if t is not None]
    return min(times) if times else None


def event_time(body: str) -> datetime | None:
    """The event time of a message body; None when it does not parse (it will be rejected as malformed)."""
    from stockguard.notifications import NotificationError, parse_notification

    try:
        return parse_notification(body).event_time
    except (NotificationError, ValueError):
        return None


def _reset_moto(endpoint: str) -> None:
    """Empty moto's (per-process) backends, and forget clients and caches bound to an old endpoint."""
    import httpx
    from aws_lambda_powertools.utilities.parameters import base as parameters_base

    httpx.post(f"{endpoint}/moto-api/reset", timeout=10)
    parameters_base.clear_caches()
    parameters_base.DEFAULT_PROVIDERS.clear()


def _seeded_credentials(spapi: Any) -> dict:
    """The SP-API simulator's credentials (multi-seller shape), each seller reconciling its seed's marketplaces."""
    data = spapi.credentials()
    for seller in data.get("sellers", []):
        seed = spapi.seed.sellers.get(seller.get("seller_id"))
        if seed is not None and not seller.get("marketplace_ids"):
            seller["marketplace_ids"] = seed.marketplace_ids()
    return data


def _simulator_credentials(simulator: Any) -> dict:
    from stockguard_dev.simulator import DEFAULT_CLIENTS

    creds = getattr(simulator.catalog, "credentials", None)
    if creds:
        data = creds.model_dump() if hasattr(creds, "model_dump") else dict(creds)
        return {k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v) for k, v in data.items()}
    client_id, entry = next(iter(DEFAULT_CLIENTS.items()))
    refresh = entry.get("refresh_token") or entry.get("refresh_tokens", [""])[0]
    return {"client_id": client_id, "client_secret": entry["client_secret"], "refresh_token": refresh}
