"""Read everything a plan needs from the account, read-only, in one parallel round.

The read side of the plan pipeline: it turns the client's typed rows into the immutable
``Snapshot`` the pure compiler works on (``runner.compiler`` itself does no I/O).  Every read
is independent, so they all go out at once on a small thread pool (the client's limiter keeps
them within the published rate limits); nothing is read twice and only the plan's symbols are
asked for.  The reader is typed against the few client methods it uses (``SnapshotSource``), so
the read-only client satisfies it and tests can hand it a plain fake.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from runner.compiler.estimates import Bracket
from runner.compiler.snapshot import (
    Balances,
    ContractSpec,
    Market,
    Position,
    Snapshot,
    SymbolSetting,
    TriggerOrder,
    WorkingOrder,
)
from runner.domain import Margin, Mode, PosSide, TriggerKind
from runner.exchange import codes_domain as codes
from runner.values import value

ZERO = Decimal(0)
T = TypeVar("T")


class SnapshotSource(Protocol):
    """The read-only client methods the reader uses (``runner.exchange.ReadClient``)."""

    def contracts(self, symbol: str | None = None) -> Sequence[Any]: ...

    def leverage_brackets(self, symbol: str | None = None) -> Mapping[str, Sequence[Any]]: ...

    def fee_rate(self, symbol: str) -> Any: ...

    def assets(self) -> Sequence[Any]: ...

    def positions_v2(self, symbol: str | None = None) -> Sequence[Any]: ...

    def position_mode(self) -> str: ...

    def open_orders(self, symbol: str | None = None) -> Sequence[Any]: ...

    def plan_orders(
        self, symbol: str | None = None, plan_type: str | None = None
    ) -> Sequence[Any]: ...

    def spot_wallet(self, currency: str | None = "USDT") -> Sequence[Any]: ...


@value
class Needs:
    """What beyond the plan's symbols must be read."""

    spot: bool = False  # a transfer or ensure_balance step: the spot wallet
    mode: bool = False  # a position_mode step: the mode and every position on the account
    cross: bool = False  # a step that may hold cross: every position (one cross margin backs all)


@value
class KnownFee:
    taker: Decimal
    maker: Decimal


def known_fees(snapshot: Snapshot) -> dict[str, KnownFee]:
    """The fee rates a snapshot already holds, for ``read_snapshot(known_fees=...)``."""
    return {s: KnownFee(spec.taker_fee, spec.maker_fee) for s, spec in snapshot.specs.items()}


class SymbolUnknown(LookupError):
    def __init__(self, symbols: Sequence[str]) -> None:
        super().__init__(", ".join(symbols))
        self.symbols = tuple(symbols)


