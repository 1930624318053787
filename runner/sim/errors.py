"""Errors of the simulator's server side (the backend has its own ``SimError``)."""

from __future__ import annotations

from pathlib import Path

from runner.errors import ExchangeUnavailable


class ApiError(Exception):
    """A gateway-level rejection (routing, auth, rate limit, body format): becomes an envelope."""

    def __init__(self, code: int, message: str, http_status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


class SimStoreError(ExchangeUnavailable):
    """The simulator's SQLite file cannot be used (corrupt, foreign, newer format).

    Never answered by silently starting a fresh account: the user's paper history would vanish.
    """

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"simulator file {path}: {problem}",
            hint="move the file aside (or pass another --db) to start a fresh simulated account",
        )
        self.path = path


class ControlError(Exception):
    """Bad input to a /sim/* control endpoint: answered 400 with the message."""
