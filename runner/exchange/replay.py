"""Serve a ``--record`` recording back to the runner, to check it reaches the same decisions.

``ReplayServer`` is a tiny HTTP server on 127.0.0.1: point the runner at it with ``--base-url``
and it answers each request with the reply recorded for the same request.  A GET is matched by
path and query; a POST by path alone, in recorded order (its body carries per-run client order
ids).  A request asked more often than recorded gets the last recorded reply again; a request
the recording does not hold gets a 404 ``30000`` envelope and is listed in ``misses``, so a run
that asks something new fails loudly instead of inventing an answer.

It does not import the simulator and checks no signature: it only repeats what the exchange said.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

Key = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Recorded:
    status: int
    headers: dict[str, str]
    body: str


def load_recording(path: Path) -> list[dict[str, Any]]:
    """The exchanges of one recording (the ``run`` line left out)."""
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [line for line in lines if line.get("kind") == "http" and "response" in line]


def _key(method: str, path: str, query: Iterable[tuple[str, str]]) -> Key:
    if method == "POST":
        return (method, path, ())
    return (method, path, tuple(sorted(query)))


class ReplayServer:
    def __init__(self, recording: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self._replies: dict[Key, deque[Recorded]] = defaultdict(deque)
        self._last: dict[Key, Recorded] = {}
        for line in load_recording(recording):
            request, response = line["request"], line["response"]
            key = _key(request["method"], request["path"], (request.get("query") or {}).items())
            self._replies[key].append(
                Recorded(response["status"], response.get("headers") or {}, response["body"])
            )
        self.misses: list[str] = []
        self.served = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, method: str, path: str, query: str) -> Recorded:
        key = _key(method, path, parse_qsl(query, keep_blank_values=True))
        with self._lock:
            queue = self._replies.get(key)
            if queue:
                self._last[key] = queue.popleft()
            if key in self._last:
                self.served += 1
                return self._last[key]
            self.misses.append(f"{method} {path}{'?' + query if query else ''}")
        body = json.dumps({"code": 30000, "message": f"not in the recording: {method} {path}"})
        return Recorded(404, {"Content-Type": "application/json"}, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                parts = urlsplit(self.path)
                recorded = replay.answer(self.command, parts.path, parts.query)
                payload = recorded.body.encode("utf-8")
                self.send_response(recorded.status)
                for name, value in recorded.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _reply
            do_POST = _reply

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the recording is the log

        return Handler

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_PER_RUN = {"client_order_id", "path", "hash"}


def decisions(plan_document: dict[str, Any]) -> dict[str, Any]:
    """What a ``plan --json`` decided, without what differs from run to run (client order ids
    carry a per-run nonce; the plan's path is where it was read from)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _PER_RUN}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {
        name: strip(plan_document.get(name))
        for name in ("valid", "changes", "summary", "steps", "findings")
    }
