"""The pure core: plan intents + snapshot -> actions, predicted state, findings."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import (
    CancelOrder,
    CancelTrigger,
    ModifyLimitOrder,
    ModifyTpSl,
    OrderIds,
    SetLeverage,
    SetPositionMode,
    SubmitOrder,
    SubmitPlanOrder,
    SubmitTpSl,
    Transfer,
)
from runner.compiler.compile import compile_plan
from runner.compiler.intents import (
    KEEP,
    BalanceIntent,
    CancelIntent,
    CloseIntent,
    Entry,
    Intent,
    LeverageIntent,
    ModeIntent,
    OpenIntent,
    PlanIntents,
    Policy,
    TpSlIntent,
    TransferIntent,
    Trigger,
)
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import WorkingOrder
from runner.domain import Margin, Mode, OrderSide, OrderType, PosSide, PriceSource, PriceWay
from runner.exchange.requests import request_for

from .fixtures import eth_dip_order, long_btc, reference_position, sl_order, snapshot, tp_order

IDS = OrderIds("btc-swing", nonce="abc123")


def plan(*intents: Intent, policy: Policy | None = None) -> PlanIntents:
    return PlanIntents("btc-swing", "hash", "plans/x.yaml", intents, policy or Policy())




def rules(result: PlanResult) -> list[str]:
    return [f.rule for f in result.findings]


def test_reference_plan_from_a_fresh_account() -> None:
    result = compile_plan(
        plan(
            BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(500)),
            reference_position(),
        ),
        snapshot(),
        IDS,
    )
    assert not result.has_errors
    transfer, order = result.actions
    assert isinstance(transfer, Transfer)
    # 500 plus what the open takes (67 margin + 0.402 fee, whole USDT up): the target holds at
    # the end of the plan, so the next apply has nothing to transfer
    assert transfer.amount == D(568)
    assert transfer.to_futures
    assert isinstance(order, SubmitOrder)
    assert (order.side, order.size, order.order_type) == (OrderSide.OPEN_LONG, D(10), "market")
    assert (order.leverage, order.margin) == (D(10), Margin.ISOLATED)
    # from flat, TP/SL ride on the opening order (never unprotected); -3% of 67000 = 64990
    assert order.take_profit is not None
    assert order.take_profit.trigger == D(72000)
    assert order.stop_loss is not None
    assert order.stop_loss.trigger == D("64990.0")
    assert order.stop_loss.source is PriceSource.MARK
    assert order.cid == IDS.make("#2", "O")
    estimate = result.steps[1].estimate
    assert estimate is not None
    assert estimate.notional == D(670)  # 10 x 0.001 x 67000
    assert estimate.initial_margin == D(67)
    assert estimate.liquidation_price > 0
    assert estimate.pnl_at_take_profit is not None
    assert estimate.pnl_at_take_profit > 0
    assert estimate.pnl_at_stop_loss is not None
    assert estimate.pnl_at_stop_loss < 0
    assert rules(result) == []
    assert result.predicted.balances.futures_available == D("500.598")
    assert result.predicted.position("BTCUSDT", PosSide.LONG) is not None


def test_plan_matching_the_account_has_no_changes() -> None:
    # position held with the SL at -3% of the real entry and the TP: nothing to do
    snap = snapshot(
        futures="900",
        positions=(long_btc(entry="66800"),),
        triggers=(tp_order("72000"), sl_order("64796.0")),
    )
    result = compile_plan(
        plan(
            BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(500)),
            reference_position(),
        ),
        snap,
        IDS,
    )
    assert not result.has_errors
    assert result.actions == ()
    assert not result.has_changes


def test_open_position_fixes_leverage_and_margin() -> None:
    snap = snapshot(futures="900", positions=(long_btc(leverage="20", margin=Margin.CROSS),))
    result = compile_plan(plan(reference_position()), snap, IDS)
    assert result.has_errors
    assert set(rules(result)) == {"leverage-conflict", "margin-conflict"}
    assert result.actions == ()
    conflict = next(f for f in result.findings if f.rule == "leverage-conflict")
    assert "20x cross" in conflict.message
    assert conflict.hint is not None
    assert "inherit" in conflict.hint


def test_unsaid_leverage_is_inherited_from_the_position() -> None:
    snap = snapshot(
        futures="900", positions=(long_btc(size="5", leverage="20", margin=Margin.CROSS),)
    )
    result = compile_plan(
        plan(reference_position(leverage=None, margin=None, take_profit=KEEP, stop_loss=KEEP)),
        snap,
        IDS,
    )
    assert not result.has_errors
    (order,) = result.actions
    assert isinstance(order, SubmitOrder)
    assert order.size == D(5)
    assert (order.leverage, order.margin) == (D(20), Margin.CROSS)


def test_adding_to_a_position_sets_tp_sl_with_the_standalone_endpoint() -> None:
    snap = snapshot(futures="900", positions=(long_btc(size="5"),))
    result = compile_plan(plan(reference_position()), snap, IDS)
    assert not result.has_errors
    order, tp, sl = result.actions
    assert isinstance(order, SubmitOrder)
    assert order.take_profit is None  # presets only for an open from flat
    assert isinstance(tp, SubmitTpSl)
    assert isinstance(sl, SubmitTpSl)
    assert (tp.kind, sl.kind) == ("take_profit", "stop_loss")


def test_tp_sl_moved_and_removed() -> None:
    snap = snapshot(
        futures="900", positions=(long_btc(),), triggers=(tp_order("71000"), sl_order("64990.0"))
    )
    result = compile_plan(
        plan(
            TpSlIntent(
                index=0,
                key="#1",
                kind="tp_sl",
                symbol="BTCUSDT",
                side=PosSide.LONG,
                take_profit=Trigger(PriceSource.LAST, price=D(72000)),
                stop_loss=None,
            )
        ),
        snap,
        IDS,
    )
    assert not result.has_errors
    modify, cancel = result.actions
    assert isinstance(modify, ModifyTpSl)
    assert modify.order_id == "9002"
    assert modify.protection.trigger == D(72000)
    assert isinstance(cancel, CancelTrigger)
    assert cancel.order_id == "9001"


def test_tp_sl_without_position_is_an_error() -> None:
    result = compile_plan(
        plan(
            TpSlIntent(
                index=0,
                key="#1",
                kind="tp_sl",
                symbol="BTCUSDT",
                side=PosSide.LONG,
                stop_loss=Trigger(PriceSource.MARK, price=D(60000)),
            )
        ),
        snapshot(),
        IDS,
    )
    assert rules(result) == ["no-position"]


def test_reducing_the_target_closes_the_difference() -> None:
    snap = snapshot(futures="900", positions=(long_btc(size="10"),))
    result = compile_plan(
        plan(reference_position(size=D(4), take_profit=KEEP, stop_loss=KEEP)), snap, IDS
    )
    (close,) = result.actions
    assert isinstance(close, SubmitOrder)
    assert (close.side, close.size) == (OrderSide.CLOSE_LONG, D(6))
    assert close.leverage is None


def test_flat_target_closes_everything_and_drops_its_tp_sl() -> None:
    snap = snapshot(futures="900", positions=(long_btc(),), triggers=(sl_order("64990.0"),))
    result = compile_plan(
        plan(reference_position(size=D(0), stop_loss=KEEP, take_profit=KEEP)), snap, IDS
    )
    (close,) = result.actions
    assert isinstance(close, SubmitOrder)
    assert close.size == D(10)
    assert result.predicted.positions == ()
    assert result.predicted.trigger_orders == ()


def test_working_entry_order_of_this_step_is_counted_not_stacked() -> None:
    resting = WorkingOrder(
        "555",
        IDS.make("#2", "O"),
        "BTCUSDT",
        OrderSide.OPEN_LONG,
        "limit",
        D(60000),
        D(10),
        D(0),
        D(10),
        Margin.ISOLATED,
    )
    snap = snapshot(futures="900", orders=(resting,))
    intent = reference_position(
        entry=Entry(OrderType.LIMIT, D(60000)), take_profit=KEEP, stop_loss=KEEP
    )
    assert compile_plan(plan(intent), snap, IDS).actions == ()
    # a different size or price modifies the resting entry in place (issue 13, finding 2)
    result = compile_plan(
        plan(
            reference_position(
                size=D(12), entry=Entry(OrderType.LIMIT, D(59000)), take_profit=KEEP, stop_loss=KEEP
            )
        ),
        snap,
        IDS,
    )
    (modify,) = result.actions
    assert isinstance(modify, ModifyLimitOrder)
    assert (modify.order_id, modify.size, modify.price) == ("555", D(12), D(59000))
    assert request_for(modify).body == {
        "symbol": "BTCUSDT",
        "order_id": "555",
        "price": "59000",
        "size": 12,
    }
    # a market entry now cannot be a modification: the resting one is cancelled, 10 bought
    market = compile_plan(
        plan(reference_position(entry=Entry(), take_profit=KEEP, stop_loss=KEEP)), snap, IDS
    )
    cancel, order = market.actions
    assert isinstance(cancel, CancelOrder) and cancel.order_id == "555"
    assert isinstance(order, SubmitOrder) and order.size == D(10)


def test_mode_switch_blocked_by_an_open_order() -> None:
    order = WorkingOrder(
        "77", "", "ETHUSDT", OrderSide.OPEN_LONG, "limit", D(3000), D(1), D(0), D(5), Margin.CROSS
    )
    result = compile_plan(
        plan(ModeIntent(index=0, key="#1", kind="position_mode", mode=Mode.ONE_WAY)),
        snapshot(orders=(order,)),
        IDS,
    )
    assert rules(result) == ["mode-switch-not-clean"]
    assert "order 77" in result.findings[0].message
    clean = compile_plan(
        plan(ModeIntent(index=0, key="#1", kind="position_mode", mode=Mode.ONE_WAY)),
        snapshot(),
        IDS,
    )
    assert [type(a) for a in clean.actions] == [SetPositionMode]
    same = compile_plan(
        plan(ModeIntent(index=0, key="#1", kind="position_mode", mode=Mode.HEDGE)), snapshot(), IDS
    )
    assert same.actions == ()


def test_leverage_step_changes_setting_only_when_different() -> None:
    step = LeverageIntent(
        index=0, key="#1", kind="leverage", symbol="BTCUSDT", leverage=D(5), margin=Margin.ISOLATED
    )
    assert [type(a) for a in compile_plan(plan(step), snapshot(), IDS).actions] == [SetLeverage]
    same = LeverageIntent(
        index=0, key="#1", kind="leverage", symbol="BTCUSDT", leverage=D(10), margin=Margin.CROSS
    )
    assert compile_plan(plan(same), snapshot(), IDS).actions == ()
    conflict = compile_plan(plan(step), snapshot(positions=(long_btc(),)), IDS)
    assert rules(conflict) == ["leverage-conflict"]


def test_insufficient_margin() -> None:
    result = compile_plan(plan(reference_position(size=D(1000))), snapshot(futures="100"), IDS)
    assert "insufficient-margin" in rules(result)
    assert result.actions == ()


def test_size_rules() -> None:
    result = compile_plan(plan(reference_position(size=D(60000))), snapshot(futures="1000000"), IDS)
    assert "size-range" in rules(result)


def test_stop_that_fires_immediately_and_stop_beyond_liquidation() -> None:
    fires = compile_plan(
        plan(reference_position(stop_loss=Trigger(PriceSource.MARK, price=D(67500)))),
        snapshot(futures="1000"),
        IDS,
    )
    assert "trigger-fires-immediately" in rules(fires)
    beyond = compile_plan(
        plan(reference_position(stop_loss=Trigger(PriceSource.MARK, price=D(50000)))),
        snapshot(futures="1000"),
        IDS,
    )
    assert "stop-beyond-liquidation" in rules(beyond)
    # the liquidation price is named as the diff shows it: on the tick, not a 28-digit estimate
    (message,) = [f.message for f in beyond.findings if f.rule == "stop-beyond-liquidation"]
    liquidation = message.split("estimated liquidation price ")[1].split(":")[0]
    assert D(liquidation) == D(liquidation).quantize(D("0.1")), message


def test_limit_price_off_tick() -> None:
    result = compile_plan(
        plan(reference_position(entry=Entry(OrderType.LIMIT, D("64000.05")))),
        snapshot(futures="1000"),
        IDS,
    )
    assert "price-tick" in rules(result)


def test_notional_converts_to_contracts_at_the_entry_price() -> None:
    # 1000 USDT / (0.001 x 67000) = 14.9 -> 14 contracts
    result = compile_plan(
        plan(reference_position(size=None, notional=D(1000), take_profit=KEEP, stop_loss=KEEP)),
        snapshot(futures="1000"),
        IDS,
    )
    (order,) = result.actions
    assert isinstance(order, SubmitOrder)
    assert order.size == D(14)


def test_close_rules() -> None:
    none = compile_plan(
        plan(
            CloseIntent(
                index=0, key="#1", kind="close", symbol="BTCUSDT", side=PosSide.LONG, size=None
            )
        ),
        snapshot(),
        IDS,
    )
    assert rules(none) == ["no-position"]
    too_many = compile_plan(
        plan(
            CloseIntent(
                index=0, key="#1", kind="close", symbol="BTCUSDT", side=PosSide.LONG, size=D(11)
            )
        ),
        snapshot(positions=(long_btc(),)),
        IDS,
    )
    assert rules(too_many) == ["close-exceeds-position"]
    all_ = compile_plan(
        plan(
            CloseIntent(
                index=0, key="#1", kind="close", symbol="BTCUSDT", side=PosSide.LONG, size=None
            )
        ),
        snapshot(positions=(long_btc(),)),
        IDS,
    )
    (close,) = all_.actions
    assert isinstance(close, SubmitOrder)
    assert close.size == D(10)
    assert close.runs_every_apply


def test_open_action_runs_every_time() -> None:
    intent = OpenIntent(
        index=0,
        key="#1",
        kind="open",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(2),
        leverage=D(10),
        margin=Margin.ISOLATED,
    )
    result = compile_plan(plan(intent), snapshot(futures="1000", positions=(long_btc(),)), IDS)
    (order,) = result.actions
    assert isinstance(order, SubmitOrder)
    assert order.size == D(2)
    assert order.runs_every_apply


def test_steps_see_the_state_earlier_steps_leave() -> None:
    # the transfer makes the open affordable; without it the open fails
    steps = (
        TransferIntent(index=0, key="#1", kind="transfer", amount=D(100), to_futures=True),
        reference_position(index=1),
    )
    assert not compile_plan(plan(*steps), snapshot(), IDS).has_errors
    assert "insufficient-margin" in rules(compile_plan(plan(steps[1]), snapshot(), IDS))


def test_transfer_needs_spot_balance_and_respects_policy() -> None:
    step = TransferIntent(index=0, key="#1", kind="transfer", amount=D(20000), to_futures=True)
    assert rules(compile_plan(plan(step), snapshot(), IDS)) == ["insufficient-balance"]
    small = TransferIntent(index=0, key="#1", kind="transfer", amount=D(200), to_futures=True)
    limited = compile_plan(plan(small, policy=Policy(max_transfer=D(100))), snapshot(), IDS)
    assert rules(limited) == ["policy-transfer"]


def test_demo_refuses_transfers() -> None:
    step = BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(500))
    result = compile_plan(plan(step), snapshot(spot=None), IDS, transfers_supported=False)
    assert rules(result) == ["demo-no-transfers"]


def test_policy_leverage_and_required_stop() -> None:
    result = compile_plan(
        plan(
            reference_position(leverage=D(25), stop_loss=KEEP),
            policy=Policy(max_leverage=D(20), require_stop_loss=True),
        ),
        snapshot(futures="1000"),
        IDS,
    )
    assert set(rules(result)) == {"policy-leverage", "policy-stop-loss"}


def test_plan_order_created_then_recognised() -> None:
    intent = eth_dip_order(key="dip-buy", margin=Margin.CROSS)
    created = compile_plan(plan(intent), snapshot(futures="1000"), IDS)
    (action,) = created.actions
    assert isinstance(action, SubmitPlanOrder)
    assert action.price_way is PriceWay.FALL  # 2800 is below the 3500 last price: fires on a fall
    waiting = created.predicted.trigger_orders
    again = compile_plan(plan(intent), snapshot(futures="1000", triggers=waiting), IDS)
    assert again.actions == ()


def test_cancel_all_on_a_symbol() -> None:
    order = WorkingOrder(
        "77", "", "BTCUSDT", OrderSide.OPEN_LONG, "limit", D(60000), D(1), D(0), D(10), Margin.CROSS
    )
    snap = snapshot(
        futures="900", positions=(long_btc(),), orders=(order,), triggers=(sl_order("64990.0"),)
    )
    result = compile_plan(
        plan(CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT")), snap, IDS
    )
    assert [type(a) for a in result.actions] == [CancelOrder, CancelTrigger]


def test_a_wallet_above_the_target_still_gets_the_top_up_later_steps_need() -> None:
    """3019.76 available, 3000 wanted, a later open takes ~27: the first estimate's gap (7.12)
    alone would leave 2997 and the next apply would transfer again (found by the market soak)."""
    balance = BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(3000))
    opening = reference_position(
        index=1, size=D(2), leverage=D(5), take_profit=KEEP, stop_loss=KEEP
    )
    result = compile_plan(plan(balance, opening), snapshot(futures="3019.76"), IDS)
    assert result.predicted.balances.futures_available >= D(3000)
    assert "target-undone-later" not in rules(result)
