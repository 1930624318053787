"""The ``paper`` exchange: the simulator in-process behind a ``requests`` transport adapter.

Each request goes through the same ``SimHandler.handle`` as the HTTP server; the backend is loaded
from the SQLite file, run and saved (if changed) in one transaction, so separate runner processes
share one consistent paper account.  Drop faults surface as ``requests.ConnectionError`` exactly as
a cut TCP connection would.  A paper session refuses every other host: it cannot reach a network.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from runner.config import PAPER_KEY, PAPER_MEMO, PAPER_SECRET, PAPER_URL
from runner.sim import facade
from runner.sim.auth import ApiCredentials
from runner.sim.facade import Backend, Exchange
from runner.sim.handlers import DROP_FAULTS, SimHandler, wall_clock_ms
from runner.sim.host import StoreHost
from runner.sim.shape import ENV_SHAPE, FULL
from runner.sim.store import SimStore
from runner.sim.wire import Reply

PAPER_CREDENTIALS = ApiCredentials(PAPER_KEY, PAPER_SECRET, PAPER_MEMO)


def _body_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        # http.client sends a str body as ISO-8859-1; mirror it so paper fails where HTTP would.
        return body.encode("iso-8859-1")
    return body


class PaperAdapter(BaseAdapter):
    """Serves requests for ``http://paper.invalid`` from a ``SimHandler`` and refuses every other
    URL: mounted for all of a paper session, so a paper run never touches the network."""

    def __init__(self, sim: SimHandler) -> None:
        super().__init__()
        self.sim = sim

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if not (request.url or "").startswith(PAPER_URL + "/"):
            raise requests.ConnectionError(
                f"the paper session only serves {PAPER_URL}, refused {request.url}",
                request=request,
            )
        parts = urlsplit(request.url or "")
        reply = self.sim.handle(
            request.method or "GET",
            parts.path or "/",
            parts.query,
            dict(request.headers),
            _body_bytes(request.body),
        )
        if reply.fault in DROP_FAULTS:
            raise requests.ConnectionError(
                f"paper exchange closed the connection without a response ({reply.fault})",
                request=request,
            )
        return self._response(request, reply)

    def _response(self, request: requests.PreparedRequest, reply: Reply) -> requests.Response:
        response = requests.Response()
        response.status_code = reply.status
        response.reason = HTTPStatus(reply.status).phrase
        response.headers = CaseInsensitiveDict(
            {**reply.headers, "Content-Length": str(len(reply.body))}
        )
        response._content = reply.body
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url or ""
        response.request = request
        response.elapsed = timedelta(0)
        response.connection = self  # type: ignore[assignment]  # requests types it too narrowly
        return response

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own SQLite connection."""


def paper_handler(db_path: Path, backend: Backend | None = None) -> SimHandler:
    """The paper exchange's handler over ``db_path`` (created on first use), rate limits off."""
    backend = backend if backend is not None else facade.real_backend()

    def new_exchange() -> Exchange:
        return backend.exchange.new(now_ms=wall_clock_ms())

    host = StoreHost(SimStore(db_path), new_exchange, backend.exchange)
    # BITMART_SIM_SHAPE=sparse: paper answers the way the real exchange's recorded replies did
    shape = os.environ.get(ENV_SHAPE) or FULL
    return SimHandler(host, PAPER_CREDENTIALS, rate_limit=False, backend=backend, shape=shape)


def paper_session(db_path: Path, backend: Backend | None = None) -> requests.Session:
    """A ``requests.Session`` whose ``http://paper.invalid`` is the simulator on ``db_path``.

    ``backend`` defaults to ``runner.sim.backend``; tests may pass another implementation.
    """
    session = requests.Session()
    adapter = PaperAdapter(paper_handler(db_path, backend))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
