"""Account-level writes: leverage, position mode, transfers, the timed cancel, demo claim.

Endpoints 21-24, 39-41 and 51; the order writes are in ``runner.exchange.trade_client``.
"""

from __future__ import annotations

from runner.exchange import endpoints as ep
from runner.exchange.endpoints import Endpoint
from runner.exchange.results import (
    Accepted,
    LeverageSet,
    ModeSet,
    TimerSet,
    Transferred,
    leverage_set,
    mode_set,
    timer_set,
    transferred,
)
from runner.exchange.write_base import Price, WriteBase, accepted, wire_body


class AccountWrites(WriteBase):
    def cancel_all_after(self, symbol: str, timeout_s: int) -> TimerSet:
        """Dead-man's switch: cancel ``symbol``'s orders after ``timeout_s`` (0 disarms)."""
        body = {"symbol": symbol, "timeout": timeout_s}
        return self._typed(ep.CANCEL_ALL_AFTER, body, timer_set)

    def submit_leverage(
        self, symbol: str, *, margin_mode: str, leverage: Price | None = None
    ) -> LeverageSet:
        body = wire_body(symbol=symbol, margin_mode=margin_mode, leverage=leverage)
        return self._typed(ep.SUBMIT_LEVERAGE, body, leverage_set)

    def set_position_mode(self, position_mode: str) -> ModeSet:
        """``"hedge_mode"`` or ``"one_way_mode"``; refused (40059) while positions/orders exist."""
        return self._typed(ep.SET_POSITION_MODE, {"position_mode": position_mode}, mode_set)

    def transfer(
        self,
        amount: Price,
        direction: str,
        *,
        currency: str = "USDT",
        recv_window_ms: int | None = None,
    ) -> Transferred:
        """``direction``: ``"spot_to_contract"`` or ``"contract_to_spot"``."""
        body = wire_body(
            currency=currency, amount=amount, type=direction, recvWindow=recv_window_ms
        )
        return self._typed(ep.TRANSFER_CONTRACT, body, transferred)

    def sub_to_main(
        self, *, request_no: str, amount: Price, sub_account: str, currency: str = "USDT"
    ) -> Accepted:
        """Main account pulls futures funds from ``sub_account`` (``request_no``: idempotency)."""
        return self._sub_transfer(ep.SUB_TO_MAIN_BY_MAIN, request_no, amount, currency, sub_account)

    def main_to_sub(
        self, *, request_no: str, amount: Price, sub_account: str, currency: str = "USDT"
    ) -> Accepted:
        return self._sub_transfer(ep.MAIN_TO_SUB, request_no, amount, currency, sub_account)

    def sub_to_main_as_sub(
        self, *, request_no: str, amount: Price, currency: str = "USDT"
    ) -> Accepted:
        """Called with the sub-account's own key."""
        return self._sub_transfer(ep.SUB_TO_MAIN_BY_SUB, request_no, amount, currency)

    def _sub_transfer(
        self,
        endpoint: Endpoint,
        request_no: str,
        amount: Price,
        currency: str,
        sub_account: str | None = None,
    ) -> Accepted:
        body = wire_body(
            requestNo=request_no, amount=amount, currency=currency, subAccount=sub_account
        )
        return self._typed(endpoint, body, accepted)

    def claim(self) -> Transferred:
        """Top up the demo account (demo host only); ``amount``'s meaning is disputed."""
        return self._typed(ep.CLAIM, {}, transferred)
