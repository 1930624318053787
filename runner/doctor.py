"""`doctor`: a read-only first-contact check of an exchange, a key and (optionally) a plan.

``diagnose`` takes a read-only source (the ``ReadClient``: it cannot send a write) and returns a
``Report`` of ``Check`` lines, each PASS, WARN or FAIL with what to do.  It never raises for an
exchange problem: a failed read becomes a FAIL line with the error's own remediation, and the
checks that depend on it are skipped with a line saying so.

What BitMart's API does not expose is said, not guessed: there is no endpoint that reports a
key's permissions (trade, withdraw) or its IP binding, and every futures GET is answered for a
read-only key alike, so doctor cannot tell read from trade permission without sending a write,
which it never does.  That line is a WARN with the settings to check by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import field
from enum import StrEnum
from typing import Any, Protocol

from runner.errors import RunnerError
from runner.money import plain as show_decimal
from runner.values import value

FORMAT_VERSION = 1
CLOCK_PASS_MS = 1_000  # within a second: nothing to do
CLOCK_FAIL_MS = 30_000  # BitMart refuses signed requests beyond 60 s; half of it is too close
SLOW_MS = 2_000


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105 - a check status, not a password
    WARN = "WARN"
    FAIL = "FAIL"


@value
class Check:
    name: str
    status: Status
    message: str
    advice: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "status": self.status.value,
            "message": self.message,
            "advice": self.advice,
        }


@value
class Report:
    target: str
    base_url: str
    key: str | None  # masked
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(c.status is not Status.FAIL for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        counts = {s.value: sum(c.status is s for c in self.checks) for s in Status}
        return {
            "format_version": FORMAT_VERSION,
            "target": self.target,
            "base_url": self.base_url,
            "key": self.key,
            "ok": self.ok,
            "counts": counts,
            "checks": [c.to_json() for c in self.checks],
        }


class DoctorSource(Protocol):
    """The read-only client methods doctor uses (``runner.exchange.ReadClient``)."""

    def sync_clock(self) -> int: ...

    def system_service(self) -> Sequence[Any]: ...

    def assets(self) -> Sequence[Any]: ...

    def position_mode(self) -> str: ...

    def contracts(self, symbol: str | None = None) -> Sequence[Any]: ...

    def spot_wallet(self, currency: str | None = "USDT") -> Sequence[Any]: ...


def _problem(exc: Exception) -> tuple[str, str]:
    """An error's message and its remediation (every RunnerError carries one)."""
    if isinstance(exc, RunnerError):
        return str(exc).split("\nhint: ")[0], exc.hint or ""
    return f"{type(exc).__name__}: {exc}", ""


def _fail(name: str, exc: Exception) -> Check:
    text, hint = _problem(exc)
    return Check(name, Status.FAIL, text, hint or "see the message; rerun with --debug")


def check_connectivity(
    source: DoctorSource, base_url: str, clock: Callable[[], float]
) -> list[Check]:
    started = clock()
    try:
        offset_ms = source.sync_clock()
    except Exception as exc:
        return [_fail("connectivity", exc)]
    latency_ms = round((clock() - started) * 1000)
    speed = Status.PASS if latency_ms < SLOW_MS else Status.WARN
    checks = [
        Check(
            "connectivity",
            speed,
            f"{base_url} answered /system/time in {latency_ms} ms",
            "" if speed is Status.PASS else "slow link: expect waits; run closer to BitMart",
        )
    ]
    checks.append(clock_check(offset_ms))
    return checks


def clock_check(offset_ms: int) -> Check:
    size = abs(offset_ms)
    ahead = "ahead of" if offset_ms > 0 else "behind"
    message = f"the exchange's clock is {size} ms {ahead} this computer's"
    if size <= CLOCK_PASS_MS:
        return Check("clock", Status.PASS, message)
    advice = (
        "enable automatic time sync (NTP) on this computer; BitMart refuses signed requests "
        "more than 60 s off (the runner re-measures after a refusal, but fix the clock first)"
    )
    status = Status.WARN if size <= CLOCK_FAIL_MS else Status.FAIL
    return Check("clock", status, message, advice)


def check_maintenance(source: DoctorSource) -> Check:
    try:
        services = source.system_service()
    except Exception as exc:
        text, _ = _problem(exc)
        return Check("maintenance", Status.WARN, f"could not read /system/service: {text}")
    busy = [s for s in services if s.status == 1 and s.service_type in ("contract", "account")]
    if busy:
        titles = ", ".join(s.title for s in busy)
        return Check("maintenance", Status.WARN, f"in maintenance: {titles}", "retry later")
    return Check("maintenance", Status.PASS, "no futures maintenance in progress")


def check_key(
    source: DoctorSource, masked_key: str | None, can_sign: bool, real_key: bool = True
) -> list[Check]:
    try:
        assets = source.assets()
    except Exception as exc:
        return [_fail("key", exc)]
    checks = [Check("key", Status.PASS, f"key {masked_key or '-'} is accepted for reads")]
    if not can_sign:
        checks.append(
            Check(
                "key secret",
                Status.WARN,
                "no BITMART_API_SECRET / BITMART_API_MEMO: plan and status work, apply will not",
                "set both (the memo is the one chosen when the key was created)",
            )
        )
    if real_key:  # the paper exchange's built-in key has nothing to configure
        checks.append(_permissions_unknown())
    checks.append(balance_check(assets))
    return checks


