"""Public market data (#1-#9) and system endpoints (#52, #53).

Prices, funding rates and settlements, and a book set by ``POST /sim/book`` come from the
backend's state; the rest (volumes, the depth of a symbol without a book, public trades, candles,
funding history before the account's own settlements) is plausible filler generated
deterministically from the seed, the symbol and the time asked about, so the same request against
the same state always gets the same answer.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from runner.sim.backend import depth as books
from runner.sim.backend import funding
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import FUNDING_INTERVAL_HOURS, LISTED_MS, MARKETS, ContractSpec
from runner.sim.backend.numbers import money, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import Book

DEPTH_LEVELS = 20
KLINE_STEPS = (1, 3, 5, 15, 30, 60, 120, 240, 360, 720, 1440, 4320, 10080)
MAX_CANDLES = 500


def _rng(book: Book, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs and processes.
    return random.Random(":".join(str(p) for p in (book.seed, *parts)))  # noqa: S311


def _open_interest(book: Book, spec: ContractSpec) -> int:
    ours = sum(p.size for p in book.positions.values() if p.symbol == spec.symbol)
    return _rng(book, spec.symbol, "oi").randint(1_000_000, 9_000_000) + ours


def contract_row(book: Book, spec: ContractSpec, now_ms: int) -> dict[str, Any]:
    prices = book.prices[spec.symbol]
    volume = _rng(book, spec.symbol, "volume").randint(10_000_000, 90_000_000)
    interest = _open_interest(book, spec)
    unit = spec.contract_size * prices.last
    return {
        "symbol": spec.symbol,
        "product_type": 1,
        "open_timestamp": LISTED_MS,
        "expire_timestamp": 0,
        "settle_timestamp": 0,
        "base_currency": spec.base,
        "quote_currency": "USDT",
        "last_price": wire(prices.last),
        "volume_24h": str(volume),
        "turnover_24h": wire(money(volume * unit)),
        "index_price": wire(prices.mark),
        "index_name": spec.symbol,
        "contract_size": wire(spec.contract_size),
        "min_leverage": str(spec.min_leverage),
        "max_leverage": str(spec.max_leverage),
        "price_precision": wire(spec.tick),
        "vol_precision": str(spec.vol_step),
        "max_volume": str(spec.max_volume),
        "market_max_volume": str(spec.market_max_volume),
        "min_volume": str(spec.min_volume),
        "funding_rate": wire(funding.rate(book, spec.symbol)),
        "expected_funding_rate": wire(funding.rate(book, spec.symbol)),
        "open_interest": str(interest),
        "open_interest_value": wire(money(interest * unit)),
        "high_24h": wire(prices.last),
        "low_24h": wire(prices.last),
        "change_24h": "0",
        "funding_interval_hours": FUNDING_INTERVAL_HOURS,
        "funding_time": funding.next_time_ms(now_ms),
        "status": "Trading",
        "delist_time": 0,
    }


def details(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.optional_spec()
    specs = [spec] if spec is not None else list(MARKETS.values())
    return {"symbols": [contract_row(book, s, now_ms) for s in specs]}


def depth(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.spec()
    book_of_symbol = book.depth.get(spec.symbol)
    if book_of_symbol is not None:
        return {
            "asks": books.wire_rows(book_of_symbol.asks),
            "bids": books.wire_rows(book_of_symbol.bids),
            "symbol": spec.symbol,
            "timestamp": now_ms,
        }
    last = book.prices[spec.symbol].last
    rng = _rng(book, spec.symbol, "depth", last)

    def side(sign: int) -> list[list[str]]:
        levels, total = [], 0
        for level in range(1, DEPTH_LEVELS + 1):
            qty = rng.randint(1, 500)
            total += qty
            price = last + sign * level * spec.tick
            levels.append([wire(price), str(qty), str(total)])
        return levels

    return {"asks": side(1), "bids": side(-1), "symbol": spec.symbol, "timestamp": now_ms}


def market_trades(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    spec = params.spec()
    limit = min(max(params.integer("limit", default=50) or 50, 1), 100)
    last = book.prices[spec.symbol].last
    rng = _rng(book, spec.symbol, "trades", now_ms // 1000)
    rows = []
    for index in range(limit):
        qty = rng.randint(1, 200) * spec.contract_size
        rows.append(
            {
                "symbol": spec.symbol,
                "price": wire(last),
                "qty": wire(qty),
                "quote_qty": wire(money(qty * last)),
                "time": now_ms // 1000 - index,
                "is_buyer_maker": rng.random() < 0.5,
            }
        )
    return rows


def funding_rate(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.spec()
    return {
        "symbol": spec.symbol,
        "rate_value": wire(funding.previous_rate(book, spec.symbol)),
        "expected_rate": wire(funding.rate(book, spec.symbol)),
        "funding_time": funding.next_time_ms(now_ms),
        "funding_upper_limit": wire(funding.RATE_CAP),
        "funding_lower_limit": wire(-funding.RATE_CAP),
        "timestamp": now_ms,
    }


def funding_history(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.spec()
    limit = min(max(params.integer("limit", default=100) or 100, 1), 100)
    settled = {f.time_ms: f.rate for f in funding.settled(book, spec.symbol)}
    latest = funding.next_time_ms(now_ms) - funding.INTERVAL_MS
    rows = []
    for index in range(limit):
        when = latest - index * funding.INTERVAL_MS
        rate = settled.get(when)
        if rate is None:
            rate = Decimal(_rng(book, spec.symbol, "funding", when).randint(-50, 150)) / 1_000_000
        rows.append({"symbol": spec.symbol, "funding_rate": wire(rate), "funding_time": str(when)})
    return {"list": rows}


def klines(book: Book, params: Params, now_ms: int, *, mark: bool) -> list[dict[str, Any]]:
    spec = params.spec()
    step = params.integer("step", default=1)
    if step not in KLINE_STEPS:
        raise reject(40038)
    start = params.integer("start_time", code=40039)
    end = params.integer("end_time", code=40039)
    if start is None or end is None or end < start:
        raise reject(40039)
    width = step * 60
    end = min(end, now_ms // 1000)
    first = max(start - start % width, end - end % width - (MAX_CANDLES - 1) * width)
    prices = book.prices[spec.symbol]
    anchor = prices.mark if mark else prices.last
    rows = []
    for opened in range(first, end + 1, width):
        rows.append(_candle(book, spec, anchor, opened, mark))
    return rows


def _candle(
    book: Book, spec: ContractSpec, anchor: Decimal, opened: int, mark: bool
) -> dict[str, Any]:
    rng = _rng(book, spec.symbol, "mark" if mark else "last", opened)

    def near(spread: int) -> Decimal:
        move = Decimal(rng.randint(-spread, spread)) / 10_000
        return (anchor * (1 + move)).quantize(spec.tick)

    open_, close = near(50), near(50)
    high = max(open_, close, near(80))
    low = min(open_, close, near(80))
    return {
        "timestamp": opened,
        "open_price": wire(open_),
        "high_price": wire(high),
        "low_price": wire(low),
        "close_price": wire(close),
        "volume": "0" if mark else str(rng.randint(1_000, 900_000)),
    }


def open_interest(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.spec()
    interest = _open_interest(book, spec)
    value = interest * spec.contract_size * book.prices[spec.symbol].last
    return {
        "timestamp": now_ms,
        "symbol": spec.symbol,
        "open_interest": str(interest),
        "open_interest_value": wire(money(value)),
    }


def leverage_brackets(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    spec = params.optional_spec()
    specs = [spec] if spec is not None else list(MARKETS.values())
    rules = []
    for item in specs:
        brackets = [
            {
                "bracket": b.tier,
                "initial_leverage": b.max_leverage,
                "notional_floor": wire(b.floor),
                "notional_cap": wire(b.cap),
                "maint_margin_ratio": wire(b.mmr),
                "cum": wire(b.cum),
            }
            for b in item.brackets
        ]
        rules.append({"symbol": item.symbol, "brackets": brackets})
    return {"rules": rules}


def system_time(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    return {"server_time": now_ms}


def spot_symbols(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """Spot trading pairs: none (the simulator trades contracts; spot is a wallet only)."""
    return {"symbols": []}


def currencies(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """Deposit/withdrawal currencies: none (the simulator moves money only by transfers)."""
    return {"currencies": []}


def system_service(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """No maintenance: every service's last window is completed (status "2", as in D)."""
    return {
        "service": [
            {
                "title": f"{kind.capitalize()} API maintenance",
                "service_type": kind,
                "status": "2",
                "start_time": book.created_ms,
                "end_time": book.created_ms,
            }
            for kind in ("spot", "contract", "account")
        ]
    }
