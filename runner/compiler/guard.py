"""Last checks on an action against the prices just read (issue 14, "stale means stale").

Pure functions: the executor calls ``fires_at_once`` before each write so no run can open a
position and stop itself out (a saved plan made at another price, a fill far from the estimate);
``saved_prices_moved`` tells whether a saved plan's prices are still the ones it was made with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from runner.compiler import actions as act
from runner.compiler import estimates as est
from runner.compiler.snapshot import ContractSpec, Market, Snapshot
from runner.domain import OrderType, PosSide, PriceSource, PriceWay, TriggerKind
from runner.money import plain
from runner.values import value

DEFAULT_MAX_PRICE_MOVE = Decimal("0.5")  # percent


def _fires(kind: TriggerKind, side: PosSide, trigger: Decimal, price: Decimal) -> bool:
    """A long's take-profit fires at or above its trigger, its stop at or below (short: reverse)."""
    rises = (kind is TriggerKind.TAKE_PROFIT) == (side is PosSide.LONG)
    return price >= trigger if rises else price <= trigger


@value
class Resting:
    """An order already on the book that a modification changes: the side of the position it
    opens or closes, the price it fills at (a limit's price, a plan order's executive price or
    trigger) and, for a plan order, the way its trigger is crossed."""

    side: PosSide
    entry: Decimal
    way: PriceWay | None = None


def resting_of(snapshot: Snapshot) -> dict[str, Resting]:
    """Order id -> what the guard needs to judge a modification of it."""
    found = {
        o.order_id: Resting(o.side.position, o.price)
        for o in snapshot.open_orders
        if o.order_type == "limit"
    }
    for t in snapshot.trigger_orders:
        if t.kind is TriggerKind.PLAN:
            entry = t.executive_price if t.executive_price > 0 else t.trigger
            found[t.order_id] = Resting(t.side.position, entry, t.price_way)
    return found


def _reason(
    name: str, kind: TriggerKind, side: PosSide, trigger: Decimal, price: Decimal, where: str
) -> str | None:
    if not _fires(kind, side, trigger, price):
        return None
    label = "take-profit" if kind is TriggerKind.TAKE_PROFIT else "stop-loss"
    return f"{name}{label} {plain(trigger)} would fire at once: {where} {plain(price)}"


def _protection_reason(
    kind: TriggerKind, side: PosSide, protection: act.Protection, market: Market
) -> str | None:
    price = market.price(protection.source)
    where = f"the {protection.source.value} price is"
    reason = _reason("", kind, side, protection.trigger, price, where)
    return None if reason is None else f"{reason} now"


def _fill_price(side: PosSide, limit: Decimal, market: Market) -> Decimal:
    """Where a limit entry fills: at its price if it rests, at the market if it crosses it."""
    return min(limit, market.last) if side is PosSide.LONG else max(limit, market.last)


def _presets(
    side: PosSide,
    take_profit: Decimal | None,
    stop_loss: Decimal | None,
    entry: Decimal,
    what: str,
) -> str | None:
    """Presets judged at the price the order fills at (``entry``): a long's stop at or above
    it, or its take-profit at or below it, would fire as soon as it fills."""
    for kind, trigger in (
        (TriggerKind.TAKE_PROFIT, take_profit),
        (TriggerKind.STOP_LOSS, stop_loss),
    ):
        if trigger is not None:
            reason = _reason("preset ", kind, side, trigger, entry, f"{what} fills at")
            if reason is not None:
                return reason
    return None


def _trigger_reached(
    symbol: str, trigger: Decimal, way: PriceWay, source: PriceSource, market: Market
) -> str | None:
    price = market.price(source)
    reached = price >= trigger if way is PriceWay.RISE else price <= trigger
    if not reached:
        return None
    return (
        f"plan order trigger {plain(trigger)} has already been reached: the {source.value} "
        f"price is {plain(price)} now"
    )


