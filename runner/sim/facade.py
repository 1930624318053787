"""The backend facade the server side codes against, as Protocols, and how the real one is found.

The transports, auth and persistence depend on this interface, not on ``runner.sim.backend``'s
implementation (moto's backend/response split), so tests can drive them with a tiny fake and the
real backend is resolved only when a server or paper session is actually built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, cast


class BackendError(Protocol):
    """``runner.sim.backend.SimError``: an API error with its code and HTTP status."""

    code: int
    message: str
    http_status: int


Levels = list[tuple[Decimal, int]]


class Exchange(Protocol):
    """Every ``now_ms`` is the host's clock; the backend adds its own simulated-time offset."""

    @property
    def time_offset_ms(self) -> int: ...

    def dispatch(self, method: str, path: str, params: dict[str, Any], now_ms: int) -> Any: ...

    def set_price(self, symbol: str, last: Decimal, mark: Decimal | None, now_ms: int) -> None: ...

    def set_book(
        self, symbol: str, bids: Levels | None, asks: Levels | None, now_ms: int
    ) -> dict[str, Any] | None: ...

    def set_funding_rate(self, symbol: str, rate: Decimal, now_ms: int) -> None: ...

    def advance_clock(self, advance_ms: int, now_ms: int) -> dict[str, Any]: ...

    def fund(self, wallet: str, amount: Decimal, now_ms: int) -> None: ...

    def state(self, now_ms: int | None = None) -> dict[str, Any]: ...

    def to_dict(self) -> dict[str, Any]: ...

    def mutates(self, method: str, path: str) -> bool: ...


class ExchangeFactory(Protocol):
    def new(
        self,
        *,
        spot: Decimal = ...,
        futures: Decimal = ...,
        seed: int = ...,
        now_ms: int,
    ) -> Exchange: ...

    def from_dict(self, data: dict[str, Any]) -> Exchange: ...


@dataclass(frozen=True)
class Backend:
    """An backend implementation: its exchange class and the exception type it raises."""

    exchange: ExchangeFactory
    error: type[Exception]


def real_backend() -> Backend:
    """``runner.sim.backend`` (imported on first use, so this layer never needs it at import)."""
    module = importlib.import_module("runner.sim.backend")
    return Backend(cast(ExchangeFactory, module.Exchange), cast(type[Exception], module.SimError))


def error_fields(exc: Exception) -> tuple[int, str, int]:
    """(code, message, http_status) of an backend error."""
    error = cast(BackendError, exc)
    return int(error.code), str(error.message), int(error.http_status)
