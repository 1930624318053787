"""A tiny stand-in backend with the facade of ``runner.sim.backend`` (Exchange/SimError).

It lets the transport, auth, fault and persistence tests observe exactly what the handler hands the
backend, independent of the real backend's trading rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.facade import Backend


class SimError(Exception):
    """Its own error type: the handler must catch whatever the backend it is given raises."""

    def __init__(self, code: int, message: str, http_status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.http_status = code, message, http_status


class FakeExchange:
    def __init__(self, spot: Decimal, futures: Decimal, now_ms: int) -> None:
        self.spot = spot
        self.futures = futures
        self.prices: dict[str, Decimal] = {"BTCUSDT": Decimal("65000")}
        self.orders: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.created_ms = now_ms
        self.time_offset_ms = 0
        self.books: dict[str, Any] = {}

    @classmethod
    def new(
        cls,
        *,
        spot: Decimal = Decimal("10000"),
        futures: Decimal = Decimal("0"),
        seed: int = 0,
        now_ms: int,
    ) -> FakeExchange:
        return cls(spot, futures, now_ms)

    def mutates(self, method: str, path: str) -> bool:
        return method == "POST"

    def dispatch(self, method: str, path: str, params: dict[str, Any], now_ms: int) -> Any:
        self.calls.append((method, path, params))
        if path == "/system/time":
            return {"server_time": now_ms}
        if path == "/contract/private/assets-detail":
            return [{"currency": "USDT", "available_balance": str(self.futures)}]
        if path == "/contract/private/submit-order":
            return self._submit(params, now_ms)
        if path == "/contract/private/position-v2":
            return []
        if path == "/contract/private/get-open-orders":
            return list(self.orders)
        if path == "/contract/private/cancel-orders":
            self.orders.clear()
            return None
        if path == "/account/v1/transfer-contract":
            amount = Decimal(params["amount"])
            self.spot -= amount
            self.futures += amount
            return {"currency": "USDT", "amount": str(amount)}
        if path == "/contract/private/affiliate/invite-check":
            return {"isInviteUser": True}
        raise SimError(30000, "Not found", 404)

    def _submit(self, params: dict[str, Any], now_ms: int) -> dict[str, Any]:
        if params.get("symbol") not in self.prices:
            raise SimError(40034, "The Symbol is not exist", 400)
        client_id = params.get("client_order_id", "")
        if client_id and any(o["client_order_id"] == client_id for o in self.orders):
            raise SimError(40050, "Client OrderId duplicated with existing orders", 403)
        order_id = 1000 + len(self.orders)
        self.orders.append(
            {"order_id": str(order_id), "client_order_id": client_id, "size": params.get("size")}
        )
        return {"order_id": order_id, "price": "market price"}

    def set_price(self, symbol: str, last: Decimal, mark: Decimal | None, now_ms: int) -> None:
        if symbol not in self.prices:
            raise SimError(40034, "The Symbol is not exist", 400)
        self.prices[symbol] = last

    def set_book(self, symbol: str, bids: Any, asks: Any, now_ms: int) -> Any:
        if symbol not in self.prices:
            raise SimError(40034, "The Symbol is not exist", 400)
        if bids is None and asks is None:
            self.books.pop(symbol, None)
            return None
        self.books[symbol] = {"bids": bids, "asks": asks}
        return self.books[symbol]

    def set_funding_rate(self, symbol: str, rate: Decimal, now_ms: int) -> None:
        if symbol not in self.prices:
            raise SimError(40034, "The Symbol is not exist", 400)

    def advance_clock(self, advance_ms: int, now_ms: int) -> dict[str, Any]:
        self.time_offset_ms += advance_ms
        return {"time": now_ms + self.time_offset_ms, "funding": []}

    def fund(self, wallet: str, amount: Decimal, now_ms: int) -> None:
        if wallet == "spot":
            self.spot += amount
        else:
            self.futures += amount

    def state(self, now_ms: int | None = None) -> dict[str, Any]:
        return {
            "balances": {"spot": str(self.spot), "futures": str(self.futures)},
            "orders": list(self.orders),
            "prices": {k: str(v) for k, v in self.prices.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        return {"fake": 1, **self.state(), "created_ms": self.created_ms}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FakeExchange:
        if data.get("fake") != 1:
            raise ValueError("not a fake exchange")
        ex = cls(Decimal(data["balances"]["spot"]), Decimal(data["balances"]["futures"]), 0)
        ex.orders = list(data["orders"])
        ex.prices = {k: Decimal(v) for k, v in data["prices"].items()}
        ex.created_ms = data["created_ms"]
        return ex


FAKE_BACKEND = Backend(FakeExchange, SimError)
