"""Where the runner talks to, with which credentials, and where it keeps its files.

Nothing here touches the network.  The secret and memo live only inside ``Credentials`` whose
``repr`` is masked, so an accidental log line or traceback cannot print them.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum
from pathlib import Path

from runner.errors import ConfigError, CredentialsMissing
from runner.values import value

ENV_KEY = "BITMART_API_KEY"
ENV_SECRET = "BITMART_API_SECRET"  # noqa: S105 - the variable's name, not a secret
ENV_MEMO = "BITMART_API_MEMO"
ENV_EXCHANGE = "BITMART_EXCHANGE"
ENV_HOME = "BITMART_RUNNER_HOME"
ENV_BASE_URL = "BITMART_BASE_URL"

LIVE_URL = "https://api-cloud-v2.bitmart.com"
LIVE_SPOT_URL = "https://api-cloud.bitmart.com"
DEMO_URL = "https://demo-api-cloud-v2.bitmart.com"
# The paper exchange is served in-process; this host never resolves (RFC 2606 ".invalid").
PAPER_URL = "http://paper.invalid"

# Credentials of the built-in paper exchange: it is a local simulator, so these are not secrets.
PAPER_KEY = "paperkey0000000000000000000000000000"
PAPER_SECRET = "paper-secret-not-a-real-secret"  # noqa: S105
PAPER_MEMO = "paper"


class ExchangeKind(StrEnum):
    PAPER = "paper"
    DEMO = "demo"
    LIVE = "live"
    CUSTOM = "custom"  # any --base-url, e.g. `bitmart-runner sim serve`


@value
class Target:
    """An exchange endpoint set: futures host plus the host serving the spot wallet."""

    kind: ExchangeKind
    base_url: str
    spot_base_url: str | None  # None where the spot wallet does not exist (demo)

    @property
    def name(self) -> str:
        return self.kind.value if self.kind is not ExchangeKind.CUSTOM else self.base_url

    @property
    def supports_transfers(self) -> bool:
        return self.kind is not ExchangeKind.DEMO


def mask_key(key: str) -> str:
    """Show a key as its first 5 and last 4 characters; short keys are hidden entirely."""
    if len(key) <= 12:
        return "*" * len(key)
    return f"{key[:5]}...{key[-4:]}"


@value
class Credentials:
    key: str
    secret: str = field(repr=False)
    memo: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(key={self.masked_key!r})"

    __str__ = __repr__

    @property
    def masked_key(self) -> str:
        return mask_key(self.key)

    @property
    def account_id(self) -> str:
        """A stable, non-reversible name for the account: used for lock and journal file names."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]


def _source(option: str, env_name: str, cli_value: str | None, env_value: str | None) -> str:
    return f"{option} {cli_value}" if cli_value else f"{env_name}={env_value}"


def resolve_target(
    exchange: str | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    insecure: bool = False,
) -> Target:
    """Pick the target from --exchange / --base-url, else $BITMART_EXCHANGE / $BITMART_BASE_URL
    (default: paper).  A name and a URL from any two places is an error naming both: a URL in
    the environment must never silently take the signed writes meant for `--exchange live`."""
    env = os.environ if environ is None else environ
    env_exchange = env.get(ENV_EXCHANGE) or None
    env_base = env.get(ENV_BASE_URL) or None
    chosen_name = exchange or env_exchange
    chosen_url = base_url or env_base
    if chosen_name and chosen_url:
        name_src = _source("--exchange", ENV_EXCHANGE, exchange, env_exchange)
        url_src = "--base-url" if base_url else ENV_BASE_URL
        raise ConfigError(
            f"{name_src} and {url_src} both choose the exchange: give only one",
            hint=f"unset {ENV_BASE_URL} / {ENV_EXCHANGE}, or drop one of the options",
        )
    if chosen_url:
        from runner.base_url import clean_base_url

        clean, _ = clean_base_url(chosen_url, insecure=insecure)
        return Target(ExchangeKind.CUSTOM, clean, clean)
    name = (chosen_name or "paper").lower()
    if name == "paper":
        return Target(ExchangeKind.PAPER, PAPER_URL, PAPER_URL)
    if name == "demo":
        return Target(ExchangeKind.DEMO, DEMO_URL, None)
    if name == "live":
        return Target(ExchangeKind.LIVE, LIVE_URL, LIVE_SPOT_URL)
    raise ConfigError(f"unknown exchange {name!r}: choose paper, demo or live (or --base-url)")


