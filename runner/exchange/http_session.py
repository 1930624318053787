"""The HTTP session: the environment read once per host, never a ``.netrc`` password.

requests reads the environment for every request it sends (``trust_env``): the proxy variables
with their ``no_proxy`` exceptions, ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE``, and the user's
``.netrc``, which it would turn into an ``Authorization: Basic`` header for a matching host.  A
run sends its requests to one or two hosts within seconds, so this session asks the environment
once per scheme and host, the first time it talks to it, and honours what it says exactly as
requests would; the ``.netrc`` it never reads: BitMart authenticates by signed headers, and
a password from ``.netrc`` has no business going to it.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.utils import get_environ_proxies

if TYPE_CHECKING:
    from requests.sessions import _Settings


def _from_environment(url: str) -> tuple[dict[str, str], str | None]:
    """The proxies the environment gives ``url`` (after ``no_proxy``) and its CA bundle, if any."""
    proxies = get_environ_proxies(url, no_proxy=None)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    return dict(proxies), bundle


class Session(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # no per-request environment and no .netrc: see the module doc
        self._environment: dict[tuple[str, str], tuple[dict[str, str], str | None]] = {}

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: MutableMapping[str, str] | None,
        stream: bool | None,
        verify: Any,
        cert: Any,
    ) -> _Settings:
        text = url.decode() if isinstance(url, bytes) else (url or "")
        parts = urlsplit(text)
        key = (parts.scheme, parts.netloc)
        known = self._environment.get(key)
        if known is None:
            known = self._environment[key] = _from_environment(text)
        env_proxies, bundle = known
        # as requests does with trust_env: the request's own proxies first, then the environment's
        merged = {**env_proxies, **(proxies or {})}
        if bundle and (verify is True or verify is None):
            verify = bundle
        return super().merge_environment_settings(url, merged, stream, verify, cert)
