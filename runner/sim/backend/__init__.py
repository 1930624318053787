"""The simulator's backend: a pure state machine of one BitMart USDT-M futures account.

It knows nothing of HTTP (the server side in ``runner.sim`` does that); it takes a request's
method, path and parameters and returns the ``data`` of the reply or raises ``SimError``.
Written from the API facts, independent of the runner's client.
"""

from __future__ import annotations

from runner.sim.backend.errors import SimError
from runner.sim.backend.exchange import Exchange
from runner.sim.backend.markets import MARKETS, START_PRICES, ContractSpec

__all__ = ["MARKETS", "START_PRICES", "ContractSpec", "Exchange", "SimError"]
