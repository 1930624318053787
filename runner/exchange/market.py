"""Market data and system models (endpoints 1-9, 52-53) and their parsers.

Wire names stay here: ``price_precision`` becomes ``tick``, ``vol_precision`` becomes ``step``,
``initial_leverage`` becomes ``max_leverage``.  Every time is in milliseconds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.exchange.errors import ProtocolError
from runner.exchange.fields import Fields, rows
from runner.values import value


class ContractList(list["Contract"]):
    """The usable contracts of a details reply, and why the others could not be read.

    One odd row never hides the others (issue 16): a contract missing a required field is left
    out and kept in ``unusable`` (symbol -> the error naming the endpoint and field), so only a
    plan that uses that symbol fails.
    """

    def __init__(self, contracts: list[Contract], unusable: dict[str, ProtocolError]) -> None:
        super().__init__(contracts)
        self.unusable = unusable


class BracketMap(dict[str, list["LeverageBracket"]]):
    """Leverage brackets per symbol, and the symbols whose rule could not be read."""

    def __init__(
        self, brackets: dict[str, list[LeverageBracket]], unusable: dict[str, ProtocolError]
    ) -> None:
        super().__init__(brackets)
        self.unusable = unusable


def _row_name(raw: object, index: int) -> str:
    """The row's symbol if it has a readable one, else its position in the list."""
    if isinstance(raw, dict) and isinstance(raw.get("symbol"), str) and raw["symbol"]:
        return str(raw["symbol"])
    return f"#{index}"


@value
class Contract:
    symbol: str
    contract_size: Decimal
    tick: Decimal  # price_precision
    step: Decimal  # vol_precision, in contracts
    min_volume: Decimal
    max_volume: Decimal  # limit orders
    market_max_volume: Decimal | None  # market orders; absent in 2023 replies
    min_leverage: Decimal
    max_leverage: Decimal
    last_price: Decimal
    index_price: Decimal | None
    status: str | None  # "Trading" | "Delisted"; absent in 2023 replies (unknown)
    product_type: int | None = None  # 1 perpetual, 2 dated
    base_currency: str | None = None
    quote_currency: str | None = None
    funding_rate: Decimal | None = None
    expected_funding_rate: Decimal | None = None
    funding_interval_hours: int | None = None
    funding_time_ms: int | None = None
    open_interest: Decimal | None = None
    volume_24h: Decimal | None = None
    delist_time_ms: int | None = None  # the wire sends seconds (facts section 9)


def parse_contract(raw: object, endpoint: str) -> Contract:
    f = Fields(raw, endpoint, "contract")
    delist_s = f.opt_integer("delist_time")
    return Contract(
        symbol=f.text("symbol"),
        contract_size=f.decimal("contract_size"),
        tick=f.decimal("price_precision"),
        step=f.decimal("vol_precision"),
        min_volume=f.decimal("min_volume"),
        max_volume=f.decimal("max_volume"),
        market_max_volume=f.opt_decimal("market_max_volume"),
        min_leverage=f.decimal("min_leverage"),
        max_leverage=f.decimal("max_leverage"),
        last_price=f.decimal("last_price"),
        index_price=f.opt_decimal("index_price"),
        status=f.opt_text("status"),
        product_type=f.opt_integer("product_type"),
        base_currency=f.opt_text("base_currency"),
        quote_currency=f.opt_text("quote_currency"),
        funding_rate=f.opt_decimal("funding_rate"),
        expected_funding_rate=f.opt_decimal("expected_funding_rate"),
        funding_interval_hours=f.opt_integer("funding_interval_hours"),
        funding_time_ms=f.opt_millis("funding_time"),
        open_interest=f.opt_decimal("open_interest"),
        volume_24h=f.opt_decimal("volume_24h"),
        delist_time_ms=delist_s * 1000 if delist_s else None,
    )


def parse_contracts(data: object, endpoint: str) -> ContractList:
    contracts: list[Contract] = []
    unusable: dict[str, ProtocolError] = {}
    for index, raw in enumerate(Fields(data, endpoint, "data").rows("symbols")):
        try:
            contracts.append(parse_contract(raw, endpoint))
        except ProtocolError as exc:
            name = _row_name(raw, index)
            unusable[name] = ProtocolError(endpoint, f"contract {name}: {exc.detail}")
    return ContractList(contracts, unusable)


@value
class LeverageBracket:
    bracket: int
    max_leverage: Decimal  # initial_leverage: the most this tier allows
    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal


def _bracket_rule(rule: object, endpoint: str) -> tuple[str, list[LeverageBracket]]:
    r = Fields(rule, endpoint, "rule")
    brackets = []
    for raw in r.rows("brackets"):
        b = Fields(raw, endpoint, "bracket")
        brackets.append(
            LeverageBracket(
                bracket=b.integer("bracket"),
                max_leverage=b.decimal("initial_leverage"),
                notional_floor=b.decimal("notional_floor"),
                notional_cap=b.decimal("notional_cap"),
                maint_margin_ratio=b.decimal("maint_margin_ratio"),
                cum=b.decimal("cum"),
            )
        )
    return r.text("symbol"), brackets