def read_snapshot(
    source: SnapshotSource,
    symbols: Sequence[str],
    *,
    target: str,
    needs: Needs,
    now: Callable[[], datetime],
    known_fees: Mapping[str, Any] | None = None,
    whole_account: bool = False,
    known_mode: Mode | None = None,
    settings_of: Collection[str] = (),
) -> Snapshot:
    """One parallel round of reads -> ``Snapshot``.  Raises ``SymbolUnknown`` for a symbol the
    exchange does not list; client errors propagate unchanged.

    ``known_fees`` (symbol -> object with ``taker``/``maker``) skips the fee-rate reads for the
    symbols it holds (``fee_reads`` says which are read): an account's fee tier does not move
    within a run, and that endpoint allows only 2 calls per 2 s, so re-reading it to verify an
    apply would cost a wait.

    ``whole_account`` reads every position with one account-wide position-v2 (the apply report
    shows them all) instead of one read per plan symbol; that read lists held positions only,
    so a flat symbol's setting is read on its own only for ``settings_of`` (a leverage this run
    set).  The mode is read for a position_mode step (``needs.mode``); otherwise it comes from
    the rows, else ``known_mode`` (nothing else changes it)."""
    symbols = tuple(dict.fromkeys(symbols))
    one = symbols[0] if len(symbols) == 1 else None
    every = needs.mode or needs.cross or whole_account
    each = [s for s in symbols if s in settings_of] if whole_account else symbols
    read_mode = needs.mode or (not symbols and known_mode is None)
    fee_symbols = fee_reads_for(symbols, known_fees)
    # a worker per read: a read queued behind the others would be a round of its own
    reads = 5 + len(fee_symbols) + len(each) + int(every) + int(needs.spot) + int(read_mode)
    with ThreadPoolExecutor(max_workers=reads, thread_name_prefix="snapshot") as pool:

        def go(fn: Callable[..., T], *args: Any) -> Future[T]:
            return pool.submit(fn, *args)

        contracts = go(source.contracts, one)
        brackets = go(source.leverage_brackets, one)
        fee_reads = {s: go(source.fee_rate, s) for s in fee_symbols}
        positions = {s: go(source.positions_v2, s) for s in each}
        every_position = go(source.positions_v2) if every else None
        orders = go(source.open_orders)
        triggers = go(source.plan_orders)
        assets = go(source.assets)
        spot = go(source.spot_wallet, "USDT") if needs.spot else None
        mode = go(source.position_mode) if read_mode else None
        taken_at = now()
        rows = {s: list(f.result()) for s, f in positions.items()}
        all_rows = list(every_position.result()) if every_position is not None else None
        for symbol in symbols:
            if symbol not in rows:  # held positions only: none is a flat symbol
                rows[symbol] = [r for r in all_rows or () if r.symbol == symbol]
        return _assemble(
            target=target,
            taken_at=taken_at,
            symbols=symbols,
            contracts=contracts.result(),
            brackets=brackets.result(),
            fees={
                **{s: known_fees[s] for s in symbols if known_fees and s in known_fees},
                **{s: f.result() for s, f in fee_reads.items()},
            },
            position_rows=rows,
            all_position_rows=all_rows,
            account_wide=needs.mode or whole_account,
            orders=orders.result(),
            triggers=triggers.result(),
            assets=assets.result(),
            spot=spot.result() if spot is not None else None,
            mode_text=mode.result() if mode is not None else None,
            known_mode=known_mode,
        )


