"""The BitMart USDT-M futures client: typed reads, signed writes, retries, rate limits.

``open_read_client`` gives a client that can only read (its transport cannot POST);
``open_trade_client`` one that can also write, for the executor alone.  The reply models and
errors live in their own modules (``runner.exchange.account``, ``.orders``, ``.errors`` ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, Unpack

import requests

from runner import config
from runner.config import Credentials, ExchangeKind, Target
from runner.exchange.limits import SHARED, LimiterRegistry
from runner.exchange.policy import RetryPolicy
from runner.exchange.read_client import ReadClient
from runner.exchange.recording import Recorder
from runner.exchange.trade_client import TradeClient
from runner.exchange.transport import HttpCore, ReadTransport, WriteTransport, new_session

__all__ = [
    "ClientOptions",
    "ReadClient",
    "Recorder",
    "RetryPolicy",
    "TradeClient",
    "open_read_client",
    "open_trade_client",
]


class ClientOptions(TypedDict, total=False):
    """How a client reaches the exchange, beside its target and credentials."""

    notify: Callable[[str], None] | None  # rate-limit waits and retries, as one-line notes
    retry: RetryPolicy | None
    http: requests.Session | None  # the paper exchange's in-process session, or a test's
    recorder: Recorder | None


def _core(
    target: Target, creds: Credentials | None, *, signed: bool, **options: Unpack[ClientOptions]
) -> HttpCore:
    retry, http = options.get("retry"), options.get("http")
    limiter: LimiterRegistry | None
    if target.kind is ExchangeKind.PAPER:
        # The paper exchange runs in-process (the caller's transport; the client never imports
        # the simulator) with rate limits off: nothing to wait for.
        if http is None:
            raise ValueError("the paper exchange needs its in-process transport (http=...)")
        session = http
        creds = Credentials(config.PAPER_KEY, config.PAPER_SECRET, config.PAPER_MEMO)
        limiter = None
    else:
        creds = config.require_credentials(creds, signed=signed)
        session = http if http is not None else new_session()
        limiter = SHARED
    return HttpCore(
        session,
        target,
        creds,
        policy=retry if retry is not None else RetryPolicy(),
        notify=options.get("notify"),
        limiter=limiter,
        recorder=options.get("recorder"),
    )


def open_read_client(
    target: Target, creds: Credentials | None, **options: Unpack[ClientOptions]
) -> ReadClient:
    """A read-only client (reads need only the API key)."""
    return ReadClient(ReadTransport(_core(target, creds, signed=False, **options)))


def open_trade_client(
    target: Target, creds: Credentials | None, **options: Unpack[ClientOptions]
) -> TradeClient:
    """A client that can also write (needs key, secret and memo)."""
    return TradeClient(WriteTransport(_core(target, creds, signed=True, **options)))
