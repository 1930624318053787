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
from runner.domain import OrderType, PosSide, PriceWay, TriggerKind
from runner.money import plain

DEFAULT_MAX_PRICE_MOVE = Decimal("0.5")  # percent


def _fires(kind: TriggerKind, side: PosSide, trigger: Decimal, price: Decimal) -> bool:
    """A long's take-profit fires at or above its trigger, its stop at or below (short: reverse)."""
    rises = (kind is TriggerKind.TAKE_PROFIT) == (side is PosSide.LONG)
    return price >= trigger if rises else price <= trigger


def _protection_reason(
    kind: TriggerKind, side: PosSide, protection: act.Protection, market: Market
) -> str | None:
    price = market.price(protection.source)
    if not _fires(kind, side, protection.trigger, price):
        return None
    name = "take-profit" if kind is TriggerKind.TAKE_PROFIT else "stop-loss"
    return (
        f"{name} {plain(protection.trigger)} would fire at once: the {protection.source.value} "
        f"price is {plain(price)} now"
    )


def fires_at_once(
    action: act.Action,
    markets: Mapping[str, Market],
    protects: Mapping[str, PosSide | None],
) -> str | None:
    """Why ``action`` must not be sent at these prices, or ``None``.  ``protects`` maps a TP/SL
    order id to the side of the position it protects (for a modify, which names no side)."""
    market = markets.get(getattr(action, "symbol", ""))
    if market is None:
        return None
    if isinstance(action, act.SubmitOrder) and action.opens:
        side = action.side.position
        for kind, protection in (
            (TriggerKind.TAKE_PROFIT, action.take_profit),
            (TriggerKind.STOP_LOSS, action.stop_loss),
        ):
            if protection is not None:
                reason = _protection_reason(kind, side, protection, market)
                if reason is not None:
                    return f"preset {reason}"
        return None
    if isinstance(action, act.SubmitTpSl):
        return _protection_reason(action.kind, action.side, action.protection, market)
    if isinstance(action, act.ModifyTpSl):
        protected = protects.get(action.order_id) or act.placeholder_side(action.order_id)
        if protected is None:
            return None
        return _protection_reason(action.kind, protected, action.protection, market)
    if isinstance(action, act.SubmitPlanOrder):
        price = market.price(action.source)
        rises = action.price_way is PriceWay.RISE
        reached = price >= action.trigger if rises else price <= action.trigger
        if reached:
            return (
                f"plan order trigger {plain(action.trigger)} has already been reached: the "
                f"{action.source.value} price is {plain(price)} now"
            )
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
    for symbol, then in saved.markets.items():
        now = live.markets.get(symbol)
        if now is None or then.mark <= 0:
            continue
        moved = abs(now.mark - then.mark) / then.mark * 100
        if moved > max_move_percent:
            return (
                f"the {symbol} mark price moved {plain(moved.quantize(Decimal('0.01')))}% "
                f"({plain(then.mark)} -> {plain(now.mark)}) since it was saved, more than "
                f"--max-price-move {plain(max_move_percent)}%"
            )
    for action in actions:
        reason = _relative_moved(action, live)
        if reason is not None:
            return reason
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
