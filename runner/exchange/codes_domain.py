"""BitMart's numeric codes for the domain's closed sets, in both directions (facts 7.1-7.6).

The only place that knows that ``side: 3`` closes a long: the rest of the runner speaks in
``OrderSide``, ``PriceSource``, ``TimeInForce``, ``PriceWay`` and ``TpSlScope``.
"""

from __future__ import annotations

from runner.domain import OrderSide, PriceSource, PriceWay, TimeInForce, TpSlScope, TriggerKind
from runner.exchange.errors import ProtocolError

SIDE_CODE: dict[OrderSide, int] = {
    OrderSide.OPEN_LONG: 1,
    OrderSide.CLOSE_SHORT: 2,
    OrderSide.CLOSE_LONG: 3,
    OrderSide.OPEN_SHORT: 4,
}
TIF_CODE: dict[TimeInForce, int] = {
    TimeInForce.GTC: 1,
    TimeInForce.FOK: 2,
    TimeInForce.IOC: 3,
    TimeInForce.MAKER_ONLY: 4,
}
PRICE_TYPE_CODE: dict[PriceSource, int] = {PriceSource.LAST: 1, PriceSource.MARK: 2}
PRICE_WAY_CODE: dict[PriceWay, int] = {PriceWay.RISE: 1, PriceWay.FALL: 2}
TP_SL_TYPE: dict[TriggerKind, str] = {
    TriggerKind.TAKE_PROFIT: "take_profit",
    TriggerKind.STOP_LOSS: "stop_loss",
}
SCOPE_CODE: dict[TpSlScope, int] = {TpSlScope.PARTIAL: 1, TpSlScope.POSITION: 2}

_SIDES = {code: side for side, code in SIDE_CODE.items()}
_WAYS = {code: way for way, code in PRICE_WAY_CODE.items()}
_SCOPES = {code: scope for scope, code in SCOPE_CODE.items()}


def order_side(code: int, endpoint: str = "an order read") -> OrderSide:
    """``side`` 1-4 of an order read from the exchange; anything else is a protocol error."""
    try:
        return _SIDES[int(code)]
    except (KeyError, ValueError):
        raise ProtocolError(endpoint, f"order side {code!r} is not one of 1-4") from None


def price_source(code: int | None) -> PriceSource:
    """``price_type``: 2 is the mark price; 1 (and an absent value) the last price."""
    return PriceSource.MARK if code is not None and int(code) == 2 else PriceSource.LAST


def price_way(code: int | None) -> PriceWay | None:
    return None if code is None else _WAYS.get(int(code))


def tp_sl_scope(code: int | None) -> TpSlScope | None:
    return None if code is None else _SCOPES.get(int(code))
