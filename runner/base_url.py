"""Base URLs, judged by the parser that will send the request (urllib3's ``parse_url``, which
``requests`` uses), so the host we call "loopback" is the host the bytes go to.

Anything two parsers could read differently is refused rather than interpreted: user-info,
backslashes, whitespace or control characters, percent-escapes, a query or a fragment, and any
URL that does not come back unchanged from the parser.
"""

from __future__ import annotations

import ipaddress

from runner.errors import ConfigError

_FORBIDDEN = {"@": "user-info ('@')", "\\": "a backslash", "?": "a query", "#": "a fragment"}
_FORBIDDEN["%"] = "a percent-escape"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _shown(raw: str) -> str:
    """The URL as an error may show it: user-info (a password?) blanked, length bounded."""
    scheme, sep, rest = raw.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    text = f"{scheme}{sep}{rest}" if sep else raw
    return text if len(text) <= 200 else text[:200] + "..."


def _refuse(raw: str, why: str, hint: str | None = None) -> ConfigError:
    shown = _shown(raw)
    return ConfigError(f"refusing base URL {shown!r}: {why}", hint=hint)


def clean_base_url(raw: str, *, insecure: bool = False) -> tuple[str, bool]:
    """The URL without a trailing slash, and whether its host is loopback; raises ConfigError.
    Plain http is refused unless the host is loopback or ``insecure`` (--insecure) is given."""
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in raw):
        raise _refuse(raw, "it contains whitespace, control or non-ASCII characters")
    for mark, what in _FORBIDDEN.items():
        if mark in raw:
            raise _refuse(raw, f"it contains {what}", "give only scheme://host[:port][/path]")
    try:
        parts = parse_url(raw)
    except LocationParseError as exc:
        raise _refuse(raw, f"it does not parse ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.host:
        raise ConfigError(f"--base-url must be an http(s) URL, got {_shown(raw)!r}")
    if parts.auth is not None or parts.query is not None or parts.fragment is not None:
        raise _refuse(raw, "it carries user-info, a query or a fragment")
    clean = raw.rstrip("/")
    if parts.url.rstrip("/") != clean:
        raise _refuse(raw, f"it is ambiguous (the HTTP client reads it as {parts.url!r})")
    loopback = is_loopback(parts.host)
    if parts.scheme == "http" and not loopback and not insecure:
        raise _refuse(
            raw,
            "plain http: only loopback hosts may use http (signed requests travel in clear)",
            "use https, run the simulator on 127.0.0.1, or pass --insecure for a server on a "
            "network you control",
        )
    return clean, loopback
