"""`bitmart-runner sim ...`: serve the simulator, or drive the paper exchange (or a running server).

``price``, ``fund``, ``reset``, ``state``, ``book``, ``clock`` and ``funding`` speak to the
control endpoints: of the paper exchange
in-process (its SQLite file under the runner home) or, with ``--base-url``, of a running
``sim serve``.  One code path for both, so the paper file and a server behave the same.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from runner.commands.common import Output, epilog, output_options
from runner.commands.sim_market import book, clock, funding
from runner.commands.simcontrol import (
    CONTROL_ENV,
    NON_NEGATIVE,
    POSITIVE,
    base_url_option,
    control,
    report_control,
)
from runner.config import ENV_KEY, ENV_MEMO, ENV_SECRET, mask_key
from runner.errors import ConfigError, ExitCode, UsageError
from runner.money import plain
from runner.render.views.misc import SimControl

_CONTROL_ENV = CONTROL_ENV
_CONTROL_EXAMPLES = (
    "bitmart-runner sim price BTCUSDT 64000 --mark 63990",
    "bitmart-runner sim fund 1000 --wallet futures",
    "bitmart-runner sim state --base-url http://127.0.0.1:8080 | jq '.positions'",
)
_SERVE_EXAMPLES = (
    "bitmart-runner sim serve --port 8080",
    "bitmart-runner sim serve --db sim.sqlite --latency-ms 50",
    "bitmart-runner plan plans/btc.plan.yaml --base-url http://127.0.0.1:8080",
)
_SERVE_ENV = ("BITMART_API_KEY", "BITMART_API_SECRET", "BITMART_API_MEMO", "BITMART_RUNNER_DEBUG")


@click.group("sim", epilog=epilog((*_CONTROL_EXAMPLES[:2], _SERVE_EXAMPLES[0]), _CONTROL_ENV))
def sim() -> None:
    """The BitMart futures simulator: serve it over HTTP, or drive the paper exchange."""


for _market_command in (book, clock, funding):
    sim.add_command(_market_command)


@sim.command("serve", epilog=epilog(_SERVE_EXAMPLES, _SERVE_ENV))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file keeping the simulated account across restarts (default: in memory).",
)
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0, 60_000))
@click.option("--api-key", envvar=ENV_KEY, default=None, help=f"Accepted key [env: {ENV_KEY}].")
@click.option("--api-secret", envvar=ENV_SECRET, default=None, help=f"[env: {ENV_SECRET}]")
@click.option("--api-memo", envvar=ENV_MEMO, default=None, help=f"[env: {ENV_MEMO}]")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for ids and faults.")
@click.option("--no-rate-limit", is_flag=True, help="Count requests but never answer 429.")
@click.option(
    "--shape",
    type=click.Choice(["full", "sparse"]),
    envvar="BITMART_SIM_SHAPE",
    default="full",
    show_default=True,
    help="sparse: answer like the real exchange's recorded replies (optional fields left out, "
    "bare error envelopes) [env: BITMART_SIM_SHAPE].",
)
@click.option(
    "--key-permissions",
    type=click.Choice(["read,trade", "read", "none"]),
    default="read,trade",
    show_default=True,
    help="What the accepted key may do: `read` makes it read-only (writes get 30012).",
)
def serve(
    host: str,
    port: int,
    db: Path | None,
    latency_ms: int,
    api_key: str | None,
    api_secret: str | None,
    api_memo: str | None,
    seed: int,
    no_rate_limit: bool,
    shape: str,
    key_permissions: str,
) -> int:
    """Serve the BitMart futures REST API; first stdout line: `listening on http://HOST:PORT`.

    Without credentials it accepts BitMart's published documentation example key
    (runner.sim.auth.TEST_CREDENTIALS); stop it with Ctrl-C or SIGTERM.
    """
    from runner.sim.auth import TEST_CREDENTIALS, ApiCredentials
    from runner.sim.server import SimServer, serve_until_signalled

    given = {ENV_KEY: api_key, ENV_SECRET: api_secret, ENV_MEMO: api_memo}
    if not any(given.values()):
        credentials = TEST_CREDENTIALS
        click.echo(
            f"no credentials given: accepting the test key {mask_key(credentials.key)} "
            "(secret and memo: runner.sim.auth.TEST_CREDENTIALS)",
            err=True,
        )
    else:
        missing = [name for name, value in given.items() if not value]
        if missing:
            raise UsageError(f"sim serve: missing {', '.join(missing)} (give all three or none)")
        credentials = ApiCredentials(str(api_key), str(api_secret), str(api_memo))
        click.echo(f"accepting key {mask_key(credentials.key)}", err=True)
    try:
        server = SimServer(
            host=host,
            port=port,
            credentials=credentials,
            db=db,
            latency_ms=latency_ms,
            seed=seed,
            rate_limit=not no_rate_limit,
            shape=shape,
            key_permissions=frozenset(p for p in key_permissions.split(",") if p != "none"),
        )
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not _is_loopback_host(host):
        click.echo(f"warning: {host} is reachable from other machines", err=True)

    def announce(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    serve_until_signalled(server, announce)
    click.echo("simulator stopped", err=True)
    return ExitCode.OK


def _is_loopback_host(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


# -- control commands -----------------------------------------------------------------------------


@sim.command("price", epilog=epilog(_CONTROL_EXAMPLES, _CONTROL_ENV))
@click.argument("symbol")
@click.argument("price", type=POSITIVE)
@click.option("--mark", type=POSITIVE, default=None, help="Mark price (default: the backend's).")
@base_url_option
@output_options
def price(
    symbol: str,
    price: Decimal,
    mark: Decimal | None,
    base_url: str | None,
    output: Output,
) -> int:
    """Move SYMBOL's last price (fills limits, fires TP/SL and plan orders, liquidates)."""
    payload: dict[str, str] = {"symbol": symbol.upper(), "price": plain(price)}
    if mark is not None:
        payload["mark"] = plain(mark)
    answer = control(base_url, "POST", "/sim/price", payload)
    suffix = f", mark {plain(mark)}" if mark is not None else ""
    message = f"{symbol.upper()}: last price {plain(price)}{suffix}"
    return report_control(SimControl("sim price", message, answer), output)


