"""Market data and system reads (endpoints 1-9, 52-53; auth NONE)."""

from __future__ import annotations

from runner.exchange import endpoints as ep
from runner.exchange.client_base import ClientBase
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
from runner.exchange.retries import QueryValue


class MarketReads(ClientBase):
    def contracts(self, symbol: str | None = None) -> ContractList:
        """Usable contracts; ``.unusable`` names those missing a required field (and which)."""
        answer = self._get(ep.DETAILS, {"symbol": symbol})
        return parse_contracts(answer.data, ep.DETAILS.path)

    def depth(self, symbol: str) -> Depth:
        return parse_depth(self._get(ep.DEPTH, {"symbol": symbol}).data, ep.DEPTH.path)

    def market_trades(self, symbol: str, limit: int | None = None) -> list[PublicTrade]:
        answer = self._get(ep.MARKET_TRADE, {"symbol": symbol, "limit": limit})
        return parse_public_trades(answer.data, ep.MARKET_TRADE.path)

    def funding_rate(self, symbol: str) -> FundingRate:
        answer = self._get(ep.FUNDING_RATE, {"symbol": symbol})
        return parse_funding_rate(answer.data, ep.FUNDING_RATE.path)

    def funding_rate_history(self, symbol: str, limit: int | None = None) -> list[FundingRecord]:
        answer = self._get(ep.FUNDING_RATE_HISTORY, {"symbol": symbol, "limit": limit})
        return parse_funding_history(answer.data, ep.FUNDING_RATE_HISTORY.path)

    def klines(self, symbol: str, *, start_s: int, end_s: int, step: int = 1) -> list[Candle]:
        """Last-price candles; ``step`` in minutes, times in seconds (facts section 9)."""
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "step": step,
            "start_time": start_s,
            "end_time": end_s,
        }
        return parse_candles(self._get(ep.KLINE, params).data, ep.KLINE.path)

    def mark_price_klines(
        self, symbol: str, *, start_s: int, end_s: int, step: int = 1
    ) -> list[Candle]:
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "step": step,
            "start_time": start_s,
            "end_time": end_s,
        }
        answer = self._get(ep.MARKPRICE_KLINE, params)
        return parse_candles(answer.data, ep.MARKPRICE_KLINE.path)

    def open_interest(self, symbol: str) -> OpenInterest:
        answer = self._get(ep.OPEN_INTEREST, {"symbol": symbol})
        return parse_open_interest(answer.data, ep.OPEN_INTEREST.path)

    def leverage_brackets(self, symbol: str | None = None) -> BracketMap:
        answer = self._get(ep.LEVERAGE_BRACKET, {"symbol": symbol})
        return parse_brackets(answer.data, ep.LEVERAGE_BRACKET.path)

    def system_time_ms(self) -> int:
        return parse_server_time(self._get(ep.SYSTEM_TIME).data, ep.SYSTEM_TIME.path)

    def system_service(self) -> list[ServiceStatus]:
        return parse_service(self._get(ep.SYSTEM_SERVICE).data, ep.SYSTEM_SERVICE.path)
