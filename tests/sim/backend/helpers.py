"""Driving the backend directly (no HTTP): requests as the server side hands them over."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from runner.sim.backend import Exchange, SimError

T0 = 1_700_000_000_000  # a fixed "now" (ms); tests advance it explicitly
BTC, ETH, SOL = "BTCUSDT", "ETHUSDT", "SOLUSDT"
P = "/contract/private/"


def new(futures: str = "10000", **kwargs: Any) -> Exchange:
    return Exchange.new(futures=Decimal(futures), now_ms=T0, **kwargs)


def post(ex: Exchange, path: str, now_ms: int = T0, **params: Any) -> Any:
    return ex.dispatch("POST", path if path.startswith("/") else P + path, params, now_ms)


def get(ex: Exchange, path: str, now_ms: int = T0, **params: Any) -> Any:
    """GET parameters arrive as query strings."""
    query = {k: str(v) for k, v in params.items()}
    return ex.dispatch("GET", path if path.startswith("/") else P + path, query, now_ms)


def rejected(code: int, ex: Exchange, method: str, path: str, **params: Any) -> SimError:
    call = post if method == "POST" else get
    with pytest.raises(SimError) as info:
        call(ex, path, **params)
    assert info.value.code == code, info.value.message
    return info.value


def market(ex: Exchange, side: int, size: int, symbol: str = BTC, **extra: Any) -> Any:
    opening = {"leverage": "10", "open_type": "isolated"} if side in (1, 4) else {}
    return post(
        ex,
        "submit-order",
        symbol=symbol,
        side=side,
        type="market",
        size=size,
        **{**opening, **extra},
    )


def limit(ex: Exchange, side: int, size: int, price: str, symbol: str = BTC, **extra: Any) -> Any:
    opening = {"leverage": "10", "open_type": "isolated"} if side in (1, 4) else {}
    return post(
        ex,
        "submit-order",
        symbol=symbol,
        side=side,
        type="limit",
        size=size,
        price=price,
        **{**opening, **extra},
    )


def usdt(ex: Exchange) -> dict[str, Decimal]:
    row = get(ex, "assets-detail")[0]
    return {k: Decimal(v) for k, v in row.items() if k != "currency"}


def position(ex: Exchange, side: str = "long", symbol: str = BTC) -> dict[str, Any]:
    rows = get(ex, "position-v2", symbol=symbol)
    return next(r for r in rows if r["position_side"] == side)


def order(ex: Exchange, order_id: object, symbol: str = BTC) -> dict[str, Any]:
    return get(ex, "order", symbol=symbol, order_id=order_id)


def waiting(ex: Exchange, symbol: str = BTC) -> list[dict[str, Any]]:
    return get(ex, "current-plan-order", symbol=symbol)


def move(
    ex: Exchange, last: str, mark: str | None = None, symbol: str = BTC, now_ms: int = T0
) -> None:
    ex.set_price(symbol, Decimal(last), None if mark is None else Decimal(mark), now_ms)


def book(
    ex: Exchange,
    bids: list[tuple[str, int]] | None,
    asks: list[tuple[str, int]] | None,
    symbol: str = BTC,
    now_ms: int = T0,
) -> Any:
    """``POST /sim/book`` on the backend: levels as (price, size); both None removes the book."""

    def levels(raw: list[tuple[str, int]] | None) -> list[tuple[Decimal, int]] | None:
        return None if raw is None else [(Decimal(p), s) for p, s in raw]

    return ex.set_book(symbol, levels(bids), levels(asks), now_ms)


def trades(ex: Exchange, order_id: object, symbol: str = BTC) -> list[dict[str, Any]]:
    """The fills of one order, oldest first."""
    rows = get(ex, "trades", symbol=symbol, order_id=order_id)
    return list(reversed(rows))


def advance(ex: Exchange, ms: int, now_ms: int = T0) -> dict[str, Any]:
    """``POST /sim/clock {"advance_ms"}`` on the backend."""
    return ex.advance_clock(ms, now_ms)
