"""Account, order and fill reads (endpoints 10-16, 33-37 and the spot wallet; auth KEYED)."""

from __future__ import annotations

from typing import TypedDict, Unpack

from runner.exchange import endpoints as ep
from runner.exchange.account import (
    Asset,
    FeeRate,
    LedgerEntry,
    PositionRisk,
    PositionV1,
    PositionV2,
    parse_assets,
    parse_fee_rate,
    parse_ledger,
    parse_position_risk,
    parse_positions_v1,
    parse_positions_v2,
)
from runner.exchange.client_base import ClientBase
from runner.exchange.fields import Fields
from runner.exchange.orders import (
    Order,
    PlanOrder,
    Trade,
    parse_order,
    parse_orders,
    parse_plan_orders,
    parse_trades,
)
from runner.exchange.retries import QueryValue
from runner.exchange.transfers import WalletBalance, parse_wallet


class AccountReads(ClientBase):
    def assets(self) -> list[Asset]:
        return self._read(ep.ASSETS_DETAIL, parse_assets)

    def fee_rate(self, symbol: str) -> FeeRate:
        return self._read(ep.TRADE_FEE_RATE, parse_fee_rate, symbol=symbol)

    def fee_reads_free(self) -> int:
        """How many fee-rate reads would go out now without waiting on that endpoint's limit
        (2 per 2 s): ``take_snapshot`` does not wait for rates that only estimates use."""
        return self._transport.free_now(ep.TRADE_FEE_RATE)

    def positions_v1(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionV1]:
        return self._read(ep.POSITION, parse_positions_v1, symbol=symbol, account=account)

    def positions_v2(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionV2]:
        """With a symbol: rows even when flat (settings); without: only held positions."""
        return self._read(ep.POSITION_V2, parse_positions_v2, symbol=symbol, account=account)

    def position_risk(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionRisk]:
        return self._read(ep.POSITION_RISK, parse_position_risk, symbol=symbol, account=account)

    def position_mode(self) -> str:
        """``"hedge_mode"`` or ``"one_way_mode"``."""
        return self._read(ep.GET_POSITION_MODE, _position_mode)

    def transaction_history(
        self,
        symbol: str | None = None,
        *,
        flow_type: int | None = None,
        account: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        page_size: int | None = None,
    ) -> list[LedgerEntry]:
        """The ledger; times in milliseconds on this endpoint (facts section 9)."""
        # flow_type 0 is meaningful ("all"): kept, only None is dropped
        return self._read(
            ep.TRANSACTION_HISTORY,
            parse_ledger,
            symbol=symbol,
            flow_type=flow_type,
            account=account,
            start_time=start_ms,
            end_time=end_ms,
            page_size=page_size,
        )

    def spot_wallet(self, currency: str | None = "USDT") -> list[WalletBalance]:
        """Spot balances (spot host on live; the base URL's own host elsewhere)."""
        return self._read(ep.SPOT_WALLET, parse_wallet, currency=currency)


def _position_mode(data: object, endpoint: str) -> str:
    return Fields(data, endpoint, "data").text("position_mode")


class HistoryFilter(TypedDict, total=False):
    """What order-history and trades can both be narrowed by; times in seconds."""

    order_id: str | None
    client_order_id: str | None
    start_s: int | None
    end_s: int | None
    account: str | None


def _history_params(symbol: str | None, filters: HistoryFilter) -> dict[str, QueryValue]:
    return {
        "symbol": symbol,
        "order_id": filters.get("order_id"),
        "client_order_id": filters.get("client_order_id"),
        "start_time": filters.get("start_s"),
        "end_time": filters.get("end_s"),
        "account": filters.get("account"),
    }


class OrderReads(ClientBase):
    def order(self, symbol: str, order_id: str, account: str | None = None) -> Order:
        return self._read(ep.ORDER, parse_order, symbol=symbol, order_id=order_id, account=account)

    def order_history(self, symbol: str, **filters: Unpack[HistoryFilter]) -> list[Order]:
        """Finished orders; times in seconds; default last 7 days, at most 200 rows."""
        return self._read(ep.ORDER_HISTORY, parse_orders, **_history_params(symbol, filters))

    def open_orders(
        self,
        symbol: str | None = None,
        *,
        type: str | None = None,
        order_state: str | None = None,
        limit: int | None = None,
    ) -> list[Order]:
        return self._read(
            ep.GET_OPEN_ORDERS,
            parse_orders,
            symbol=symbol,
            type=type,
            order_state=order_state,
            limit=limit,
        )

    def plan_orders(
        self,
        symbol: str | None = None,
        plan_type: str | None = None,
        *,
        type: str | None = None,
        limit: int | None = None,
    ) -> list[PlanOrder]:
        """Waiting plan and TP/SL orders (current-plan-order); ``plan_type`` plan|profit_loss."""
        return self._read(
            ep.CURRENT_PLAN_ORDER,
            parse_plan_orders,
            symbol=symbol,
            plan_type=plan_type,
            type=type,
            limit=limit,
        )

    def trades(self, symbol: str | None = None, **filters: Unpack[HistoryFilter]) -> list[Trade]:
        """Own fills; times in seconds; default last 7 days, at most 200 rows."""
        return self._read(ep.TRADES, parse_trades, **_history_params(symbol, filters))
