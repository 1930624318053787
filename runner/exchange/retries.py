"""When a request may be sent again, and when it must not.

Reads retry on network errors, 5xx, 429/30013 and Cloudflare, at most ``policy.tries`` times.
Writes are never retried blindly: a write is re-sent only when the failure proves it was not
performed (a JSON 429/30013, a 30007 clock rejection, a connection that was never established).
Every other failure after the bytes may have left (timeout, reset, 5xx, Cloudflare, an unreadable
reply) raises ``OutcomeUnknown`` so the executor reconciles before anything is sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from runner.exchange.clock import ExchangeClock
from runner.exchange.deadline import DeadlineExceeded
from runner.exchange.endpoints import SYSTEM_TIME, Endpoint
from runner.exchange.errors import (
    ApiError,
    Banned,
    ClockSkewError,
    CloudflareBlocked,
    ExchangeError,
    NetworkError,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    ServerError,
)
from runner.exchange.fields import Fields
from runner.exchange.policy import RetryPolicy
from runner.exchange.wire import Answer

QueryValue = str | int | None


class HttpCore(Protocol):
    """What the retry rules need of the transport (``transport.HttpCore`` is the real one)."""

    policy: RetryPolicy
    clock: ExchangeClock

    def redact(self, text: str) -> str: ...

    def wait(self, seconds: float, reason: str) -> None: ...

    def hold_back(self, endpoint: Endpoint, seconds: float) -> None: ...

    def send(
        self,
        endpoint: Endpoint,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: bytes | None = None,
    ) -> requests.Response: ...

    def interpret(self, endpoint: Endpoint, response: requests.Response) -> Answer: ...

    def describe(self, exc: BaseException) -> str: ...


log = logging.getLogger("runner.exchange")

CLOCK_REJECTED = 30007
_SERVER_ERROR_FLOOR = 500


def server_side(exc: ExchangeError) -> bool:
    """A failure on BitMart's side (HTTP 5xx, with or without an error code)."""
    if isinstance(exc, ServerError):
        return True
    return isinstance(exc, ApiError) and (exc.http_status or 0) >= _SERVER_ERROR_FLOOR


def _retryable_read(exc: ExchangeError) -> bool:
    if isinstance(exc, Banned | LocalFailure | TooSlow):
        return False  # facts 6.4: after a 418 stop sending
    if isinstance(exc, NetworkError | CloudflareBlocked | RateLimited):
        return True
    return server_side(exc)


def _ambiguous_write(exc: ExchangeError) -> bool:
    """After the request was sent, only a definite BitMart answer proves what happened."""
    if isinstance(exc, CloudflareBlocked | ProtocolError):
        return True
    if isinstance(exc, RateLimited) and not isinstance(exc, Banned):
        return not exc.definite
    return server_side(exc)


# requests refuses these before it opens a connection: nothing left, and trying again cannot help
_LOCAL_FAILURES: tuple[type[requests.RequestException], ...] = (
    requests.exceptions.InvalidHeader,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.URLRequired,
)


class LocalFailure(NetworkError):
    """The request could not even be built (a header or URL requests refuses): never sent."""


class TooSlow(NetworkError):
    """The reply did not complete within the total time limit; trying again would only spend
    that time again (the user chose it with --timeout)."""


def never_sent(exc: requests.RequestException) -> bool:
    """True when the connection could not be established, so no byte of the request left.

    A connect timeout or a refused/unresolvable connection qualifies; a read timeout, a reset or
    a dropped connection does not (the server may have received and performed the request).
    """
    if isinstance(exc, (requests.ConnectTimeout, *_LOCAL_FAILURES)):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.Timeout):
        return False
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _wait_before_retry(
    core: HttpCore, endpoint: Endpoint, exc: ExchangeError, attempt: int
) -> None:
    tries = core.policy.tries
    where = f"{endpoint.path} (try {attempt + 1} of {tries})"
    if isinstance(exc, CloudflareBlocked):
        core.wait(core.policy.cloudflare_wait(attempt), f"Cloudflare intercepted {where}")
    elif isinstance(exc, RateLimited):
        seconds = min(exc.retry_after_s or core.policy.rate_limit_wait_s, core.policy.max_wait_s)
        core.hold_back(endpoint, seconds)  # the other threads wait out the same window
        core.wait(seconds, f"rate limited (HTTP 429) on {where}")
    else:
        core.wait(core.policy.backoff(attempt), f"{exc.__class__.__name__} on {where}")


