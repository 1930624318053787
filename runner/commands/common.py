"""Options shared by the commands: exchange, output format, and the help epilog."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from runner.render.reporter import FORMATS, Reporter, make_reporter
from runner.values import value

if TYPE_CHECKING:
    from runner.session import Session

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

# Every environment variable the runner reads, with what it does (the help lists each command's).
ENVIRONMENT: dict[str, str] = {
    "BITMART_EXCHANGE": "paper (default), demo or live, like --exchange",
    "BITMART_BASE_URL": "a BitMart-compatible server, like --base-url",
    "BITMART_API_KEY": "API key (also read from .env or --env-file)",
    "BITMART_API_SECRET": "API secret (never shown)",
    "BITMART_API_MEMO": "API memo (never shown)",
    "BITMART_RUNNER_HOME": "journals, locks, paper exchange (~/.local/state/bitmart-runner)",
    "NO_COLOR": "any value: no colour, like --no-color",
    "BITMART_RUNNER_DEBUG": "1: tracebacks for internal errors, like --debug",
}
EXCHANGE_ENV = tuple(ENVIRONMENT)


def epilog(examples: Sequence[str], env: Sequence[str]) -> str:
    """`--help`'s closing lines: examples, then the environment variables the command reads."""
    width = max(len(name) for name in env)
    lines = ["\b", "Examples:", *(f"  {example}" for example in examples), ""]
    lines += ["\b", "Environment:", *(f"  {name:<{width}}  {ENVIRONMENT[name]}" for name in env)]
    return "\n".join(lines)


def exchange_command(name: str, examples: Sequence[str]) -> Callable[[F], click.Command]:
    """A command that reaches an exchange: its help ends with the examples and every
    environment variable the runner reads."""
    return click.command(name, epilog=epilog(examples, EXCHANGE_ENV))


def _remember_record_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    from runner.session import RECORD_KEY

    if value is not None:
        ctx.meta[RECORD_KEY] = value


def _remember_insecure(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    from runner.session import INSECURE_KEY

    if value:
        ctx.meta[INSECURE_KEY] = True


@value
class ExchangeChoice:
    """--exchange / --base-url / --env-file as one value: the session a command opens."""

    exchange: str | None
    base_url: str | None
    env_file: Path | None

    def open(self) -> Session:
        from runner.session import open_session

        return open_session(self.exchange, self.base_url, self.env_file)


def exchange_options(func: Callable[..., R]) -> Callable[..., R]:
    """--exchange / --base-url / --env-file / --record / --insecure, read by every command that
    reaches an exchange; the command gets them as one ``account: ExchangeChoice`` (--record and
    --insecure are picked up by ``open_session``, so commands need no parameter for them)."""

    @functools.wraps(func)
    def command(
        *args: Any, exchange: str | None, base_url: str | None, env_file: Path | None, **kw: Any
    ) -> R:
        return func(*args, account=ExchangeChoice(exchange, base_url, env_file), **kw)

    wrapped: Callable[..., R] = command
    wrapped = click.option(
        "--insecure",
        is_flag=True,
        expose_value=False,
        callback=_remember_insecure,
        help="Allow a plain-http --base-url that is not loopback (signed requests then travel "
        "in clear: only for a server on a network you control).",
    )(wrapped)
    wrapped = click.option(
        "--record",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_remember_record_dir,
        help="Write every request and reply (redacted: key masked, no secret, memo or "
        "signature) as JSON lines into this directory, e.g. for a bug report.",
    )(wrapped)
    wrapped = click.option(
        "--env-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Read BITMART_API_* from this file (default: ./.env if present).",
    )(wrapped)
    wrapped = click.option(
        "--base-url",
        default=None,
        help="Any BitMart-compatible server, e.g. one started by `bitmart-runner sim serve` "
        "(or BITMART_BASE_URL; giving it with --exchange/BITMART_EXCHANGE is an error).",
    )(wrapped)
    wrapped = click.option(
        "--exchange",
        type=click.Choice(["paper", "demo", "live"], case_sensitive=False),
        default=None,
        help="paper (default, built-in simulator), demo or live (or BITMART_EXCHANGE).",
    )(wrapped)
    return wrapped


@value
class Output:
    """--format / --json / --no-color as one value: the reporter a command prints through."""

    fmt: str
    no_color: bool

    def reporter(self) -> Reporter:
        """Made when the command prints, so that colour follows the stdout it prints to."""
        return make_reporter(self.fmt, no_color=self.no_color)


def output_options(func: Callable[..., R]) -> Callable[..., R]:
    """--format text|json|github, --json (its alias) and --no-color (NO_COLOR is honoured too);
    the command gets them as one ``output: Output``."""

    @functools.wraps(func)
    def command(*args: Any, fmt: str, as_json: bool, no_color: bool, **kw: Any) -> R:
        return func(*args, output=Output(output_format(fmt, as_json), no_color), **kw)

    wrapped: Callable[..., R] = command
    wrapped = click.option("--no-color", is_flag=True, help="Plain output (also: NO_COLOR=1).")(
        wrapped
    )
    wrapped = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(
        wrapped
    )
    wrapped = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="text for people, json (one versioned document on stdout) for scripts, github for "
        "workflow annotations.",
    )(wrapped)
    return wrapped


def output_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


DEFAULT_TIMEOUT_S = 300.0
DEFAULT_REQUEST_TIMEOUT_S = 30.0


def _seconds(name: str, dest: str, default: float, high: float, text: str) -> Callable[[F], F]:
    return click.option(
        name,
        dest,
        type=click.FloatRange(min=1, max=high),
        default=default,
        show_default=True,
        help=text,
    )


def timeout_option(func: F) -> F:
    """--timeout: the whole command's time for the exchange; --request-timeout: each request's
    (plan and apply)."""
    func = _seconds(
        "--request-timeout",
        "request_timeout_s",
        DEFAULT_REQUEST_TIMEOUT_S,
        600,
        "Seconds one request to the exchange may take in total (connection, headers and body); "
        "a slower reply is a network error (for a write: an unknown outcome, reconciled).",
    )(func)
    return _seconds(
        "--timeout",
        "timeout_s",
        DEFAULT_TIMEOUT_S,
        3600,
        "Seconds the whole command may spend on the exchange: requests, rate-limit and "
        "Cloudflare waits, waiting for an earlier run's write to expire (not the lock wait, not "
        "the CONFIRM prompt). When it passes, plan and apply before any write exit 6; apply "
        "after writes sends nothing more and exits 4 (a write cut off is reconciled next run).",
    )(func)