def fires_at_once(
    action: act.Action,
    markets: Mapping[str, Market],
    protects: Mapping[str, PosSide | None],
    resting: Mapping[str, Resting] | None = None,
) -> str | None:
    """Why ``action`` must not be sent at these prices, or ``None``.  ``protects`` maps a TP/SL
    order id to the side of the position it protects (for a modify, which names no side);
    ``resting`` the orders a modification may change (``resting_of``).  A trailing stop whose
    activation price is already crossed is not refused: it starts trailing from the current
    price and fires only after the callback."""
    market = markets.get(getattr(action, "symbol", ""))
    if market is None:
        return None
    held = (resting or {}).get(getattr(action, "order_id", ""))
    if isinstance(action, act.SubmitOrder) and action.opens:
        side = action.side.position
        if action.order_type is OrderType.LIMIT and action.price is not None:
            fill = _fill_price(side, action.price, market)
            tp = action.take_profit.trigger if action.take_profit else None
            sl = action.stop_loss.trigger if action.stop_loss else None
            return _presets(side, tp, sl, fill, "the limit entry")
        for kind, protection in (
            (TriggerKind.TAKE_PROFIT, action.take_profit),
            (TriggerKind.STOP_LOSS, action.stop_loss),
        ):
            if protection is not None:
                reason = _protection_reason(kind, side, protection, market)
                if reason is not None:
                    return f"preset {reason}"
        return None
    if isinstance(action, act.SubmitTpSl):  # tp_sl steps, position TP/SL, ladder levels
        return _protection_reason(action.kind, action.side, action.protection, market)
    if isinstance(action, act.ModifyTpSl):
        protected = protects.get(action.order_id) or act.placeholder_side(action.order_id)
        if protected is None:
            return None
        return _protection_reason(action.kind, protected, action.protection, market)
    if isinstance(action, act.SubmitPlanOrder):
        reached = _trigger_reached(
            action.symbol, action.trigger, action.price_way, action.source, market
        )
        if reached is not None or not action.side.opens:
            return reached
        entry = action.executive_price or action.trigger
        return _presets(
            action.side.position, action.take_profit, action.stop_loss, entry, "the plan order"
        )
    if isinstance(action, act.ModifyPlanOrder) and held is not None and held.way is not None:
        return _trigger_reached(action.symbol, action.trigger, held.way, action.source, market)
    if isinstance(action, act.ModifyPreset) and held is not None:
        fill = held.entry if action.on_plan_order else _fill_price(held.side, held.entry, market)
        tp = action.take_profit.trigger if action.take_profit else None
        sl = action.stop_loss.trigger if action.stop_loss else None
        what = "the plan order" if action.on_plan_order else "the limit entry"
        return _presets(held.side, tp, sl, fill, what)
    return None


def saved_prices_moved(
    saved: Snapshot,
    live: Snapshot,
    actions: Sequence[act.Action],
    max_move_percent: Decimal = DEFAULT_MAX_PRICE_MOVE,
) -> str | None:
    """Why a saved plan's prices no longer hold, or ``None``: a mark price that moved more than
    ``max_move_percent`` either way since it was saved, or a relative trigger that would now
    resolve to another tick (it was resolved against the price of the moment)."""
    moved = marks_moved(saved, live, max_move_percent, since="since it was saved")
    if moved is not None:
        return moved
    for action in actions:
        reason = _relative_moved(action, live)
        if reason is not None:
            return reason
    return None


def marks_moved(
    then: Snapshot, now: Snapshot, max_move_percent: Decimal, *, since: str
) -> str | None:
    """A mark price that moved more than ``max_move_percent`` either way between two reads."""
    for symbol, before in then.markets.items():
        after = now.markets.get(symbol)
        if after is None or before.mark <= 0:
            continue
        moved = abs(after.mark - before.mark) / before.mark * 100
        if moved > max_move_percent:
            return (
                f"the {symbol} mark price moved {plain(moved.quantize(Decimal('0.01')))}% "
                f"({plain(before.mark)} -> {plain(after.mark)}) {since}, more than "
                f"--max-price-move {plain(max_move_percent)}%"
            )
    return None


def _relative_moved(action: act.Action, live: Snapshot) -> str | None:
    if not isinstance(action, act.SubmitOrder) or action.order_type is not OrderType.MARKET:
        return None
    spec: ContractSpec | None = live.specs.get(action.symbol)
    market = live.markets.get(action.symbol)
    if spec is None or market is None:
        return None
    for name, protection in (("take-profit", action.take_profit), ("stop-loss", action.stop_loss)):
        if protection is None or protection.percent is None:
            continue
        raw = market.last * (1 + protection.percent / 100)
        now = est.to_tick(raw, spec.tick, up=raw < market.last)
        if now != protection.trigger:
            return (
                f"the {action.symbol} {name} {plain(protection.percent)}% would now resolve to "
                f"{plain(now)}, not the saved {plain(protection.trigger)}"
            )
    return None