def _permissions_unknown() -> Check:
    return Check(
        "key permissions",
        Status.WARN,
        "BitMart's API does not report a key's permissions or IP binding, and doctor sends "
        "no write, so trade and withdraw permission cannot be checked from here",
        "in BitMart's API management, give this key Read + Futures Trade only, NEVER "
        "Withdraw, and bind it to this machine's IP address",
    )


def balance_check(assets: Sequence[Any]) -> Check:
    usdt = next((a for a in assets if a.currency == "USDT"), None)
    if usdt is None:
        return Check(
            "balance",
            Status.WARN,
            "the futures wallet holds no USDT",
            "fund it (a plan's ensure_balance / transfer step can move USDT from spot)",
        )
    text = (
        f"futures USDT available {show_decimal(usdt.available)}, equity {show_decimal(usdt.equity)}"
    )
    if usdt.available <= 0:
        return Check("balance", Status.WARN, text, "no available USDT: fund the futures wallet")
    return Check("balance", Status.PASS, text)


def check_spot(source: DoctorSource) -> Check:
    """The spot wallet, where ensure_balance / transfer steps take USDT from."""
    try:
        wallet = source.spot_wallet("USDT")
    except Exception as exc:
        text, hint = _problem(exc)
        return Check(
            "spot balance",
            Status.WARN,
            f"could not read the spot wallet: {text}",
            hint or "plans with ensure_balance or transfer steps need it",
        )
    available = next((w.available for w in wallet if w.currency == "USDT"), None)
    shown = show_decimal(available) if available is not None else "0"
    return Check("spot balance", Status.PASS, f"spot USDT available {shown}")


def check_position_mode(source: DoctorSource) -> Check:
    try:
        mode = source.position_mode()
    except Exception as exc:
        return _fail("position mode", exc)
    return Check("position mode", Status.PASS, f"the account is in {mode}")


def check_symbols(source: DoctorSource, symbols: Sequence[str]) -> list[Check]:
    if not symbols:
        return []
    try:
        contracts = source.contracts()
    except Exception as exc:
        return [_fail("contracts", exc)]
    by_symbol = {c.symbol: c for c in contracts}
    unusable: dict[str, Exception] = getattr(contracts, "unusable", {})
    return [_symbol_check(s, by_symbol.get(s), unusable.get(s)) for s in symbols]


def _symbol_check(symbol: str, contract: Any | None, problem: Exception | None) -> Check:
    name = f"symbol {symbol}"
    if problem is not None:
        return _fail(name, problem)
    if contract is None:
        return Check(name, Status.FAIL, "the exchange lists no such contract", "fix the symbol")
    rules = (
        f"tick {show_decimal(contract.tick)}, size {show_decimal(contract.min_volume)}.."
        f"{show_decimal(contract.max_volume)} contracts"
        + (
            f" (market orders up to {show_decimal(contract.market_max_volume)})"
            if contract.market_max_volume is not None
            else ""
        )
        + f" in steps of {show_decimal(contract.step)}, leverage "
        f"{show_decimal(contract.min_leverage)}..{show_decimal(contract.max_leverage)}, "
        f"1 contract = {show_decimal(contract.contract_size)}"
    )
    status = contract.status
    if status is None:
        return Check(
            name,
            Status.WARN,
            f"status not reported; {rules}",
            "the exchange did not say whether it trades; it refuses orders if not",
        )
    if str(status).lower() != "trading":
        return Check(name, Status.FAIL, f"status {status}; {rules}", "choose a trading contract")
    return Check(name, Status.PASS, f"Trading; {rules}")


def diagnose(
    source: DoctorSource,
    *,
    target: str,
    base_url: str,
    masked_key: str | None,
    can_sign: bool,
    real_key: bool = True,
    spot: bool = False,
    symbols: Sequence[str] = (),
    clock: Callable[[], float] = time.monotonic,
) -> Report:
    checks = check_connectivity(source, base_url, clock)
    if checks[0].status is Status.FAIL:
        skipped = "skipped: the exchange could not be reached"
        checks.append(Check("key", Status.FAIL, skipped, "fix the connection first"))
        return Report(target, base_url, masked_key, tuple(checks))
    checks.append(check_maintenance(source))
    checks += check_key(source, masked_key, can_sign, real_key)
    if checks[-1].name != "key" or checks[-1].status is not Status.FAIL:
        if spot:
            checks.append(check_spot(source))
        checks.append(check_position_mode(source))
    checks += check_symbols(source, symbols)
    return Report(target, base_url, masked_key, tuple(checks))


def render_text(report: Report) -> list[str]:
    """The report as lines: one per check, advice indented under it (a plain renderer that a
    reporter system can wrap)."""
    lines = [f"doctor: {report.target} ({report.base_url}), key {report.key or '-'}"]
    for check in report.checks:
        lines.append(f"{check.status.value:4}  {check.name}: {check.message}")
        if check.advice:
            lines.append(f"      -> {check.advice}")
    verdict = "no problems that stop a run" if report.ok else "fix the FAIL lines before a run"
    lines.append(f"doctor: {verdict}")
    return lines
