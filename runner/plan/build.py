"""A schema-valid document -> the typed ``Plan`` (no checks here: the schema already ran)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from runner.domain import CancelWhat, OrderType, Period, TimeInForce
from runner.durations import duration_seconds
from runner.findings import Locations
from runner.plan import pointer
from runner.plan.load import Document
from runner.plan.model import (
    ABSENT,
    CancelStep,
    CloseStep,
    Defaults,
    Direction,
    EnsureBalanceStep,
    Entry,
    LadderLevel,
    LeverageStep,
    MarginMode,
    OpenStep,
    Plan,
    PlanOrderStep,
    Policy,
    PositionMode,
    PositionModeStep,
    PositionStep,
    PriceLevel,
    PriceType,
    Protection,
    Reentry,
    ReentryWhen,
    Risk,
    Side,
    Step,
    StopRule,
    TpSlStep,
    Trailing,
    TrailingStop,
    TransferDirection,
    TransferStep,
    Trigger,
)
from runner.plan.phrases import KINDS

Raw = Mapping[str, Any]


def build_plan(document: Document) -> Plan:
    data = document.data
    locations = document.locations.copy()
    steps = tuple(_step(i, raw) for i, raw in enumerate(data["steps"]))
    for step in steps:
        if isinstance(step, TransferStep):
            _alias_transfer_shorthand(step, locations)
    return Plan(
        path=document.path,
        sha256=document.sha256,
        version=int(data["version"]),
        name=data["name"],
        description=data.get("description"),
        policy=_policy(data["policy"]) if "policy" in data else None,
        defaults=_defaults(data.get("defaults", {})),
        steps=steps,
        locations=locations,
        key_locations=document.key_locations.copy(),
    )


def _alias_transfer_shorthand(step: TransferStep, locations: Locations) -> None:
    # `{to_futures: 100}` has no amount/direction keys; point both at what was written
    shorthand = pointer.join(step.body_pointer, step.direction.value)
    for name in ("amount", "direction"):
        at = pointer.join(step.body_pointer, name)
        if at not in locations and shorthand in locations:
            locations.alias(at, shorthand)


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt_dec(raw: Raw, key: str) -> Decimal | None:
    return _dec(raw[key]) if raw.get(key) is not None else None


def _level(value: Any) -> PriceLevel:
    if value == "breakeven":
        return PriceLevel(breakeven=True)
    if isinstance(value, str) and value.endswith("%"):
        return PriceLevel(percent=Decimal(value[:-1]))
    return PriceLevel(price=_dec(value))


def _entry(raw: Raw | None) -> Entry | None:
    if raw is None:
        return None
    mode = raw.get("mode")
    expire = raw.get("expire_after")
    return Entry(
        type=OrderType(raw["type"]),
        price=_opt_dec(raw, "price"),
        mode=TimeInForce(mode) if mode is not None else None,
        expire_after_s=duration_seconds(expire) if expire is not None else None,
    )


def _reentry(raw: Raw) -> Reentry | None:
    value = raw.get("reentry")
    if value is None:
        return None
    if isinstance(value, str):
        return Reentry(ReentryWhen(value))
    return Reentry(ReentryWhen.AFTER, duration_seconds(value["after"]))


def _protection(raw: Raw, key: str) -> Protection:
    if key not in raw:
        return ABSENT
    value = raw[key]
    if value is None:
        return None
    return _trigger(value)


def _trigger(value: Raw) -> Trigger:
    price_type = value.get("price_type")
    return Trigger(_level(value["trigger"]), PriceType(price_type) if price_type else None)


def _ladder_level(raw: Raw) -> LadderLevel:
    size = raw.get("size")
    if isinstance(size, str) and size.endswith("%"):
        return LadderLevel(_trigger(raw), percent=Decimal(size[:-1]))
    return LadderLevel(_trigger(raw), size=None if size is None else _dec(size))


def _take_profit(raw: Raw) -> tuple[Protection, tuple[LadderLevel, ...]]:
    """A list is a ladder: the whole-position take-profit is then none (the levels replace it)."""
    value = raw.get("take_profit")
    if isinstance(value, list):
        return None, tuple(_ladder_level(level) for level in value)
    return _protection(raw, "take_profit"), ()


def _trailing(raw: Raw) -> Trailing:
    if "trailing_stop" not in raw:
        return ABSENT
    value = raw["trailing_stop"]
    if value is None:
        return None
    callback = value["callback"]
    if isinstance(callback, str) and callback.endswith("%"):
        callback = callback[:-1]
    price_type = value.get("price_type")
    return TrailingStop(
        _level(value["activation"]),
        _dec(callback),
        PriceType(price_type) if price_type else None,
    )


def _margin(raw: Raw) -> MarginMode | None:
    return MarginMode(raw["margin"]) if "margin" in raw else None


def _once_per(raw: Raw) -> dict[str, Any]:
    return {"once_per": Period(raw["once_per"])} if "once_per" in raw else {}


def _position(common: dict[str, Any], raw: Raw, cls: type[PositionStep]) -> Step:
    take_profit, ladder = _take_profit(raw)
    if cls is OpenStep:
        common = {**common, **_once_per(raw)}
    return cls(
        **common,
        symbol=raw.get("symbol"),
        side=Side(raw["side"]),
        size=_opt_dec(raw, "size"),
        notional=_opt_dec(raw, "notional"),
        leverage=_opt_dec(raw, "leverage"),
        margin=_margin(raw),
        entry=_entry(raw.get("entry")),
        take_profit=take_profit,
        stop_loss=_protection(raw, "stop_loss"),
        reentry=_reentry(raw),
        rebalance_band=(
            Decimal(raw["rebalance_band"].rstrip("%")) if "rebalance_band" in raw else None
        ),
        ladder=ladder,
        trailing_stop=_trailing(raw),
        risk=_risk(raw.get("risk")),
        stop_rules=tuple(_stop_rule(rule) for rule in raw.get("stop_rules", ())),
    )


def _stop_rule(raw: Raw) -> StopRule:
    to = raw["move_stop_to"]
    return StopRule(int(raw["after"][2:]), None if to == "breakeven" else int(to[2:]))


def _risk(raw: Raw | None) -> Risk | None:
    if raw is None:
        return None
    return Risk(usdt=_opt_dec(raw, "usdt"), equity_pct=_opt_dec(raw, "equity_pct"))


def _close(common: dict[str, Any], raw: Raw) -> Step:
    size = raw["size"]
    return CloseStep(
        **common,
        symbol=raw.get("symbol"),
        side=Side(raw["side"]),
        size=None if size == "all" else _dec(size),
        entry=_entry(raw.get("entry")),
        **_once_per(raw),
    )


def _tp_sl(common: dict[str, Any], raw: Raw) -> Step:
    return TpSlStep(
        **common,
        symbol=raw.get("symbol"),
        side=Side(raw["side"]),
        take_profit=_protection(raw, "take_profit"),
        stop_loss=_protection(raw, "stop_loss"),
    )


def _leverage(common: dict[str, Any], raw: Raw) -> Step:
    return LeverageStep(
        **common, symbol=raw.get("symbol"), leverage=_opt_dec(raw, "leverage"), margin=_margin(raw)
    )


def _transfer(common: dict[str, Any], raw: Raw) -> Step:
    if "amount" in raw:
        return TransferStep(
            **common,
            amount=_dec(raw["amount"]),
            direction=TransferDirection(raw["direction"]),
            **_once_per(raw),
        )
    direction = TransferDirection.TO_FUTURES if "to_futures" in raw else TransferDirection.TO_SPOT
    return TransferStep(
        **common, amount=_dec(raw[direction.value]), direction=direction, **_once_per(raw)
    )


def _plan_order(common: dict[str, Any], raw: Raw) -> Step:
    return PlanOrderStep(
        **common,
        symbol=raw.get("symbol"),
        side=Side(raw["side"]),
        size=_dec(raw["size"]),
        trigger=_level(raw["trigger"]),
        price_type=PriceType(raw["price_type"]) if "price_type" in raw else None,
        direction=Direction(raw["direction"]) if "direction" in raw else None,
        order=_entry(raw.get("order")),
        leverage=_opt_dec(raw, "leverage"),
        margin=_margin(raw),
        reduce_only=bool(raw.get("reduce_only", False)),
        take_profit=_level(raw["take_profit"]) if "take_profit" in raw else None,
        stop_loss=_level(raw["stop_loss"]) if "stop_loss" in raw else None,
    )


def _cancel(common: dict[str, Any], raw: Raw) -> Step:
    side = raw.get("side")
    return CancelStep(
        **common,
        symbol=raw.get("symbol"),
        what=CancelWhat(raw.get("what", "all")),
        side=Side(side) if side is not None else None,
    )


_BUILDERS: dict[str, Callable[[dict[str, Any], Any], Step]] = {
    "position": lambda common, raw: _position(common, raw, PositionStep),
    "open": lambda common, raw: _position(common, raw, OpenStep),
    "close": _close,
    "tp_sl": _tp_sl,
    "leverage": _leverage,
    "position_mode": lambda common, raw: PositionModeStep(**common, mode=PositionMode(raw)),
    "ensure_balance": lambda common, raw: EnsureBalanceStep(
        **common, min_available=_dec(raw["min_available"])
    ),
    "transfer": _transfer,
    "plan_order": _plan_order,
    "cancel": _cancel,
}


def _step(index: int, raw: Raw) -> Step:
    kind = next(k for k in KINDS if k in raw)
    common = {"index": index, "id": raw.get("id"), "note": raw.get("note")}
    return _BUILDERS[kind](common, raw[kind])


def _policy(raw: Raw) -> Policy:
    symbols = raw.get("allowed_symbols")
    return Policy(
        max_leverage=_opt_dec(raw, "max_leverage"),
        max_position_notional=_opt_dec(raw, "max_position_notional"),
        max_order_notional=_opt_dec(raw, "max_order_notional"),
        max_transfer=_opt_dec(raw, "max_transfer"),
        allowed_symbols=tuple(symbols) if symbols is not None else None,
        require_stop_loss=bool(raw.get("require_stop_loss", False)),
        allow_risk_increase=bool(raw.get("allow_risk_increase", False)),
    )


def _defaults(raw: Raw) -> Defaults:
    price_type = raw.get("price_type")
    return Defaults(
        symbol=raw.get("symbol"),
        margin=_margin(raw),
        leverage=_opt_dec(raw, "leverage"),
        price_type=PriceType(price_type) if price_type else None,
    )
