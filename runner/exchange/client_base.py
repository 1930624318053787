"""What every client has: a transport, its target, the exchange clock, closing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Self, TypeVar

from runner.config import Target
from runner.exchange.endpoints import Endpoint
from runner.exchange.retries import QueryValue
from runner.exchange.transport import ReadTransport
from runner.exchange.wire import Answer

T = TypeVar("T")


class ClientBase:
    def __init__(self, transport: ReadTransport) -> None:
        self._transport = transport

    @property
    def target(self) -> Target:
        return self._transport.target

    @property
    def transport(self) -> ReadTransport:
        return self._transport

    @property
    def clock_offset_ms(self) -> int:
        """Exchange time minus local time, as last measured (0 until measured)."""
        return self._transport.clock_offset_ms

    def sync_clock(self) -> int:
        """Measure and keep the offset to the exchange's clock (``/system/time``); return it."""
        return self._transport.sync_clock()

    def _get(self, endpoint: Endpoint, params: Mapping[str, QueryValue] | None = None) -> Answer:
        return self._transport.get(endpoint, params)

    def _read(
        self, endpoint: Endpoint, parse: Callable[[object, str], T], /, **params: QueryValue
    ) -> T:
        """GET ``endpoint`` with ``params`` (None ones left out) and parse its ``data``."""
        return parse(self._get(endpoint, params).data, endpoint.path)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