def parse_brackets(data: object, endpoint: str) -> BracketMap:
    result: dict[str, list[LeverageBracket]] = {}
    unusable: dict[str, ProtocolError] = {}
    for index, rule in enumerate(Fields(data, endpoint, "data").rows("rules")):
        try:
            symbol, brackets = _bracket_rule(rule, endpoint)
        except ProtocolError as exc:
            name = _row_name(rule, index)
            unusable[name] = ProtocolError(endpoint, f"brackets of {name}: {exc.detail}")
            continue
        result[symbol] = brackets
    return BracketMap(result, unusable)


@value
class DepthLevel:
    price: Decimal
    size: Decimal  # contracts
    total: Decimal  # cumulative size from the best price


@value
class Depth:
    symbol: str
    asks: tuple[DepthLevel, ...]  # ascending price
    bids: tuple[DepthLevel, ...]  # descending price
    time_ms: int


def _levels(f: Fields, name: str) -> tuple[DepthLevel, ...]:
    levels = []
    for raw in f.rows(name):
        if not isinstance(raw, list) or len(raw) < 3:
            raise ProtocolError(f.endpoint, f"field {name!r} should hold [price, qty, total]")
        level = Fields(dict(zip(("price", "size", "total"), raw, strict=False)), f.endpoint)
        levels.append(
            DepthLevel(level.decimal("price"), level.decimal("size"), level.decimal("total"))
        )
    return tuple(levels)


def parse_depth(data: object, endpoint: str) -> Depth:
    f = Fields(data, endpoint, "data")
    return Depth(f.text("symbol"), _levels(f, "asks"), _levels(f, "bids"), f.millis("timestamp"))


@value
class PublicTrade:
    symbol: str
    price: Decimal
    qty: Decimal  # base currency (facts 8.1), not contracts
    quote_qty: Decimal
    time_ms: int  # the wire sends seconds
    is_buyer_maker: bool


def parse_public_trades(data: object, endpoint: str) -> list[PublicTrade]:
    trades = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "trade")
        trades.append(
            PublicTrade(
                symbol=f.text("symbol"),
                price=f.decimal("price"),
                qty=f.decimal("qty"),
                quote_qty=f.decimal("quote_qty"),
                time_ms=f.seconds_as_ms("time"),
                is_buyer_maker=f.flag("is_buyer_maker"),
            )
        )
    return trades


@value
class FundingRate:
    symbol: str
    previous_rate: Decimal  # rate_value: the just-settled period (facts 16 #4)
    expected_rate: Decimal
    funding_time_ms: int
    upper_limit: Decimal | None
    lower_limit: Decimal | None
    time_ms: int


def parse_funding_rate(data: object, endpoint: str) -> FundingRate:
    f = Fields(data, endpoint, "data")
    return FundingRate(
        symbol=f.text("symbol"),
        previous_rate=f.decimal("rate_value"),
        expected_rate=f.decimal("expected_rate"),
        funding_time_ms=f.millis("funding_time"),
        upper_limit=f.opt_decimal("funding_upper_limit"),
        lower_limit=f.opt_decimal("funding_lower_limit"),
        time_ms=f.millis("timestamp"),
    )


@value
class FundingRecord:
    symbol: str
    rate: Decimal
    time_ms: int  # a string of ms on the wire


def parse_funding_history(data: object, endpoint: str) -> list[FundingRecord]:
    records = []
    for raw in Fields(data, endpoint, "data").rows("list"):
        f = Fields(raw, endpoint, "record")
        records.append(
            FundingRecord(f.text("symbol"), f.decimal("funding_rate"), f.millis("funding_time"))
        )
    return records


@value
class Candle:
    time_ms: int  # candle open; seconds on the wire
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


def parse_candles(data: object, endpoint: str) -> list[Candle]:
    candles = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "candle")
        candles.append(
            Candle(
                time_ms=f.seconds_as_ms("timestamp"),
                open=f.decimal("open_price"),
                high=f.decimal("high_price"),
                low=f.decimal("low_price"),
                close=f.decimal("close_price"),
                volume=f.decimal("volume"),
            )
        )
    return candles


@value
class OpenInterest:
    symbol: str
    open_interest: Decimal  # contracts
    value: Decimal  # USDT
    time_ms: int


def parse_open_interest(data: object, endpoint: str) -> OpenInterest:
    f = Fields(data, endpoint, "data")
    return OpenInterest(
        f.text("symbol"),
        f.decimal("open_interest"),
        f.decimal("open_interest_value"),
        f.millis("timestamp"),
    )


@value
class ServiceStatus:
    title: str
    service_type: str  # spot | contract | account
    status: int  # 0 waiting, 1 in maintenance, 2 completed
    start_ms: int
    end_ms: int


def parse_service(data: object, endpoint: str) -> list[ServiceStatus]:
    services = []
    for raw in Fields(data, endpoint, "data").rows("service"):
        f = Fields(raw, endpoint, "service")
        services.append(
            ServiceStatus(
                title=f.text("title"),
                service_type=f.text("service_type"),
                status=f.integer("status"),
                start_ms=f.millis("start_time"),
                end_ms=f.millis("end_time"),
            )
        )
    return services


def parse_server_time(data: Any, endpoint: str) -> int:
    return Fields(data, endpoint, "data").millis("server_time")
