"""Risk sizing: the most whole contracts whose loss at the stop, fees included, fits the budget."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from runner.compiler.actions import OrderIds, SubmitOrder
from runner.compiler.compile import compile_plan
from runner.compiler.intents import PlanIntents, Policy, PositionIntent, Trigger
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Balances, Snapshot
from runner.domain import Margin, PosSide, PriceSource
from runner.plan.model import Risk

from .fixtures import long_btc, snapshot

IDS = OrderIds("risk", nonce="abc123")


def step(risk: Risk, stop: str = "-3") -> PositionIntent:
    return PositionIntent(
        index=0,
        key="swing",
        kind="position",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        risk=risk,
        leverage=D(10),
        margin=Margin.ISOLATED,
        stop_loss=Trigger(PriceSource.LAST, percent=D(stop)),
    )


def run(intent: PositionIntent, snap: Snapshot, policy: Policy | None = None) -> PlanResult:
    plan = PlanIntents("risk", "hash", "plans/x.yaml", (intent,), policy or Policy())
    return compile_plan(plan, snap, IDS)


def opened(result: PlanResult) -> D:
    (order,) = [a for a in result.actions if isinstance(a, SubmitOrder)]
    return order.size


def test_usdt_budget_fits_the_largest_whole_number_of_contracts() -> None:
    # entry 67000 (last), stop -3% = 64990; per contract 0.001 BTC: loss 2.01, fees
    # (67000 + 64990) * 0.001 * 0.0006 = 0.079194 -> 2.089194; 20 / 2.089194 = 9.57 -> 9
    result = run(step(Risk(usdt=D(20))), snapshot(futures="1000"))
    assert not result.has_errors, result.findings
    assert opened(result) == D(9)
    (note,) = [n for n in result.steps[0].notes if n.startswith("risk")]
    assert note == (
        "risk 20 USDT / (loss 2.01 + fees 0.079194 per contract: entry 67000 -> stop 64990, "
        "taker 0.06% each way) = 9 contracts (loss at the stop 18.8 USDT)"
    )
    # one more contract would lose more than the budget
    assert 10 * (D("2.01") + D("0.079194")) > 20 >= 9 * (D("2.01") + D("0.079194"))


def test_equity_percent_reads_the_futures_equity_at_plan_time() -> None:
    snap = snapshot(futures="1000")
    snap = replace(snap, balances=Balances(D(1000), futures_equity=D(4000)))
    result = run(step(Risk(equity_pct=D("0.5"))), snap)  # 20 USDT
    assert opened(result) == D(9)
    assert any("risk 0.5% of equity 4000 = 20 USDT" in n for n in result.steps[0].notes)


def test_a_budget_below_one_contract_is_an_error() -> None:
    result = run(step(Risk(usdt=D(1))), snapshot(futures="1000"))
    assert [f.rule for f in result.findings] == ["risk-too-small"]


def test_resolved_once_when_opened_later_plans_hold_the_position() -> None:
    snap = snapshot(futures="1000", positions=(long_btc(size="9"),))
    result = run(step(Risk(usdt=D(100))), snap)  # a bigger budget does not add
    assert not [a for a in result.actions if isinstance(a, SubmitOrder)]


def test_policy_caps_still_apply() -> None:
    result = run(
        step(Risk(usdt=D(2000)), stop="-1"),
        snapshot(futures="100000"),
        Policy(max_position_notional=D(5000)),
    )
    assert "policy-position-notional" in [f.rule for f in result.findings]
