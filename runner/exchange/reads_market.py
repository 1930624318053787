"""Market data and system reads (endpoints 1-9, 52-53; auth NONE)."""

from __future__ import annotations

from runner.exchange import endpoints as ep
from runner.exchange.client_base import ClientBase
from runner.exchange.endpoints import Endpoint
from runner.exchange.market import (
    BracketMap,
    Candle,
    ContractList,
    Depth,
    FundingRate,
    FundingRecord,
    OpenInterest,
    PublicTrade,
    ServiceStatus,
    parse_brackets,
    parse_candles,
    parse_contracts,
    parse_depth,
    parse_funding_history,
    parse_funding_rate,
    parse_open_interest,
    parse_public_trades,
    parse_server_time,
    parse_service,
)


class MarketReads(ClientBase):
    def contracts(self, symbol: str | None = None) -> ContractList:
        """Usable contracts; ``.unusable`` names those missing a required field (and which)."""
        return self._read(ep.DETAILS, parse_contracts, symbol=symbol)

    def depth(self, symbol: str) -> Depth:
        return self._read(ep.DEPTH, parse_depth, symbol=symbol)

    def market_trades(self, symbol: str, limit: int | None = None) -> list[PublicTrade]:
        return self._read(ep.MARKET_TRADE, parse_public_trades, symbol=symbol, limit=limit)

    def funding_rate(self, symbol: str) -> FundingRate:
        return self._read(ep.FUNDING_RATE, parse_funding_rate, symbol=symbol)

    def funding_rate_history(self, symbol: str, limit: int | None = None) -> list[FundingRecord]:
        return self._read(
            ep.FUNDING_RATE_HISTORY, parse_funding_history, symbol=symbol, limit=limit
        )

    def klines(self, symbol: str, *, start_s: int, end_s: int, step: int = 1) -> list[Candle]:
        """Last-price candles; ``step`` in minutes, times in seconds (facts section 9)."""
        return self._candles(ep.KLINE, symbol, start_s, end_s, step)

    def mark_price_klines(
        self, symbol: str, *, start_s: int, end_s: int, step: int = 1
    ) -> list[Candle]:
        return self._candles(ep.MARKPRICE_KLINE, symbol, start_s, end_s, step)

    def _candles(
        self, endpoint: Endpoint, symbol: str, start_s: int, end_s: int, step: int
    ) -> list[Candle]:
        return self._read(
            endpoint, parse_candles, symbol=symbol, step=step, start_time=start_s, end_time=end_s
        )

    def open_interest(self, symbol: str) -> OpenInterest:
        return self._read(ep.OPEN_INTEREST, parse_open_interest, symbol=symbol)

    def leverage_brackets(self, symbol: str | None = None) -> BracketMap:
        return self._read(ep.LEVERAGE_BRACKET, parse_brackets, symbol=symbol)

    def system_time_ms(self) -> int:
        return self._read(ep.SYSTEM_TIME, parse_server_time)

    def system_service(self) -> list[ServiceStatus]:
        return self._read(ep.SYSTEM_SERVICE, parse_service)