def fee_reads_for(symbols: Sequence[str], known: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The symbols whose fee rates a snapshot reads: those not known (``take_snapshot`` says
    which it does not wait for)."""
    return tuple(s for s in dict.fromkeys(symbols) if not known or s not in known)


def _assemble(
    *,
    target: str,
    taken_at: datetime,
    symbols: tuple[str, ...],
    contracts: Sequence[Any],
    brackets: Mapping[str, Sequence[Any]],
    fees: Mapping[str, Any],
    position_rows: Mapping[str, list[Any]],
    all_position_rows: list[Any] | None,
    orders: Sequence[Any],
    triggers: Sequence[Any],
    assets: Sequence[Any],
    spot: Sequence[Any] | None,
    mode_text: str | None,
    account_wide: bool = True,
    known_mode: Mode | None = None,
) -> Snapshot:
    account_wide = account_wide and all_position_rows is not None
    by_symbol = {c.symbol: c for c in contracts if c.symbol in symbols}
    _raise_unusable(symbols, by_symbol, contracts, brackets)
    missing = [s for s in symbols if s not in by_symbol]
    if missing:
        raise SymbolUnknown(missing)
    specs = {
        s: _spec(by_symbol[s], brackets.get(s, ()), fees.get(s, STANDARD_FEE)) for s in symbols
    }
    rows = [row for s in symbols for row in position_rows[s]]
    # every position is read for a mode switch (then orders of every symbol count too) or for
    # a cross estimate (positions only: their margin backs the plan's cross positions)
    if all_position_rows is not None:
        rows += [r for r in all_position_rows if r.symbol not in symbols]
    mode = _mode(mode_text, rows) or known_mode

    def in_scope(symbol: str) -> bool:
        return account_wide or symbol in symbols

    return Snapshot(
        target=target,
        taken_at=taken_at,
        mode=mode,
        specs=specs,
        markets={s: _market(by_symbol[s], position_rows[s]) for s in symbols},
        settings=_settings(position_rows),
        positions=tuple(p for row in rows if (p := _position(row)) is not None),
        open_orders=tuple(_working(o) for o in orders if in_scope(o.symbol)),
        trigger_orders=tuple(
            t for o in triggers if in_scope(o.symbol) and (t := _trigger(o)) is not None
        ),
        balances=_balances(assets, spot),
        account_wide=account_wide,
    )


def _raise_unusable(
    symbols: tuple[str, ...],
    by_symbol: Mapping[str, Any],
    contracts: Sequence[Any],
    brackets: Mapping[str, Sequence[Any]],
) -> None:
    """A plan symbol whose contract or bracket row lacked a required field stops the plan with
    the parser's error (endpoint, symbol, field); other symbols' odd rows do not matter here."""
    bad_contracts: Mapping[str, Exception] = getattr(contracts, "unusable", {})
    bad_brackets: Mapping[str, Exception] = getattr(brackets, "unusable", {})
    for symbol in symbols:
        if symbol not in by_symbol and symbol in bad_contracts:
            raise bad_contracts[symbol]
        if symbol not in brackets and symbol in bad_brackets:
            raise bad_brackets[symbol]


# BitMart's published standard futures fees, used only when the fee-rate read is skipped (its
# limit spent, for a plan whose actions do not follow the rates): estimates then err on the
# usual tier, the highest.
STANDARD_FEE = KnownFee(Decimal("0.0006"), Decimal("0.0002"))


def _spec(contract: Any, brackets: Sequence[Any], fee: Any) -> ContractSpec:
    taker: Decimal = fee.taker
    maker: Decimal = fee.maker
    return ContractSpec(
        symbol=contract.symbol,
        contract_size=contract.contract_size,
        tick=contract.tick,
        step=contract.step,
        min_volume=contract.min_volume,
        max_volume=contract.max_volume,
        # absent (2023 replies): market orders are held to max_volume; the exchange still
        # enforces its own cap, and a refused order moves no money
        market_max_volume=contract.market_max_volume or contract.max_volume,
        min_leverage=contract.min_leverage,
        max_leverage=contract.max_leverage,
        brackets=tuple(
            Bracket(b.notional_floor, b.notional_cap, b.max_leverage, b.maint_margin_ratio, b.cum)
            for b in sorted(brackets, key=lambda b: b.notional_floor)
        ),
        taker_fee=taker,
        maker_fee=maker,
        # absent status (2023 replies) is not a refusal: the exchange refuses orders on a
        # contract that is not trading; a reported status other than Trading blocks the plan
        trading=contract.status is None or str(contract.status).lower() == "trading",
    )


def _market(contract: Any, rows: Sequence[Any]) -> Market:
    """Last price from the contract; mark from position-v2 (reported also when flat)."""
    last = contract.last_price
    mark = next((r.mark_price for r in rows if r.mark_price and r.mark_price > 0), None)
    if mark is None:
        index = getattr(contract, "index_price", None)
        mark = index if index else last
    return Market(last=last, mark=mark)


def _side(row: Any) -> PosSide | None:
    if row.side in ("long", "short"):
        return PosSide(row.side)
    signed = row.signed_size
    if signed is None or signed == 0:
        return None
    return PosSide.LONG if signed > 0 else PosSide.SHORT


def _margin(text: str | None) -> Margin | None:
    if not text:
        return None
    return Margin(str(text).lower())


def _position(row: Any) -> Position | None:
    """``current_amount`` is the existence test (facts §13 #13): zero rows are settings only."""
    side = _side(row)
    if side is None or not row.size or row.size <= 0:
        return None
    return Position(
        symbol=row.symbol,
        side=side,
        size=row.size,
        entry_price=row.entry_price,
        leverage=row.leverage,
        margin=_margin(row.margin_mode) or Margin.CROSS,
        liquidation_price=row.liquidation_price or ZERO,
        initial_margin=row.initial_margin or ZERO,
        unrealized_pnl=row.unrealized_pnl or ZERO,
        maintenance_margin=getattr(row, "maintenance_margin", None) or ZERO,
    )


def _settings(position_rows: Mapping[str, list[Any]]) -> dict[str, SymbolSetting]:
    settings = {}
    for symbol, rows in position_rows.items():
        row = next((r for r in rows if r.leverage and _margin(r.margin_mode)), None)
        if row is not None:
            margin = _margin(row.margin_mode)
            assert margin is not None
            settings[symbol] = SymbolSetting(symbol, row.leverage, margin)
    return settings


def _mode(mode_text: str | None, rows: Sequence[Any]) -> Mode | None:
    if mode_text:
        return Mode.HEDGE if mode_text.startswith("hedge") else Mode.ONE_WAY
    # position-v2 with a symbol always returns rows: `both` in one-way mode, long/short in hedge.
    sides = {r.side for r in rows}
    if "both" in sides:
        return Mode.ONE_WAY
    if sides & {"long", "short"}:
        return Mode.HEDGE
    return None


def _working(order: Any) -> WorkingOrder:
    trailing = order.type == "trailing"
    return WorkingOrder(
        activation_price=order.activation_price if trailing else None,
        callback_rate=order.callback_rate if trailing else None,
        activation_source=(codes.price_source(order.activation_price_type) if trailing else None),
        order_id=str(order.order_id),
        client_order_id=order.client_order_id or "",
        symbol=order.symbol,
        side=codes.order_side(order.side),
        order_type=order.type,
        price=order.price or ZERO,
        size=order.size,
        filled=order.filled or ZERO,
        leverage=order.leverage or ZERO,
        margin=_margin(order.margin_mode),
        created_ms=int(getattr(order, "create_time_ms", 0) or 0),
        preset_tp=getattr(order, "preset_tp_price", None) or None,
        preset_sl=getattr(order, "preset_sl_price", None) or None,
    )


def _trigger(order: Any) -> TriggerOrder | None:
    try:
        kind = TriggerKind(order.type)
    except ValueError:
        return None  # a type this runner does not manage is left alone, never guessed at
    executive = order.executive_price or ZERO
    return TriggerOrder(
        order_id=str(order.order_id),
        client_order_id=order.client_order_id or "",
        symbol=order.symbol,
        kind=kind,
        side=codes.order_side(order.side),
        size=order.size,
        trigger=order.trigger_price,
        executive_price=executive,
        price_source=codes.price_source(order.price_type),
        price_way=codes.price_way(order.price_way),
        scope=codes.tp_sl_scope(order.plan_category),
        order_type="market" if executive == 0 else "limit",
        leverage=order.leverage or ZERO,
        margin=_margin(order.margin_mode),
        preset_tp=getattr(order, "preset_tp_price", None) or None,
        preset_sl=getattr(order, "preset_sl_price", None) or None,
    )


def _balances(assets: Sequence[Any], spot: Sequence[Any] | None) -> Balances:
    usdt = next((a for a in assets if a.currency == "USDT"), None)
    spot_usdt = None
    if spot is not None:
        spot_usdt = next((s.available for s in spot if s.currency == "USDT"), ZERO)
    if usdt is None:
        return Balances(futures_available=ZERO, spot_available=spot_usdt)
    return Balances(
        futures_available=usdt.available,
        futures_frozen=usdt.frozen,
        futures_position_margin=usdt.position_margin,
        futures_equity=usdt.equity,
        futures_unrealized=usdt.unrealized,
        spot_available=spot_usdt,
    )


def read_account(
    source: SnapshotSource,
    *,
    target: str,
    spot: bool,
    now: Callable[[], datetime],
    workers: int = 6,
) -> Snapshot:
    """Everything on the account (for `status`), one parallel round, no contract specs."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="status") as pool:
        rows_f = pool.submit(source.positions_v2)
        orders_f = pool.submit(source.open_orders)
        triggers_f = pool.submit(source.plan_orders)
        assets_f = pool.submit(source.assets)
        mode_f = pool.submit(source.position_mode)
        spot_f = pool.submit(source.spot_wallet, "USDT") if spot else None
        taken_at = now()
        rows = list(rows_f.result())
        marks: dict[str, Decimal] = {}
        for row in rows:
            if row.mark_price:
                marks[row.symbol] = row.mark_price
        return Snapshot(
            target=target,
            taken_at=taken_at,
            mode=_mode(mode_f.result(), rows),
            specs={},
            markets={s: Market(last=m, mark=m) for s, m in marks.items()},
            settings={},
            positions=tuple(p for row in rows if (p := _position(row)) is not None),
            open_orders=tuple(_working(o) for o in orders_f.result()),
            trigger_orders=tuple(t for o in triggers_f.result() if (t := _trigger(o)) is not None),
            balances=_balances(assets_f.result(), spot_f.result() if spot_f else None),
            account_wide=True,
        )
