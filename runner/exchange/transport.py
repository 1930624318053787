"""One HTTP exchange with BitMart: throttle, sign, send once, log, read the rate-limit headers.

``HttpCore`` never retries and never sends a request twice (urllib3 retries are off, redirects are
not followed); the retry decisions live in ``runner.exchange.retries``.  The two transports wrap
it: ``ReadTransport`` can only GET; ``WriteTransport`` adds the signed POST.  A read-only client
holds a ``ReadTransport`` and so has no way to send a write.

Logging (``runner.exchange``) shows method, path, status, code and trace id, and the key only
masked; headers and bodies are never logged, so neither the signature nor the memo can leak.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import requests
from urllib3.util.retry import Retry

from runner.config import PAPER_MEMO, PAPER_SECRET, Credentials, Target
from runner.exchange.clock import ExchangeClock
from runner.exchange.deadline import (
    Deadline,
    DeadlineAdapter,
    DeadlineExceeded,
    timed_sleep,
    within,
)
from runner.exchange.endpoints import Endpoint, Host
from runner.exchange.errors import NotSupported
from runner.exchange.http_session import Session
from runner.exchange.limits import MAX_WAIT_S, Key, LimiterRegistry, parse_rate_headers
from runner.exchange.policy import RetryPolicy
from runner.exchange.retries import QueryValue, run_read, run_write, sync_clock
from runner.exchange.signing import Auth, auth_headers, base_headers
from runner.exchange.wire import Answer, interpret
from runner.redact import Redactor as TokenRedactor

if TYPE_CHECKING:
    from runner.exchange.recording import Recorder

log = logging.getLogger("runner.exchange")


def new_session() -> requests.Session:
    """A keep-alive session whose adapters never retry on their own (no silent re-sends), which
    reads the environment once per host and never ``.netrc`` (runner.exchange.http_session)."""
    session = Session()
    adapter = DeadlineAdapter(max_retries=Retry(total=0, read=False, redirect=False))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class Redactor:
    """Blanks the secret and memo out of any text that came from elsewhere (error details)."""

    def __init__(self, creds: Credentials | None) -> None:
        hidden = (creds.secret, creds.memo) if creds is not None else ()
        # The paper exchange's built-in values are public constants, and "paper" is a common word.
        # Whole tokens only: a memo such as "cloud" must not be blanked inside a host name.
        self._redact = TokenRedactor(v for v in hidden if v and v not in (PAPER_SECRET, PAPER_MEMO))
        # the key may be shown, but only masked (an error quoting a header would show it whole)
        self._key = (creds.key, creds.masked_key) if creds is not None and creds.key else None

    def __call__(self, text: str) -> str:
        text = self._redact(text)
        if self._key is not None and len(self._key[0]) >= 4:
            text = text.replace(self._key[0], self._key[1])
        return text


def _query(params: Mapping[str, QueryValue] | None) -> dict[str, str] | None:
    if not params:
        return None
    return {name: str(value) for name, value in params.items() if value is not None}


class HttpCore:
    def __init__(
        self,
        session: requests.Session,
        target: Target,
        creds: Credentials | None,
        *,
        policy: RetryPolicy,
        notify: Callable[[str], None] | None,
        limiter: LimiterRegistry | None,
        recorder: Recorder | None = None,
    ) -> None:
        self.session = session
        self.recorder = recorder  # --record DIR: every exchange, once, redacted
        self.target = target
        self.creds = creds
        self.policy = policy
        self.clock = ExchangeClock(policy.wall_ms)
        self.redact = Redactor(creds)
        self._notify = notify
        self._limiter = limiter
        self._masked_key = creds.masked_key if creds is not None and creds.key else "-"
        self._sleep = timed_sleep(policy.sleep, policy.command)  # waits count against --timeout

    # -- waits ----------------------------------------------------------------------------------
    def announce(self, message: str) -> None:
        if self._notify is not None:
            self._notify(message)
        else:
            log.warning("%s", message)  # no callback: a wait still must not be silent

    def wait(self, seconds: float, reason: str) -> None:
        if seconds <= 0:
            return
        if seconds > self.policy.max_wait_s:  # never trust a reply to set an unbounded wait
            reason = f"{reason}; capped at {self.policy.max_wait_s:g} s (asked for {seconds:.3g} s)"
            seconds = self.policy.max_wait_s
        if self.policy.command is not None:
            self.policy.command.allow_wait(seconds, reason)
        if seconds > self.policy.notify_after_s:
            self.announce(f"waiting {seconds:.1f} s: {reason}")
        self.policy.sleep(seconds)

    def hold_back(self, endpoint: Endpoint, seconds: float) -> None:
        """Make every client of this process wait ``seconds`` before its next call here."""
        if self._limiter is not None:
            self._limiter.block(
                self._key(endpoint),
                endpoint.limit,
                endpoint.window_s,
                seconds,
                now=self.policy.clock(),
            )

    def _throttle(self, endpoint: Endpoint) -> None:
        if self._limiter is None:
            return

        def on_wait(seconds: float) -> None:
            seconds = min(seconds, MAX_WAIT_S)
            if seconds > self.policy.notify_after_s:
                self.announce(
                    f"waiting {seconds:.1f} s: rate limit of {endpoint.path} "
                    f"({endpoint.limit} per {endpoint.window_s:g} s)"
                )

        self._limiter.acquire(
            self._key(endpoint),
            endpoint.limit,
            endpoint.window_s,
            clock=self.policy.clock,
            sleep=lambda seconds: self._sleep(seconds, f"rate limit of {endpoint.path}"),
            on_wait=on_wait,
        )

    def free_now(self, endpoint: Endpoint) -> int:
        """How many calls of ``endpoint`` the limits admit now without a wait."""
        if self._limiter is None:
            return endpoint.limit
        return self._limiter.free(
            self._key(endpoint), endpoint.limit, endpoint.window_s, now=self.policy.clock()
        )

    # -- one request ----------------------------------------------------------------------------
    def base_url(self, endpoint: Endpoint) -> str:
        if endpoint.host is Host.SPOT:
            if self.target.spot_base_url is None:
                raise NotSupported(
                    f"the {self.target.name} exchange has no spot wallet ({endpoint.path})"
                )
            return self.target.spot_base_url
        return self.target.base_url

    def _key(self, endpoint: Endpoint) -> Key:
        return (self.base_url(endpoint), endpoint.path)

    def _headers(self, endpoint: Endpoint, body: bytes) -> dict[str, str]:
        timestamp = str(self.clock.now_ms()) if endpoint.auth is Auth.SIGNED else None
        headers = base_headers()
        headers.update(auth_headers(endpoint.auth, self.creds, timestamp, body))
        if endpoint.is_post:
            headers["Content-Type"] = "application/json"
        return headers

    def send(
        self,
        endpoint: Endpoint,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: bytes | None = None,
    ) -> requests.Response:
        """Send once (after the limiter admits it); network errors propagate as requests'."""
        url = self.base_url(endpoint) + endpoint.path
        if endpoint.is_post and body is None:
            body = b"{}"  # a POST without parameters sends and signs {} (facts 4.3)
        command = self.policy.command
        if command is not None:
            command.check(f"{endpoint.path} was not sent")
        self._throttle(endpoint)
        limit, why = self.policy.total_timeout_s, "the time limit per request, --request-timeout"
        if command is not None:
            command.check(f"{endpoint.path} was not sent")
            if command.left() < limit:
                limit = command.left()
                why = f"the time left of the command's limit, --timeout {command.seconds:g} s"
        headers = self._headers(endpoint, body or b"")
        params = _query(query)
        started = time.monotonic()
        connect, read = self.policy.timeout
        try:
            with within(Deadline(limit)) as deadline:
                response = self.session.request(
                    endpoint.method,
                    url,
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=(min(connect, limit), min(read, limit)),
                    allow_redirects=False,
                )
        except requests.RequestException as exc:
            self._record(endpoint, url, params, headers, body, None, exc, started)
            bounded = command is not None and limit < self.policy.total_timeout_s
            if bounded and isinstance(exc, requests.Timeout) and command is not None:
                command.cut()  # the request had all the time the command had left
            if deadline.expired or (bounded and isinstance(exc, requests.Timeout)):
                raise DeadlineExceeded(f"no complete reply within {limit:.3g} s ({why})") from None
            log.debug(
                "%s %s failed: %s (key %s)",
                endpoint.method,
                endpoint.path,
                type(exc).__name__,
                self._masked_key,
            )
            raise
        self._record(endpoint, url, params, headers, body, response, None, started)
        if self._limiter is not None:
            self._limiter.observe(
                self._key(endpoint),
                endpoint.limit,
                endpoint.window_s,
                parse_rate_headers(response.headers),
                now=self.policy.clock(),
            )
        return response

    def _record(
        self,
        endpoint: Endpoint,
        url: str,
        params: dict[str, str] | None,
        headers: dict[str, str],
        body: bytes | None,
        response: requests.Response | None,
        error: BaseException | None,
        started: float,
    ) -> None:
        if self.recorder is not None:
            self.recorder.exchange(
                method=endpoint.method,
                url=url,
                query=params,
                headers=headers,
                body=body,
                response=response,
                error=error,
                elapsed_s=time.monotonic() - started,
            )

    def interpret(self, endpoint: Endpoint, response: requests.Response) -> Answer:
        """``wire.interpret`` plus one debug line with the outcome."""
        try:
            answer = interpret(response, endpoint.path, self.redact)
        except Exception as exc:
            code = getattr(exc, "code", None)
            trace = getattr(exc, "trace", "")
            log.debug(
                "%s %s -> HTTP %s %s code %s trace %s (key %s)",
                endpoint.method,
                endpoint.path,
                response.status_code,
                type(exc).__name__,
                code,
                trace,
                self._masked_key,
            )
            raise
        log.debug(
            "%s %s -> HTTP %s code 1000 trace %s (key %s)",
            endpoint.method,
            endpoint.path,
            response.status_code,
            answer.trace,
            self._masked_key,
        )
        return answer

    def describe(self, exc: BaseException) -> str:
        """A one-line, redacted description of a network exception."""
        text = str(exc) or type(exc).__name__
        return self.redact(f"{type(exc).__name__}: {text}")