@sim.command("fund", epilog=epilog(_CONTROL_EXAMPLES, _CONTROL_ENV))
@click.argument("amount", type=POSITIVE)
@click.option("--wallet", type=click.Choice(["spot", "futures"]), default="spot", show_default=True)
@base_url_option
@output_options
def fund(amount: Decimal, wallet: str, base_url: str | None, output: Output) -> int:
    """Credit AMOUNT USDT to the spot (default) or futures wallet."""
    answer = control(base_url, "POST", "/sim/fund", {"wallet": wallet, "amount": plain(amount)})
    message = f"credited {plain(amount)} USDT to the {wallet} wallet"
    return report_control(SimControl("sim fund", message, answer), output)


@sim.command("reset", epilog=epilog(_CONTROL_EXAMPLES, _CONTROL_ENV))
@click.option("--spot", type=NON_NEGATIVE, default=None, help="Starting spot USDT (default 10000).")
@click.option(
    "--futures", type=NON_NEGATIVE, default=None, help="Starting futures USDT (default 0)."
)
@base_url_option
@output_options
def reset(
    spot: Decimal | None,
    futures: Decimal | None,
    base_url: str | None,
    output: Output,
) -> int:
    """Start a fresh simulated account (positions, orders and history are discarded)."""
    payload = {
        name: str(value)
        for name, value in (("spot", spot), ("futures", futures))
        if value is not None
    }
    answer = control(base_url, "POST", "/sim/reset", payload)
    message = "fresh simulated account"
    return report_control(SimControl("sim reset", message, answer), output)


@sim.command("state", epilog=epilog(_CONTROL_EXAMPLES, _CONTROL_ENV))
@base_url_option
@output_options
def state(base_url: str | None, output: Output) -> int:
    """Print the simulator state as JSON: balances, positions, orders, request counts.

    The default prints the simulator's own JSON (numbers as numbers); --format json wraps it in
    the versioned envelope (kind "sim", decimals as strings, like every other document).
    """
    body = control(base_url, "GET", "/sim/state")
    return report_control(SimControl("sim state", "", body), output)
