"""A Lambda that dies mid-batch (timeout) or an exception between the Ads API call and the ledger write.

A timeout is modelled as an exception no `except Exception` can catch (LambdaTimeout): nothing after it
runs, there is no batch response, and SQS returns the whole batch. It is raised before every DynamoDB
write of a stock-out + restock episode in turn, and right after every applied PUT. Every time the
redeliveries converge: each ad paused once and resumed once, the ledger released, nothing resumed that
StockGuard did not pause (the operator's paused ad stays paused). The same before every write of a
restock where the operator re-enabled one of our ads during the episode: it is never PUT, and its pause is
released.
"""

from __future__ import annotations

import pytest

from stockguard.domain.decisions import Action
from tests.integration.faults.conftest import BACK, OUT, records
from tests.support.ddb_faults import DynamoFaults, LambdaTimeout
from tests.support.fault_world import Problems, assert_consistent, deliver_until_done


class RaiseOnce:
    """Replace one ledger transition in both its forms (`confirm_pause` and `confirm_many(Action.PAUSE, ...)`):
    the first call of either raises, later calls behave. The executor uses the batched form whenever more than
    one entity changes, so hooking only the single-entity method would miss every multi-entity batch."""

    def __init__(self, target, name: str, error: BaseException) -> None:
        kind, direction = name.split("_")
        self.error, self.raised = error, 0
        action = Action.PAUSE if direction == "pause" else Action.RESUME
        single, many = getattr(target, name), getattr(target, f"{kind}_many")

        def single_hook(*args, **kwargs):
            self._maybe_raise()
            return single(*args, **kwargs)

        def many_hook(which, *args, **kwargs):
            if which is action:
                self._maybe_raise()
            return many(which, *args, **kwargs)

        setattr(target, name, single_hook)
        setattr(target, f"{kind}_many", many_hook)

    def _maybe_raise(self) -> None:
        if not self.raised:
            self.raised += 1
            raise self.error


@pytest.mark.parametrize("method", ["confirm_pause", "confirm_resume"])
@pytest.mark.parametrize("error", [RuntimeError("DynamoDB unreachable"), LambdaTimeout("Task timed out")], ids=["exception", "killed"])
def test_failure_after_the_ads_call_before_the_ledger_write(fresh_world, method, error):
    # Given the ledger write that follows an applied PUT fails once (caught, or the Lambda dies there)
    world = fresh_world()
    hook = RaiseOnce(world.services.ledger, method, error)
    # When the episode is delivered with redeliveries
    out = deliver_until_done(world.services, records(OUT))
    back = deliver_until_done(world.services, records(BACK))
    # Then the fault happened, and the pending intent was settled from the entity's real state
    assert hook.raised == 1
    assert max(out.rounds, back.rounds) >= 2, "the failed message came back"
    assert_consistent({method: world.problems_after_episode(out, back)})


def test_lambda_timeout_before_every_write(fresh_world):
    world = fresh_world()
    with DynamoFaults() as probe:
        deliver_until_done(world.services, records(OUT))
        deliver_until_done(world.services, records(BACK))
        total = len(probe.writes)
    cases: dict[str, Problems] = {}
    for nth in range(1, total + 1):
        world = fresh_world()
        with DynamoFaults() as faults:
            faults.kill_at_write(nth)
            out = deliver_until_done(world.services, records(OUT))
            back = deliver_until_done(world.services, records(BACK))
        assert out.invocations_died + back.invocations_died == 1, f"the Lambda died before write {nth}"
        cases[f"killed before write {nth}"] = world.problems_after_episode(out, back)
    assert_consistent(cases)


def test_lambda_timeout_right_after_every_applied_put(fresh_world):
    world = fresh_world()
    deliver_until_done(world.services, records(OUT))
    deliver_until_done(world.services, records(BACK))
    puts = world.ads.set_count
    assert puts == 8, "SP ads, SB ads, SB campaigns, SD ads: one PUT each to pause and to resume"
    cases: dict[str, Problems] = {}
    for nth in range(1, puts + 1):
        world = fresh_world()
        world.ads.kill_after_set = {nth}
        out = deliver_until_done(world.services, records(OUT))
        back = deliver_until_done(world.services, records(BACK))
        assert out.invocations_died + back.invocations_died == 1
        cases[f"killed after PUT {nth}"] = world.problems_after_episode(out, back)
    assert_consistent(cases)


def test_lambda_timeout_before_every_write_of_a_restock_with_an_operator_override(fresh_world):
    # Given our ads paused, then sp-1 re-enabled by the operator; the restock's writes counted
    world = fresh_world()
    assert not deliver_until_done(world.services, records(OUT)).failures
    world.operator_reenables("sp-1")
    with DynamoFaults() as probe:
        deliver_until_done(world.services, records(BACK))
        total = len(probe.writes)
    cases: dict[str, Problems] = {}
    for nth in range(1, total + 1):
        world = fresh_world()
        assert not deliver_until_done(world.services, records(OUT)).failures
        world.operator_reenables("sp-1")
        # When the Lambda dies before the Nth write of the restock, and SQS redelivers
        with DynamoFaults() as faults:
            faults.kill_at_write(nth)
            back = deliver_until_done(world.services, records(BACK))
        assert back.invocations_died == 1, f"the Lambda died before write {nth}"
        # Then sp-1 was never PUT nor audited as resumed, the others were resumed once, every pause is released
        cases[f"killed before write {nth}"] = world.problems_after_override("sp-1", back)
    assert_consistent(cases)
