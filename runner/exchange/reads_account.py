"""Account, order and fill reads (endpoints 10-16, 33-37 and the spot wallet; auth KEYED)."""

from __future__ import annotations

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
from runner.exchange.transfers import SpotBalance, parse_spot_wallet


class AccountReads(ClientBase):
    def assets(self) -> list[Asset]:
        return parse_assets(self._get(ep.ASSETS_DETAIL).data, ep.ASSETS_DETAIL.path)

    def fee_rate(self, symbol: str) -> FeeRate:
        answer = self._get(ep.TRADE_FEE_RATE, {"symbol": symbol})
        return parse_fee_rate(answer.data, ep.TRADE_FEE_RATE.path)

    def positions_v1(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionV1]:
        answer = self._get(ep.POSITION, {"symbol": symbol, "account": account})
        return parse_positions_v1(answer.data, ep.POSITION.path)

    def positions_v2(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionV2]:
        """With a symbol: rows even when flat (settings); without: only held positions."""
        answer = self._get(ep.POSITION_V2, {"symbol": symbol, "account": account})
        return parse_positions_v2(answer.data, ep.POSITION_V2.path)

    def position_risk(
        self, symbol: str | None = None, account: str | None = None
    ) -> list[PositionRisk]:
        answer = self._get(ep.POSITION_RISK, {"symbol": symbol, "account": account})
        return parse_position_risk(answer.data, ep.POSITION_RISK.path)

    def position_mode(self) -> str:
        """``"hedge_mode"`` or ``"one_way_mode"``."""
        answer = self._get(ep.GET_POSITION_MODE)
        return Fields(answer.data, ep.GET_POSITION_MODE.path, "data").text("position_mode")

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
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "flow_type": flow_type,  # 0 is meaningful ("all"): kept, only None is dropped
            "account": account,
            "start_time": start_ms,
            "end_time": end_ms,
            "page_size": page_size,
        }
        answer = self._get(ep.TRANSACTION_HISTORY, params)
        return parse_ledger(answer.data, ep.TRANSACTION_HISTORY.path)

    def spot_wallet(self, currency: str | None = "USDT") -> list[SpotBalance]:
        """Spot balances (spot host on live; the base URL's own host elsewhere)."""
        answer = self._get(ep.SPOT_WALLET, {"currency": currency})
        return parse_spot_wallet(answer.data, ep.SPOT_WALLET.path)


class OrderReads(ClientBase):
    def order(self, symbol: str, order_id: str, account: str | None = None) -> Order:
        params: dict[str, QueryValue] = {"symbol": symbol, "order_id": order_id, "account": account}
        return parse_order(self._get(ep.ORDER, params).data, ep.ORDER.path)

    def order_history(
        self,
        symbol: str,
        *,
        order_id: str | None = None,
        client_order_id: str | None = None,
        start_s: int | None = None,
        end_s: int | None = None,
        account: str | None = None,
    ) -> list[Order]:
        """Finished orders; times in seconds; default last 7 days, at most 200 rows."""
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "order_id": order_id,
            "client_order_id": client_order_id,
            "start_time": start_s,
            "end_time": end_s,
            "account": account,
        }
        return parse_orders(self._get(ep.ORDER_HISTORY, params).data, ep.ORDER_HISTORY.path)

    def open_orders(
        self,
        symbol: str | None = None,
        *,
        type: str | None = None,
        order_state: str | None = None,
        limit: int | None = None,
    ) -> list[Order]:
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "type": type,
            "order_state": order_state,
            "limit": limit,
        }
        return parse_orders(self._get(ep.GET_OPEN_ORDERS, params).data, ep.GET_OPEN_ORDERS.path)

    def plan_orders(
        self,
        symbol: str | None = None,
        plan_type: str | None = None,
        *,
        type: str | None = None,
        limit: int | None = None,
    ) -> list[PlanOrder]:
        """Waiting plan and TP/SL orders (current-plan-order); ``plan_type`` plan|profit_loss."""
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "plan_type": plan_type,
            "type": type,
            "limit": limit,
        }
        answer = self._get(ep.CURRENT_PLAN_ORDER, params)
        return parse_plan_orders(answer.data, ep.CURRENT_PLAN_ORDER.path)

    def trades(
        self,
        symbol: str | None = None,
        *,
        start_s: int | None = None,
        end_s: int | None = None,
        order_id: str | None = None,
        client_order_id: str | None = None,
        account: str | None = None,
    ) -> list[Trade]:
        """Own fills; times in seconds; default last 7 days, at most 200 rows."""
        params: dict[str, QueryValue] = {
            "symbol": symbol,
            "start_time": start_s,
            "end_time": end_s,
            "order_id": order_id,
            "client_order_id": client_order_id,
            "account": account,
        }
        return parse_trades(self._get(ep.TRADES, params).data, ep.TRADES.path)
