"""Issue 14 findings 8 and 10: estimates a trader can trust, and words that say what happens."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from runner.compiler import estimates as est
from runner.compiler.actions import Category, ModifyTpSl
from runner.compiler.compile import compile_plan
from runner.compiler.intents import (
    KEEP,
    BalanceIntent,
    CancelIntent,
    Entry,
    Policy,
    TpSlIntent,
    TransferIntent,
    Trigger,
)
from runner.compiler.snapshot import TriggerOrder
from runner.domain import Margin, Mode, OrderSide, OrderType, PosSide, PriceSource, TriggerKind
from runner.plan import validate_source
from runner.render.plan_text import render_plan, summary_line
from runner.render.style import Style

from .fixtures import eth_dip_order, long_btc, sl_order, snapshot, tp_order
from .test_compile import IDS, plan, reference_position, rules

TAKER = D("0.0006")


def test_breakeven_price_moves_the_entry_by_both_fees_to_the_profitable_tick() -> None:
    # 65000 x 1.0012 = 65078 exactly; 65001 x 1.0012 = 65079.0012 -> up to 65079.1
    assert est.breakeven_price(D(65000), "long", TAKER, D("0.1")) == D("65078.0")
    assert est.breakeven_price(D(65001), "long", TAKER, D("0.1")) == D("65079.1")
    # short: 65001 x 0.9988 = 64922.9988 -> down to 64922.9
    assert est.breakeven_price(D(65001), PosSide.SHORT, TAKER, D("0.1")) == D("64922.9")


def test_liquidation_is_rounded_toward_the_entry_and_shown_as_rounded() -> None:
    assert est.round_liquidation(D("3341.996"), D("0.01"), is_long=False) == D("3341.99")
    assert est.round_liquidation(D("2146.701"), D("0.01"), is_long=True) == D("2146.71")
    assert est.round_price(D("149.6956521739130434782608696"), D("0.01")) == D("149.70")
    assert est.round_usdt(D("0.3955")) == D("0.40")


def test_pnl_at_tp_and_sl_is_net_of_open_and_close_fees() -> None:
    result = compile_plan(plan(reference_position()), snapshot(futures="1000"), IDS)
    estimate = result.steps[0].estimate
    assert estimate is not None
    # 10 x 0.001 BTC from 67000: to the SL 64990 gross -20.10, open fee 0.402, close 0.38994
    assert estimate.stop_loss == D("64990.0")
    assert estimate.pnl_at_stop_loss == D("-20.89")
    # to the TP 72000: +50 gross, fees 0.402 + 0.432
    assert estimate.pnl_at_take_profit == D("49.17")
    assert estimate.open_fee == D("0.40")


def test_fee_only_for_what_is_traded() -> None:
    held = snapshot(futures="1000", positions=(long_btc(),), triggers=(tp_order("72000"),))
    unchanged = compile_plan(plan(reference_position(take_profit=KEEP, stop_loss=KEEP)), held, IDS)
    estimate = unchanged.steps[0].estimate
    assert estimate is not None and estimate.open_fee == 0
    assert "open fee" not in render_plan(unchanged, Style(False))
    scaled = compile_plan(
        plan(reference_position(size=D(20), take_profit=KEEP, stop_loss=KEEP)), held, IDS
    )
    estimate = scaled.steps[0].estimate
    assert estimate is not None
    assert estimate.size == D(20)
    assert estimate.open_fee == D("0.40")  # 10 added x 0.001 x 67000 x 0.0006, not 20's fee


def test_limit_entries_and_plan_orders_get_figures_for_when_they_fill() -> None:
    resting = compile_plan(
        plan(reference_position(entry=Entry(OrderType.LIMIT, D(60000)))),
        snapshot(futures="1000"),
        IDS,
    )
    estimate = resting.steps[0].estimate
    assert estimate is not None and estimate.if_filled
    assert estimate.initial_margin == D("60.00")
    assert estimate.open_fee == D("0.12")  # maker rate on 600 USDT
    assert 0 < estimate.liquidation_price < D(60000)
    assert "if the order fills:" in render_plan(resting, Style(False))
    order = eth_dip_order(stop_loss=D(2700))
    result = compile_plan(plan(order), snapshot(futures="1000"), IDS)
    estimate = result.steps[0].estimate
    assert estimate is not None and estimate.if_filled
    assert estimate.initial_margin == D("27.95")  # 5 x 0.01 x 2795 / 5
    assert estimate.liquidation_price > 0
    assert estimate.pnl_at_stop_loss is not None and estimate.pnl_at_stop_loss < 0


def test_a_plan_order_that_triggered_shows_no_figures_for_a_fill_that_will_not_come() -> None:
    # the order this step placed is gone (it triggered: its 5 ETH are the position now) and is
    # not placed again, so no "if filled" figures: they doubled the size to 10 ETH (279.50 USDT)
    order = eth_dip_order()
    result = compile_plan(
        plan(order), snapshot(futures="1000"), IDS, plan_order_registry={"dip": "300004"}
    )
    assert rules(result) == ["plan-order-gone"]
    assert result.steps[0].estimate is None
    assert result.actions == ()


def test_cross_liquidation_uses_the_balance_the_whole_plan_leaves() -> None:
    cross = reference_position(margin=Margin.CROSS, stop_loss=KEEP, take_profit=KEEP)
    alone = compile_plan(plan(cross), snapshot(futures="1000"), IDS)
    moved_out = compile_plan(
        plan(
            cross,
            TransferIntent(index=2, key="#3", kind="transfer", amount=D(800), to_futures=False),
        ),
        snapshot(futures="1000"),
        IDS,
    )
    first, later = alone.steps[0].estimate, moved_out.steps[0].estimate
    assert first is not None and later is not None
    # 800 USDT less to absorb losses: the long's liquidation is much closer to the entry
    assert later.liquidation_price > first.liquidation_price + 10000
    predicted = moved_out.predicted.position("BTCUSDT", PosSide.LONG)
    assert predicted is not None and predicted.liquidation_price == later.liquidation_price
    assert moved_out.steps[0].after["liquidation_price"] == later.liquidation_price


def test_an_average_entry_is_shown_on_the_tick() -> None:
    held = snapshot(futures="1000", positions=(long_btc(size="10", entry="67000.3"),))
    result = compile_plan(
        plan(reference_position(size=D(23), take_profit=KEEP, stop_loss=KEEP)), held, IDS
    )
    entry = result.steps[0].after["entry_price"]
    assert isinstance(entry, D) and entry == entry.quantize(D("0.1"))


def test_a_flip_shows_the_side_it_leaves() -> None:
    held = snapshot(futures="1000", positions=(long_btc(),), mode=Mode.ONE_WAY)
    result = compile_plan(
        plan(reference_position(side=PosSide.SHORT, take_profit=KEEP, stop_loss=KEEP)),
        held,
        IDS,
    )
    text = render_plan(result, Style(False))
    assert "side: long -> short" in text
    assert "size: 0 -> 10" not in text


def test_a_step_with_errors_shows_no_after_state() -> None:
    held = snapshot(futures="0", spot="0", positions=(long_btc(size="69"),))
    result = compile_plan(
        plan(reference_position(size=D(100), take_profit=KEEP, stop_loss=KEEP)), held, IDS
    )
    assert result.has_errors
    text = render_plan(result, Style(False))
    assert "-> -" not in text


def test_cancelling_a_plan_order_counts_as_an_order_and_words_are_singular() -> None:
    waiting = TriggerOrder(
        "77",
        "",
        "BTCUSDT",
        TriggerKind.PLAN,
        OrderSide.OPEN_LONG,
        D(1),
        D(60000),
        D(0),
        PriceSource.LAST,
        None,
        None,
        "market",
        D(10),
        Margin.CROSS,
    )
    result = compile_plan(
        plan(CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT")),
        snapshot(triggers=(waiting,)),
        IDS,
    )
    (action,) = result.actions
    assert action.category is Category.ORDER
    assert summary_line(result) == "Plan: 1 change (1 order, 0 TP/SL, 0 transfers, 0 settings)"


def test_hints_fit_the_plan() -> None:
    # the plan has an ensure_balance step: do not suggest adding one
    result = compile_plan(
        plan(
            BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(5)),
            reference_position(size=D(1000)),
        ),
        snapshot(futures="0", spot="10"),
        IDS,
    )
    hints = [f.hint or "" for f in result.findings if f.rule == "insufficient-margin"]
    assert hints and not any("add an ensure_balance" in h for h in hints)
    # moving too much to spot is not fixed by depositing to spot
    out = compile_plan(
        plan(TransferIntent(index=0, key="#1", kind="transfer", amount=D(50), to_futures=False)),
        snapshot(futures="10"),
        IDS,
    )
    (finding,) = [f for f in out.findings if f.rule == "insufficient-balance"]
    assert "deposit" not in (finding.hint or "")


def test_stop_loss_policy_hint_matches_a_short() -> None:
    text = (
        "version: 1\nname: s\npolicy: {require_stop_loss: true}\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: short, size: 1, leverage: 5, margin: isolated}\n"
    )
    _, findings = validate_source(text.encode(), "s.yaml")
    (finding,) = [f for f in findings if f.rule == "policy-stop-loss"]
    assert "for a long" not in (finding.hint or "")
    assert '"+3%"' in (finding.hint or "")


def test_opposite_targets_on_a_one_way_account_are_an_error() -> None:
    long = reference_position(take_profit=KEEP, stop_loss=KEEP)
    short = reference_position(
        index=2, key="#3", side=PosSide.SHORT, take_profit=KEEP, stop_loss=KEEP
    )
    one_way = compile_plan(plan(long, short), snapshot(futures="2000", mode=Mode.ONE_WAY), IDS)
    assert "conflicting-targets" in [f.rule for f in one_way.findings]
    hedge = compile_plan(plan(long, short), snapshot(futures="2000", mode=Mode.HEDGE), IDS)
    assert "conflicting-targets" not in [f.rule for f in hedge.findings]


def test_a_cancel_may_not_strip_a_required_stop() -> None:
    held = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("64000"),))
    cancel = CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT")
    strict = compile_plan(plan(cancel, policy=Policy(require_stop_loss=True)), held, IDS)
    assert [f.rule for f in strict.findings] == ["cancel-strips-stop"]
    assert strict.actions == ()
    relaxed = compile_plan(plan(cancel), held, IDS)
    assert len(relaxed.actions) == 1


def test_breakeven_and_profit_lock_stops_on_a_long_in_profit() -> None:
    held = snapshot(
        futures="100", positions=(long_btc(entry="65000"),), triggers=(sl_order("63000"),)
    )
    breakeven = TpSlIntent(
        index=0,
        key="#1",
        kind="tp_sl",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        stop_loss=Trigger(PriceSource.MARK, breakeven=True),
    )
    result = compile_plan(plan(breakeven), held, IDS)
    assert not result.has_errors, result.findings
    (move,) = result.actions
    assert isinstance(move, ModifyTpSl)
    assert move.protection.trigger == D("65078.0")  # 65000 x (1 + 2 x 0.0006)
    lock = replace(breakeven, stop_loss=Trigger(PriceSource.MARK, percent=D("0.12")))
    (locked,) = compile_plan(plan(lock), held, IDS).actions
    assert isinstance(locked, ModifyTpSl) and locked.protection.trigger == D("65078.0")
    # the mark decides: a profit lock above the current price would fire at once
    above = replace(breakeven, stop_loss=Trigger(PriceSource.MARK, percent=D(4)))
    assert "trigger-fires-immediately" in rules(compile_plan(plan(above), held, IDS))
