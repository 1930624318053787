"""Transport-independent request handling: route -> faults -> auth -> rate limit -> body -> backend.

``SimHandler.handle`` turns one raw HTTP request into a ``Reply``; the HTTP server and the
in-process paper adapter are thin transports around it (the moto split: backend knows nothing of
HTTP, this module knows nothing of sockets).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from runner.sim import facade
from runner.sim.auth import ApiCredentials, authenticate
from runner.sim.control import handle_control
from runner.sim.envelope import CLOUDFLARE_PAGE, SERVER_ERROR_PAGE, error_envelope, ok_envelope
from runner.sim.errors import ApiError
from runner.sim.facade import Backend, Exchange, error_fields
from runner.sim.faults import FaultBook, FaultRule
from runner.sim.host import BackendHost
from runner.sim.keys import ALL as ALL_PERMISSIONS
from runner.sim.keys import check_permission
from runner.sim.ratelimit import RateLimiter, Verdict
from runner.sim.requestlog import LogEntry
from runner.sim.routes import UNROUTED_LIMIT, LimitTarget, Route, lookup
from runner.sim.shape import FULL, error_content_type, shaper
from runner.sim.wire import Reply, json_reply, parse_json

DROP_FAULTS = frozenset({"drop_after_commit", "drop_before_commit"})
DEFAULT_LOG_LIMIT = 100_000


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class _Outcome:
    """What processing produced, before faults and logging decorate it."""

    reply: Reply
    code: int | None
    route: Route | None = None
    client_order_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SimHandler:
    """One simulated exchange: backend host, accepted credentials, limiter, faults, request log."""

    def __init__(
        self,
        host: BackendHost,
        credentials: ApiCredentials,
        *,
        rate_limit: bool = True,
        seed: int = 0,
        clock: Callable[[], int] = wall_clock_ms,
        sleep: Callable[[float], object] = time.sleep,
        log_limit: int = DEFAULT_LOG_LIMIT,
        backend: Backend | None = None,
        shape: str = FULL,
        key_permissions: frozenset[str] = ALL_PERMISSIONS,
    ) -> None:
        self.host = host
        self.shape = shape
        self._shape = shaper(shape)  # reply shaping (runner/sim/shape.py), after the backend
        self.key_permissions = key_permissions
        self.backend = backend if backend is not None else facade.real_backend()
        self.credentials = credentials
        self.seed = seed
        self.limiter = RateLimiter(enforce=rate_limit)
        self.faults = FaultBook(seed)
        self._clock = clock
        self._sleep = sleep
        self._skew_ms = 0
        self._time_offset_ms: int | None = None  # the backend's, cached (None: not read yet)
        self._log_lock = threading.Lock()
        self._log: deque[LogEntry] = deque(maxlen=log_limit)
        self._counts: Counter[str] = Counter()

    # -- time ---------------------------------------------------------------------------------
    @property
    def skew_ms(self) -> int:
        return self._skew_ms

    def set_skew(self, skew_ms: int) -> None:
        self._skew_ms = skew_ms

    def host_time_ms(self) -> int:
        """The clock the backend is given (wall clock plus skew); it adds its own offset."""
        return self._clock() + self._skew_ms

    def server_time_ms(self) -> int:
        """The simulated exchange's time: what ``/system/time`` says and timestamps must match."""
        return self.host_time_ms() + self.time_offset_ms()

    def time_offset_ms(self) -> int:
        """How far ``POST /sim/clock`` has advanced simulated time (kept by the backend)."""
        if self._time_offset_ms is None:
            with self.host.use(lambda _: False) as exchange:
                self.remember_offset(exchange)
        return self._time_offset_ms or 0

    def remember_offset(self, exchange: Exchange) -> None:
        """Keep the backend's clock offset (read whenever the backend is in hand)."""
        self._time_offset_ms = exchange.time_offset_ms

    def new_exchange(
        self, *, spot: Decimal | None = None, futures: Decimal | None = None
    ) -> Exchange:
        """A fresh account at server time (backend defaults: 10,000 USDT spot, 0 futures)."""
        amounts: dict[str, Decimal] = {}
        if spot is not None:
            amounts["spot"] = spot
        if futures is not None:
            amounts["futures"] = futures
        return self.backend.exchange.new(**amounts, seed=self.seed, now_ms=self.host_time_ms())

    # -- the request pipeline -------------------------------------------------------------------
    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        client_ip: str = "127.0.0.1",
    ) -> Reply:
        if path == "/sim" or path.startswith("/sim/"):
            return handle_control(self, method, path, body)
        fault = self.faults.take(path)
        if fault is not None and fault.fault == "delay":
            self._sleep(fault.delay_ms / 1000)
        performed: _Outcome | None = None
        if fault is None or fault.performs_request:
            lowered = {name.lower(): value for name, value in headers.items()}
            performed = self._process(method, path, query, lowered, body, client_ip)
        outcome = self._answer(fault, performed, method, path, client_ip)
        self._record(method, path, outcome, fault)
        return outcome.reply

    def _answer(
        self,
        fault: FaultRule | None,
        performed: _Outcome | None,
        method: str,
        path: str,
        client_ip: str,
    ) -> _Outcome:
        """What the client gets: the exchange's answer, or the fault's instead of it."""
        if fault is None or fault.fault == "delay":
            assert performed is not None
            return performed
        if fault.fault == "drop_after_commit":
            assert performed is not None
            performed.reply = replace(performed.reply, fault=fault.fault)
            return performed
        faulted = self._fault_outcome(fault, method, path, client_ip)
        if performed is not None:  # a 500 after commit: the log keeps the order's client id
            faulted.client_order_id = performed.client_order_id
        return faulted

    def _process(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        client_ip: str,
    ) -> _Outcome:
        now_ms = self.server_time_ms()
        route: Route | None = None
        verdict = self.limiter.peek("unrouted", client_ip, UNROUTED_LIMIT, self._clock())
        try:
            route = lookup(method, path)
            subject = self._subject(route, headers, client_ip)
            verdict = self.limiter.peek(route.path, subject, route.limit, self._clock())
            authenticate(route, headers, body, self.credentials, now_ms)
            check_permission(route, self.key_permissions)
            verdict = self.limiter.hit(route.path, subject, route.limit, self._clock())
            if not verdict.allowed:
                raise ApiError(30013, "Request too many requests", 429)
            params = self._params(method, query, body)
            data = self._dispatch(method, path, params)
        except ApiError as exc:
            envelope = self._shape(path, error_envelope(route, exc.code, exc.message), False)
            reply = _json_reply(exc.http_status, envelope, verdict)
            content_type = error_content_type(self.shape, exc.http_status)
            if content_type is not None:
                reply = replace(reply, headers={**reply.headers, "Content-Type": content_type})
            return _Outcome(reply, exc.code, route)
        client_order_id = params.get("client_order_id")
        envelope = self._shape(path, ok_envelope(route, data), True)
        return _Outcome(
            _json_reply(200, envelope, verdict),
            1000,
            route,
            client_order_id if isinstance(client_order_id, str) else None,
        )

    def _subject(self, route: Route, headers: Mapping[str, str], client_ip: str) -> str:
        if route.limit.target is LimitTarget.IP:
            return client_ip
        if route.limit.target is LimitTarget.UID:
            return "uid"  # one simulated account: every key shares its UID budget
        return headers.get("x-bm-key", "")

    def _params(self, method: str, query: str, body: bytes) -> dict[str, Any]:
        if method != "POST":
            return dict(parse_qsl(query, keep_blank_values=True))
        try:
            parsed = parse_json(body)
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if not isinstance(parsed, dict):
            raise ApiError(30018, "Request Body requires JSON format", 503)
        return parsed

    def _dispatch(self, method: str, path: str, params: dict[str, Any]) -> Any:
        def mutated(exchange: Exchange) -> bool:
            return exchange.mutates(method, path)

        with self.host.use(mutated) as exchange:
            self.remember_offset(exchange)
            try:
                return exchange.dispatch(method, path, params, self.host_time_ms())
            except self.backend.error as exc:
                # Leave the block normally: a rejected request may still have changed state.
                failure = ApiError(*error_fields(exc))
        raise failure

    def _fault_outcome(self, fault: FaultRule, method: str, path: str, client_ip: str) -> _Outcome:
        """Faults that answer (or cut) without the request reaching the exchange."""
        route = _route_or_none(method, path)
        limit = route.limit if route is not None else UNROUTED_LIMIT
        exhausted = Verdict(False, limit.count, limit)
        if fault.fault == "http_429":
            envelope = error_envelope(route, 30013, "Request too many requests")
            return _Outcome(_json_reply(429, envelope, exhausted), 30013, route)
        if fault.fault == "cloudflare_403":
            return _Outcome(_html_reply(403, CLOUDFLARE_PAGE), None, route)
        if fault.fault == "http_500":
            return _Outcome(_html_reply(500, SERVER_ERROR_PAGE), None, route)
        # drop_before_commit: nothing performed, nothing answered.
        return _Outcome(Reply(0, {}, b"", fault.fault), None, route)

    # -- request log ----------------------------------------------------------------------------
    def _record(self, method: str, path: str, outcome: _Outcome, fault: FaultRule | None) -> None:
        reply = outcome.reply
        dropped = reply.fault in DROP_FAULTS
        entry = LogEntry(
            time_ms=self.server_time_ms(),
            method=method,
            path=path,
            status=None if dropped else reply.status,
            code=None if dropped else outcome.code,
            client_order_id=outcome.client_order_id,
            write=outcome.route is not None and outcome.route.is_write,
            fault=fault.fault if fault is not None else None,
        )
        with self._log_lock:
            self._log.append(entry)
            self._counts[path] += 1

    def request_log(self) -> list[LogEntry]:
        with self._log_lock:
            return list(self._log)

    def request_counts(self) -> dict[str, int]:
        with self._log_lock:
            return dict(self._counts)

    def state(self) -> dict[str, Any]:
        """Backend state plus request counts per path and the request log (GET /sim/state)."""
        with self.host.use(lambda _: False) as exchange:
            self.remember_offset(exchange)
            backend_state = exchange.state(self.host_time_ms())
        return {
            **backend_state,
            "request_counts": self.request_counts(),
            "request_log": [entry.to_json() for entry in self.request_log()],
            "faults": self.faults.active(),
            "clock_skew_ms": self._skew_ms,
            "server_time": self.server_time_ms(),
            "shape": self.shape,
            "key_permissions": sorted(self.key_permissions),
        }


def _route_or_none(method: str, path: str) -> Route | None:
    try:
        return lookup(method, path)
    except ApiError:
        return None


def _json_reply(status: int, envelope: dict[str, Any], verdict: Verdict) -> Reply:
    return json_reply(status, envelope, verdict.headers())


def _html_reply(status: int, page: bytes) -> Reply:
    return Reply(status, {"Content-Type": "text/html; charset=UTF-8"}, page)
