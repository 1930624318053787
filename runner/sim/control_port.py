"""What the control API needs of the server side, as a Protocol.

``handlers.SimHandler`` is the real one; the control modules code against this so that control
and handlers do not import each other (moto keeps its control API a service of its own).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from runner.sim.facade import Backend, Exchange
from runner.sim.faults import FaultBook
from runner.sim.host import BackendHost


class SimHandler(Protocol):
    host: BackendHost
    backend: Backend
    faults: FaultBook
    key_permissions: frozenset[str]

    @property
    def skew_ms(self) -> int: ...

    def set_skew(self, skew_ms: int) -> None: ...

    def host_time_ms(self) -> int: ...

    def server_time_ms(self) -> int: ...

    def time_offset_ms(self) -> int: ...

    def remember_offset(self, exchange: Exchange) -> None: ...

    def new_exchange(
        self, *, spot: Decimal | None = None, futures: Decimal | None = None
    ) -> Exchange: ...

    def state(self) -> dict[str, Any]: ...