def foreign_host_warning(base_url: str) -> str | None:
    """One line when a key is about to go to a host that is neither BitMart nor this machine."""
    from urllib3.util import parse_url

    from runner.base_url import is_loopback

    host = (parse_url(base_url).host or "").lower()
    if is_loopback(host) or host == "bitmart.com" or host.endswith(".bitmart.com"):
        return None
    return (
        f"warning: {host} is not a BitMart host: your API key and signed requests go there "
        "(make sure you trust it)"
    )


APP_NAME = "bitmart-runner"


def legacy_home() -> Path:
    """Where earlier versions kept the home on every platform (still the Linux default)."""
    return Path.home() / ".local" / "state" / APP_NAME


def default_home() -> Path:
    """The platform's per-user state folder: $XDG_STATE_HOME (~/.local/state) on Linux,
    ~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows.

    A home at the old default (``~/.local/state/bitmart-runner``) that already exists keeps being
    used, so its journals, locks and paper account are never left behind."""
    legacy = legacy_home()
    if legacy.is_dir():
        return legacy
    import platformdirs

    return Path(platformdirs.PlatformDirs(APP_NAME, appauthor=False).user_state_dir)


def runner_home() -> Path:
    """$BITMART_RUNNER_HOME, else ``default_home()`` (created on demand)."""
    raw = os.environ.get(ENV_HOME)
    home = Path(raw).expanduser() if raw else default_home()
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError(f"cannot create runner home {home}: {exc.strerror}") from None
    return home


def paper_db_path() -> Path:
    return runner_home() / "paper.sqlite3"


def posix_file_modes() -> bool:
    """Whether group/other permission bits mean something here (not on Windows, where access is
    governed by ACLs and every file reports itself readable)."""
    return os.name == "posix"


def _env_file_values(env_file: Path | None) -> dict[str, str]:
    path = env_file if env_file is not None else Path(".env")
    if not path.exists():
        if env_file is not None:
            raise ConfigError(f"env file not found: {env_file}")
        return {}
    from dotenv import dotenv_values  # imported only when there is a file to read (~2 ms)

    if posix_file_modes() and path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        print(
            f"warning: {path} is readable by group/others; run: chmod 600 {path}",
            file=sys.stderr,
        )
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_credentials(target: Target, env_file: Path | None = None) -> Credentials | None:
    """Credentials for the target, or None when none are configured.

    The environment wins over the .env file.  The paper exchange uses built-in credentials.
    """
    if target.kind is ExchangeKind.PAPER:
        if env_file is not None and not env_file.exists():  # a typo is said on every target
            raise ConfigError(f"env file not found: {env_file}")
        return Credentials(PAPER_KEY, PAPER_SECRET, PAPER_MEMO)
    values = _env_file_values(env_file)
    values.update({k: v for k, v in os.environ.items() if k.startswith("BITMART_API_")})
    key = values.get(ENV_KEY, "")
    secret = values.get(ENV_SECRET, "")
    memo = values.get(ENV_MEMO, "")
    if not (key or secret or memo):
        return None
    for name, given in ((ENV_KEY, key), (ENV_SECRET, secret), (ENV_MEMO, memo)):
        _check_credential(name, given)
    return Credentials(key, secret, memo)


def _check_credential(name: str, value: str) -> None:
    """Refuse a value no HTTP header or signature can carry as given (a pasted trailing
    newline, a stray space, a non-UTF-8 byte); the message names the variable, never the value."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problem = "a byte that is not valid UTF-8"
    else:
        bad = [ch for ch in value if ch.isspace() or not ch.isprintable()]
        if not bad and (name != ENV_KEY or value.isascii()):
            return  # the key travels in a header: ASCII only
        problem = (
            "whitespace or a control character (e.g. a trailing newline)"
            if bad
            else "characters that are not ASCII"
        )
    raise CredentialsMissing(
        f"{name} contains {problem}",
        hint=f"re-copy {name} into the environment or the .env file without extra characters",
    )


def require_credentials(creds: Credentials | None, *, signed: bool) -> Credentials:
    """Fail with a message naming each missing variable (reads need only the key)."""
    needed = [ENV_KEY, ENV_SECRET, ENV_MEMO] if signed else [ENV_KEY]
    present = {
        ENV_KEY: bool(creds and creds.key),
        ENV_SECRET: bool(creds and creds.secret),
        ENV_MEMO: bool(creds and creds.memo),
    }
    missing = [name for name in needed if not present[name]]
    if missing or creds is None:
        raise CredentialsMissing(
            f"missing: {', '.join(missing)}",
            hint="set them in the environment or a .env file (see .env.example)",
        )
    return creds
