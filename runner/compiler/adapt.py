"""The bridge from the plan the user wrote (``runner.plan``) to what compile works on (intents).

Defaults are applied here and nowhere else; what only the live account can decide (inherited
leverage/margin, relative triggers, notional sizes) is passed through for compile to resolve.
Every intent carries a locator, so a live finding points at the line the user has to change.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from runner.compiler.intents import (
    KEEP,
    BalanceIntent,
    CancelIntent,
    CloseIntent,
    Entry,
    Intent,
    Keep,
    LadderLevel,
    LeverageIntent,
    Locator,
    ModeIntent,
    OpenIntent,
    PlanIntents,
    PlanOrderIntent,
    Policy,
    PositionIntent,
    Protect,
    TpSlIntent,
    Trail,
    TrailingStop,
    TransferIntent,
    Trigger,
)
from runner.domain import Margin, PriceSource, PriceWay, TimeInForce
from runner.errors import PlanInvalid
from runner.findings import Location
from runner.plan import model
from runner.plan import pointer as json_pointer

T = TypeVar("T")
W = TypeVar("W")


def from_plan(plan: model.Plan) -> PlanIntents:
    """Resolve defaults and turn each step into its intent (the plan must be free of errors)."""
    return PlanIntents(
        name=plan.name,
        plan_hash=plan.sha256,
        path=plan.path,
        intents=tuple(_intent(plan, step) for step in plan.steps),
        policy=_policy(plan),
    )


def _locator(plan: model.Plan, step: model.Step) -> Locator:
    def locate(field_path: str) -> Location:
        return plan.field_location(step, field_path)

    return locate


def _required(plan: model.Plan, step: model.Step, field: str, value: T | None) -> T:
    if value is None:  # static rules report this first; reaching here means they were skipped
        where = plan.field_location(step, "")
        raise PlanInvalid(f"{where}: {step.kind} step needs {field}")
    return value


def _symbol(plan: model.Plan, step: model.Step, symbol: str | None) -> str:
    return _required(plan, step, "a symbol", symbol or plan.defaults.symbol)


def _leverage(plan: model.Plan, leverage: Decimal | None) -> Decimal | None:
    return leverage if leverage is not None else plan.defaults.leverage


def _margin(plan: model.Plan, margin: model.MarginMode | None) -> Margin | None:
    return margin or plan.defaults.margin


def _source(plan: model.Plan, price_type: model.PriceType | None) -> PriceSource:
    # BitMart's own default trigger price type is the last price
    return price_type or plan.defaults.price_type or PriceSource.LAST


_PRICE_WAY = {model.Direction.RISES: PriceWay.RISE, model.Direction.FALLS: PriceWay.FALL}


def _entry(entry: model.Entry | None) -> Entry:
    if entry is None:
        return Entry()
    mode = entry.mode or TimeInForce.GTC
    return Entry(
        order_type=entry.type,
        price=entry.price,
        time_in_force=mode,
        expire_after_s=entry.expire_after_s,
    )


def _wanted(written: W | model.Absent | None, convert: Callable[[W], T]) -> T | Keep | None:
    """A setting the plan may leave out (the exchange keeps what it has) or null (none wanted)."""
    if isinstance(written, model.Absent):
        return KEEP
    return None if written is None else convert(written)


def _protect(plan: model.Plan, protection: model.Protection) -> Protect:
    def trigger(written: model.Trigger) -> Trigger:
        level = written.level
        source = _source(plan, written.price_type)
        return Trigger(source, price=level.price, percent=level.percent, breakeven=level.breakeven)

    return _wanted(protection, trigger)


def _absolute(plan: model.Plan, step: model.Step, field: str, level: model.PriceLevel) -> Decimal:
    return _required(plan, step, f"an absolute {field}", level.price)


def _position(plan: model.Plan, step: model.PositionStep, base: dict[str, Any]) -> Intent:
    cls = OpenIntent if isinstance(step, model.OpenStep) else PositionIntent
    if isinstance(step, model.OpenStep) and step.once_per is not None:
        base = {**base, "once_per": step.once_per}
    return cls(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        side=step.side,
        size=step.size,
        notional=step.notional,
        leverage=_leverage(plan, step.leverage),
        margin=_margin(plan, step.margin),
        entry=_entry(step.entry),
        take_profit=_protect(plan, step.take_profit),
        stop_loss=_protect(plan, step.stop_loss),
        **_reentry(step.reentry),
        rebalance_band=step.rebalance_band,
        ladder=tuple(_ladder_level(plan, level) for level in step.ladder),
        trailing_stop=_trail(plan, step.trailing_stop),
        risk=step.risk,
        stop_rules=step.stop_rules,
    )


def _trail(plan: model.Plan, trailing: model.Trailing) -> Trail:
    def stop(written: model.TrailingStop) -> TrailingStop:
        level = written.activation
        source = _source(plan, written.price_type)
        return TrailingStop(
            Trigger(source, price=level.price, percent=level.percent), written.callback
        )

    return _wanted(trailing, stop)


def _ladder_level(plan: model.Plan, level: model.LadderLevel) -> LadderLevel:
    protect = _protect(plan, level.trigger)
    assert isinstance(protect, Trigger)
    return LadderLevel(protect, size=level.size, percent=level.percent)


def _reentry(reentry: model.Reentry | None) -> dict[str, Any]:
    if reentry is None:
        return {}
    return {"reentry": reentry.when.value, "reentry_after_s": reentry.after_s}


def _plan_order(plan: model.Plan, step: model.PlanOrderStep, base: dict[str, Any]) -> Intent:
    def optional(field: str, level: model.PriceLevel | None) -> Decimal | None:
        return None if level is None else _absolute(plan, step, field, level)

    return PlanOrderIntent(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        side=step.side,
        reduce_only=step.reduce_only,
        size=step.size,
        trigger=_absolute(plan, step, "trigger", step.trigger),
        source=_source(plan, step.price_type),
        direction=_PRICE_WAY[step.direction] if step.direction else None,
        entry=_entry(step.order),
        leverage=_leverage(plan, step.leverage),
        margin=_margin(plan, step.margin),
        take_profit=optional("take_profit", step.take_profit),
        stop_loss=optional("stop_loss", step.stop_loss),
    )


def _intent(plan: model.Plan, step: model.Step) -> Intent:
    base: dict[str, Any] = {
        "index": step.index,
        "key": step.key,
        "kind": step.kind,
        "note": step.note,
        "loc": _locator(plan, step),
    }
    match step:
        case model.PositionStep():  # and OpenStep
            return _position(plan, step, base)
        case model.CloseStep():
            return _close(plan, step, base)
        case model.TpSlStep():
            return _tp_sl(plan, step, base)
        case model.LeverageStep():
            return _leverage_step(plan, step, base)
        case model.PositionModeStep():
            return ModeIntent(**base, mode=step.mode)
        case model.EnsureBalanceStep():
            return BalanceIntent(**base, min_available=step.min_available)
        case model.TransferStep():
            to_futures = step.direction is model.TransferDirection.TO_FUTURES
            return TransferIntent(
                **base, amount=step.amount, to_futures=to_futures, once_per=step.once_per
            )
        case model.PlanOrderStep():
            return _plan_order(plan, step, base)
        case model.CancelStep():
            return _cancel(plan, step, base)
    raise TypeError(f"no intent for {type(step).__name__}")  # pragma: no cover


def _close(plan: model.Plan, step: model.CloseStep, base: dict[str, Any]) -> Intent:
    return CloseIntent(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        side=step.side,
        size=step.size,
        entry=_entry(step.entry),
        once_per=step.once_per,
    )


def _tp_sl(plan: model.Plan, step: model.TpSlStep, base: dict[str, Any]) -> Intent:
    return TpSlIntent(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        side=step.side,
        take_profit=_protect(plan, step.take_profit),
        stop_loss=_protect(plan, step.stop_loss),
    )


def _leverage_step(plan: model.Plan, step: model.LeverageStep, base: dict[str, Any]) -> Intent:
    return LeverageIntent(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        leverage=_required(plan, step, "a leverage", _leverage(plan, step.leverage)),
        margin=_required(plan, step, "a margin", _margin(plan, step.margin)),
    )


def _cancel(plan: model.Plan, step: model.CancelStep, base: dict[str, Any]) -> Intent:
    return CancelIntent(
        **base,
        symbol=_symbol(plan, step, step.symbol),
        what=step.what,
        side=step.side if step.side else None,
    )


def _policy(plan: model.Plan) -> Policy:
    def locate(field_path: str) -> Location:
        return plan.locate(json_pointer.join("/policy", *field_path.split(".")))

    written = plan.policy
    if written is None:
        return Policy(loc=locate)
    symbols = written.allowed_symbols
    return Policy(
        max_leverage=written.max_leverage,
        max_position_notional=written.max_position_notional,
        max_order_notional=written.max_order_notional,
        max_transfer=written.max_transfer,
        allowed_symbols=frozenset(symbols) if symbols is not None else None,
        require_stop_loss=written.require_stop_loss,
        allow_risk_increase=written.allow_risk_increase,
        loc=locate,
    )