class ReadTransport:
    """GET only: the only transport a read-only client holds."""

    def __init__(self, core: HttpCore) -> None:
        self._core = core

    @property
    def target(self) -> Target:
        return self._core.target

    @property
    def clock_offset_ms(self) -> int:
        return self._core.clock.offset_ms

    def now_ms(self) -> int:
        return self._core.clock.now_ms()

    def get(self, endpoint: Endpoint, params: Mapping[str, QueryValue] | None = None) -> Answer:
        if endpoint.method != "GET":
            raise ValueError(f"{endpoint.path} is not a GET endpoint")
        return run_read(self._core, endpoint, query=params)

    def sync_clock(self) -> int:
        return sync_clock(self._core)

    def free_now(self, endpoint: Endpoint) -> int:
        """How many calls of ``endpoint`` would go out now without waiting on its limit."""
        return self._core.free_now(endpoint)

    def close(self) -> None:
        self._core.session.close()


class WriteTransport(ReadTransport):
    """Adds the signed POST.  Writes are never retried unless proven not performed."""

    def post(
        self,
        endpoint: Endpoint,
        body: bytes,
        *,
        client_order_id: str | None = None,
        retry_safe: bool = False,
    ) -> Answer:
        """``retry_safe``: a read sent as POST (the transfer list) may be retried like a GET."""
        if not endpoint.is_post:
            raise ValueError(f"{endpoint.path} is not a POST endpoint")
        if retry_safe:
            return run_read(self._core, endpoint, body=body)
        return run_write(self._core, endpoint, body, client_order_id)
