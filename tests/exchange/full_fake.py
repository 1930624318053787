"""The simulator's stand-in backend, answering with the facts' full row shapes.

``tests/sim/fake_backend.py`` returns minimal rows (enough for the transport tests); the client
parses strictly, so here assets and orders come back with every documented field.  The real
backend replaces this once ``runner.sim.backend`` lands.
"""

from __future__ import annotations

from typing import Any

from runner.sim.facade import Backend
from tests.sim.fake_backend import FakeExchange, SimError


class FullRowsExchange(FakeExchange):
    def dispatch(self, method: str, path: str, params: dict[str, Any], now_ms: int) -> Any:
        result = super().dispatch(method, path, params, now_ms)
        if path == "/contract/private/assets-detail":
            return [self._usdt()]
        if path == "/contract/private/get-open-orders":
            return [self._order_row(o, now_ms) for o in result]
        return result

    def _usdt(self) -> dict[str, str]:
        futures = str(self.futures)
        return {
            "currency": "USDT",
            "available_balance": futures,
            "frozen_balance": "0",
            "position_deposit": "0",
            "equity": futures,
            "unrealized": "0",
        }

    def _order_row(self, order: dict[str, Any], now_ms: int) -> dict[str, Any]:
        return {
            "order_id": order["order_id"],
            "client_order_id": order["client_order_id"],
            "symbol": "BTCUSDT",
            "side": 1,
            "type": "market",
            "leverage": "10",
            "open_type": "cross",
            "price": "0",
            "size": str(order["size"]),
            "deal_avg_price": "0",
            "deal_size": "0",
            "state": 2,
            "create_time": now_ms,
            "update_time": now_ms,
        }


FULL_BACKEND = Backend(FullRowsExchange, SimError)