def _read_once(
    core: HttpCore,
    endpoint: Endpoint,
    query: Mapping[str, QueryValue] | None,
    body: bytes | None,
) -> Answer:
    try:
        response = core.send(endpoint, query=query, body=body)
    except _LOCAL_FAILURES as exc:
        raise LocalFailure(endpoint.path, core.describe(exc), sent=False) from None
    except DeadlineExceeded as exc:
        raise TooSlow(endpoint.path, str(exc), sent=True) from None
    except requests.RequestException as exc:
        raise NetworkError(endpoint.path, core.describe(exc), sent=not never_sent(exc)) from None
    return core.interpret(endpoint, response)


def _clock_retry(exc: ExchangeError, resynced: bool) -> bool:
    return isinstance(exc, ClockSkewError) and exc.code == CLOCK_REJECTED and not resynced


def run_read(
    core: HttpCore,
    endpoint: Endpoint,
    *,
    query: Mapping[str, QueryValue] | None = None,
    body: bytes | None = None,
) -> Answer:
    attempt = 0
    resynced = False
    while True:
        attempt += 1
        try:
            return _read_once(core, endpoint, query, body)
        except ExchangeError as exc:
            if _clock_retry(exc, resynced):
                resynced = True
                attempt -= 1  # the clock retry is allowed once on top of the network tries
                sync_clock(core)
                continue
            if not _retryable_read(exc) or attempt >= core.policy.tries:
                raise
            _wait_before_retry(core, endpoint, exc, attempt)


def _send_write(core: HttpCore, endpoint: Endpoint, body: bytes) -> requests.Response | None:
    """The response, or None when the connection could not even be established."""
    try:
        return core.send(endpoint, body=body)
    except _LOCAL_FAILURES as exc:
        raise LocalFailure(endpoint.path, core.describe(exc), sent=False) from None
    except requests.RequestException as exc:
        if never_sent(exc):
            log.debug("%s not sent: %s", endpoint.path, type(exc).__name__)
            return None
        raise


def run_write(
    core: HttpCore, endpoint: Endpoint, body: bytes, client_order_id: str | None
) -> Answer:
    attempt = 0
    resynced = False
    while True:
        attempt += 1
        try:
            response = _send_write(core, endpoint, body)
        except requests.RequestException as exc:
            raise OutcomeUnknown(endpoint.path, client_order_id, core.describe(exc)) from None
        if response is None:  # never sent: safe to try again, a bounded number of times
            if attempt >= core.policy.tries:
                raise NetworkError(endpoint.path, f"cannot connect ({attempt} tries)", sent=False)
            core.wait(core.policy.backoff(attempt), f"cannot connect for {endpoint.path}")
            continue
        try:
            return core.interpret(endpoint, response)
        except ExchangeError as exc:
            if _clock_retry(exc, resynced):
                # A 30007 proves the write was rejected: re-sign with the exchange's time, once.
                resynced = True
                attempt -= 1
                sync_clock(core)
                continue
            if _ambiguous_write(exc):
                detail = core.redact(getattr(exc, "summary", exc.message))
                raise OutcomeUnknown(endpoint.path, client_order_id, detail) from None
            definite_429 = isinstance(exc, RateLimited) and not isinstance(exc, Banned)
            if not definite_429 or attempt >= core.policy.tries:
                raise
            _wait_before_retry(core, endpoint, exc, attempt)


def sync_clock(core: HttpCore) -> int:
    """Measure the offset to the exchange's clock with ``/system/time``; keep and return it."""
    sent = core.clock.wall_ms()
    answer = run_read(core, SYSTEM_TIME)
    received = core.clock.wall_ms()
    server_ms = Fields(answer.data, SYSTEM_TIME.path, "data").millis("server_time")
    offset = core.clock.record(server_ms, sent, received)
    log.debug("clock offset to the exchange: %+d ms", offset)
    return offset
