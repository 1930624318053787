"""The simulator over real HTTP/1.1: a threaded server around ``SimHandler``, and ``SimServer``.

Keep-alive works (HTTP/1.1 with Content-Length).  The backend is guarded by the host's lock; the
configured latency is slept OUTSIDE that lock so parallel requests overlap as on the exchange.
``stop()`` cuts idle keep-alive connections and joins every handler thread, so tests leave no
thread or socket behind.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import socketserver
import sys
import threading
import traceback
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runner.sim import control_market, facade
from runner.sim.auth import TEST_CREDENTIALS, ApiCredentials
from runner.sim.control import fund, reset, set_price
from runner.sim.facade import Backend, Exchange, Levels
from runner.sim.faults import parse_rules
from runner.sim.handlers import DROP_FAULTS, SimHandler, wall_clock_ms
from runner.sim.host import MemoryHost, load_exchange
from runner.sim.keys import ALL as ALL_PERMISSIONS
from runner.sim.requestlog import LogEntry
from runner.sim.shape import FULL
from runner.sim.store import SimStore
from runner.sim.wire import Reply, json_reply

MAX_BODY_BYTES = 1 << 20
IDLE_TIMEOUT_S = 120
# How often the accept loop checks for shutdown: bounds how long stop() takes.
POLL_INTERVAL_S = 0.02


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        sim: SimHandler,
        latency_ms: int,
        stopping: threading.Event,
        sleep: Callable[[float], object],
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sim = sim
        self.latency_s = latency_ms / 1000
        self.stopping = stopping
        self.sleep = sleep
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn): a DNS query we do not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut_open_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):  # already closed by the peer
                conn.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bitmart-runner-sim"
    sys_version = ""
    timeout = IDLE_TIMEOUT_S
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log in SimHandler is the record; stderr stays quiet

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self._send(json_reply(400, {"error": str(exc)}))
            self.close_connection = True
            return
        parts = urlsplit(self.path)
        if self._is_api(parts.path):
            self.server.sleep(self.server.latency_s)  # outside any lock: requests overlap
            if self.server.stopping.is_set():
                self.close_connection = True  # stopping: give up on the request
                return
        try:
            reply = self.server.sim.handle(
                self.command,
                parts.path,
                parts.query,
                dict(self.headers.items()),
                body,
                client_ip=str(self.client_address[0]),
            )
        except Exception:  # a simulator bug: say so loudly, answer 500, keep serving
            traceback.print_exc(file=sys.stderr)
            reply = json_reply(500, {"code": 500, "message": "simulator internal error"})
        if reply.fault in DROP_FAULTS:
            self.close_connection = True  # no response at all: the client sees a cut connection
            return
        self._send(reply)

    def _is_api(self, path: str) -> bool:
        # Simulated network latency applies to the exchange API, not to the /sim/* controls.
        return self.server.latency_s > 0 and not path.startswith("/sim/")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length", "0") or "0"
        if not raw.isdigit() or int(raw) > MAX_BODY_BYTES:
            raise ValueError("invalid or too large Content-Length")
        return self.rfile.read(int(raw))

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            size = int(size_line, 16)  # ValueError on garbage, reported as 400
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise ValueError("request body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status, HTTPStatus(reply.status).phrase)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _as_decimal(value: Decimal | str | int) -> Decimal:
    if isinstance(value, float):  # money is never a float, not even in test helpers
        raise TypeError("pass prices and amounts as Decimal, str or int, not float")
    return Decimal(value)


class SimServer:
    """The simulator on 127.0.0.1 in a background thread; a context manager for tests.

    ``SimServer()`` accepts ``TEST_CREDENTIALS``; ``.credentials`` tells a client what to send.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: ApiCredentials = TEST_CREDENTIALS,
        db: Path | None = None,
        latency_ms: int = 0,
        seed: int = 0,
        rate_limit: bool = True,
        clock: Callable[[], int] = wall_clock_ms,
        backend: Backend | None = None,
        sleep: Callable[[float], object] | None = None,
        shape: str = FULL,
        key_permissions: frozenset[str] = ALL_PERMISSIONS,
    ) -> None:
        """``sleep`` (latency and delay faults) defaults to a wait that ends when stopping;
        ``shape`` ``sparse`` answers like the real exchange's recorded replies (sim/shape.py);
        ``key_permissions`` ``{"read"}`` makes the accepted key read-only (sim/keys.py)."""
        self.credentials = credentials
        self._store = SimStore(db) if db is not None else None

        backend = backend if backend is not None else facade.real_backend()

        def new_exchange() -> Exchange:
            return backend.exchange.new(seed=seed, now_ms=clock())

        if self._store is not None:
            exchange = load_exchange(self._store, new_exchange, backend.exchange)
        else:
            exchange = new_exchange()
        stopping = threading.Event()
        sleep = sleep if sleep is not None else stopping.wait
        self.sim = SimHandler(
            MemoryHost(exchange, self._store),
            credentials,
            rate_limit=rate_limit,
            seed=seed,
            clock=clock,
            sleep=sleep,
            backend=backend,
            shape=shape,
            key_permissions=key_permissions,
        )
        self._httpd = _HTTPServer((host, port), self.sim, latency_ms, stopping, sleep)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> SimServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": POLL_INTERVAL_S},
                name="sim-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.stopping.set()
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.cut_open_connections()
        self._httpd.server_close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- control, in-process (same operations as the /sim/* endpoints) ---------------------------
    def state(self) -> dict[str, Any]:
        return self.sim.state()

    def request_log(self) -> list[LogEntry]:
        return self.sim.request_log()

    def request_counts(self) -> dict[str, int]:
        return self.sim.request_counts()

    def writes(self) -> list[LogEntry]:
        """Requests that could change the account (SIGNED POSTs except the transfer list)."""
        return [entry for entry in self.sim.request_log() if entry.write]

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self.sim.faults.add(parse_rules({"rules": rules}))

    def clear_faults(self) -> None:
        self.sim.faults.clear()

    def set_price(
        self, symbol: str, price: Decimal | str | int, mark: Decimal | str | int | None = None
    ) -> None:
        set_price(self.sim, symbol, _as_decimal(price), None if mark is None else _as_decimal(mark))

    def fund(self, wallet: str, amount: Decimal | str | int) -> None:
        fund(self.sim, wallet, _as_decimal(amount))

    def reset(
        self, *, spot: Decimal | str | int | None = None, futures: Decimal | str | int | None = None
    ) -> None:
        reset(
            self.sim,
            spot=None if spot is None else _as_decimal(spot),
            futures=None if futures is None else _as_decimal(futures),
        )

    def set_clock_skew(self, skew_ms: int) -> None:
        self.sim.set_skew(skew_ms)

    def set_book(
        self,
        symbol: str,
        bids: list[tuple[Decimal | str | int, int]] | None,
        asks: list[tuple[Decimal | str | int, int]] | None,
    ) -> dict[str, Any] | None:
        """``POST /sim/book``; both None removes the book.  Returns the book left afterwards."""

        def levels(raw: list[tuple[Decimal | str | int, int]] | None) -> Levels | None:
            return None if raw is None else [(_as_decimal(p), size) for p, size in raw]

        return control_market.set_book(self.sim, symbol, levels(bids), levels(asks))

    def advance_clock(self, advance_ms: int) -> dict[str, Any]:
        """``POST /sim/clock {"advance_ms"}``: the backend's answer (time, funding paid)."""
        return control_market.advance_clock(self.sim, advance_ms)

    def set_funding_rate(self, symbol: str, rate: Decimal | str | int) -> None:
        control_market.set_funding_rate(self.sim, symbol, _as_decimal(rate))


def serve_until_signalled(server: SimServer, announce: Callable[[str], None]) -> None:
    """Start ``server``, announce its URL, and stop cleanly on SIGINT, SIGTERM or SIGBREAK.

    Runs in the main thread (signal handlers can only be installed there); the handler only sets
    an event, and the main thread does the shutdown, because ``shutdown()`` must not run on the
    serving thread.
    """
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    # SIGBREAK (Ctrl-Break) exists only on Windows, where it is how a console stops a child
    names = ("SIGINT", "SIGTERM", "SIGBREAK")
    stops = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, on_signal) for sig in stops}
    try:
        server.start()
        announce(f"listening on {server.url}")
        while not stop.wait(1.0):
            pass  # a bounded wait keeps the loop responsive on platforms without EINTR retry
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
