"""One line of the simulator's request log (``GET /sim/state``, ``SimServer.request_log``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LogEntry:
    time_ms: int
    method: str
    path: str
    status: int | None  # None when the connection was cut without a response
    code: int | None
    client_order_id: str | None
    write: bool  # a request that can change the account (route.is_write), whatever its outcome
    fault: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time_ms,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "code": self.code,
            "client_order_id": self.client_order_id,
            "write": self.write,
            "fault": self.fault,
        }
