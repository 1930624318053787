"""jsonschema errors -> one sentence a trader understands, located at the offending node.

jsonschema reports what failed in schema terms ("is not valid under any of the given schemas");
we phrase it in plan terms ("size must be a whole number of contracts (got 2.5)"), pick the
relevant branch of a ``oneOf``, and point at the key or value the user has to change.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from jsonschema.exceptions import ValidationError

from runner.findings import Finding, Location, Severity
from runner.plan import pointer
from runner.plan.load import Document
from runner.plan.phrases import KINDS, container_name, label, show, value_message
from runner.values import value


def _schema(error: ValidationError) -> Mapping[str, Any]:
    schema = error.schema
    return schema if isinstance(schema, Mapping) else {}


def _expected(error: ValidationError) -> Any:
    """What the failing keyword asked for (jsonschema types it loosely)."""
    return cast(Any, error.validator_value)


def _instance(error: ValidationError) -> Any:
    return cast(Any, error.instance)


@value
class Explained:
    finding: Finding
    at: str  # JSON pointer of the instance the error is about (the container, for keys)


@dataclass
class _Context:
    document: Document
    def_names: Mapping[int, str]  # id(schema in $defs) -> its name

    def locate(self, at: str, *, key: bool = False) -> Location:
        if key and at in self.document.key_locations:
            return self.document.key_locations[at]
        for candidate in pointer.ancestors(at):
            if candidate in self.document.locations:
                return self.document.locations[candidate]
        return Location(self.document.path, 1, 1)

    def finding(
        self,
        rule: str,
        message: str,
        at: str,
        hint: str | None = None,
        *,
        key: bool = False,
        owner: str | None = None,
    ) -> Explained:
        """A finding at ``at`` (its key when ``key``); ``owner`` is the object it is about."""
        location = self.locate(at, key=key)
        if owner is None:
            owner = pointer.parent(at) if key else at
        return Explained(Finding(rule, Severity.ERROR, message, location, hint), owner)


def explain(
    error: ValidationError, document: Document, def_names: Mapping[int, str]
) -> list[Explained]:
    return _explain(error, _Context(document, def_names))


def _explain(error: ValidationError, ctx: _Context) -> list[Explained]:
    path = list(error.absolute_path)
    at = pointer.from_path(path)
    handler = _HANDLERS.get(str(error.validator))
    if handler is not None:
        return handler(error, ctx, path, at)
    return [ctx.finding("schema", f"{label(path)}: {error.message}", at)]


def _unknown_keys(
    error: ValidationError, ctx: _Context, path: list[Any], at: str
) -> list[Explained]:
    instance = _instance(error)
    expected = list(_schema(error).get("properties", {}))
    out = []
    for key in instance if isinstance(instance, dict) else ():
        if key in expected:
            continue
        close = difflib.get_close_matches(key, expected, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else None
        message = (
            f"unknown key '{key}' {container_name(path)} (expected one of: {', '.join(expected)})"
        )
        out.append(ctx.finding("unknown-key", message, pointer.join(at, key), hint, key=True))
    return out


def _missing(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    instance = _instance(error)
    if not isinstance(instance, dict):
        return []
    missing = [k for k in _expected(error) if k not in instance]
    if "id" in missing and "plan_order" in instance:
        hint = "add `id: <name>` to the step; the id identifies the order on the exchange"
        return [ctx.finding("plan-order-id", "a plan_order step needs an id", at, hint)]
    where = container_name(path)
    return [ctx.finding("missing-key", f"missing required key '{k}' {where}", at) for k in missing]


def _one_of(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    name = ctx.def_names.get(id(error.schema))
    special = _NAMED.get(name or "")
    if special is not None:
        return special(error, ctx, path, at)
    message = value_message(name or "", path, _instance(error))
    if message is not None:
        rule, text, hint = message
        return [ctx.finding(rule, text, at, hint)]
    return _best_branch(error, ctx)


def _best_branch(error: ValidationError, ctx: _Context) -> list[Explained]:
    """Explain the branch whose errors are deepest (most specific) and fewest."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    if not branches:
        at = pointer.from_path(error.absolute_path)
        return [ctx.finding("schema", f"{label(list(error.absolute_path))}: {error.message}", at)]
    chosen = min(branches.values(), key=lambda errs: (-max(len(e.path) for e in errs), len(errs)))
    return [item for sub in chosen for item in _explain(sub, ctx)]


def _step_kind(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    instance = _instance(error)
    if not isinstance(instance, dict):
        return []
    kinds = [k for k in instance if k in KINDS]
    if not kinds:
        hint = f"add one of: {', '.join(KINDS)}"
        return [ctx.finding("step-kind", f"{label(path)} has no kind", at, hint)]
    second = pointer.join(at, kinds[1])
    message = f"{label(path)} has {len(kinds)} kinds ({', '.join(kinds)}); a step has exactly one"
    hint = "split it into separate steps"
    # owned by the extra kind key, so an unknown key elsewhere in the step does not hide it
    return [ctx.finding("step-kind", message, second, hint, key=True, owner=second)]


def _sized_by(*keys: str, hint: str) -> _Handler:
    """A position step gives exactly one of ``keys`` (how its size is said)."""

    def explain(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
        instance = _instance(error)
        if not isinstance(instance, dict):
            return []
        kind = label(path)
        given = [key for key in keys if key in instance]
        if len(given) > 1:
            return [
                ctx.finding(
                    "size-or-notional",
                    f"{kind} has {' and '.join(given)}; give one of them",
                    pointer.join(at, given[-1]),
                    key=True,
                    owner=pointer.join(at, given[-1]),
                )
            ]
        needs = f"{', '.join(keys[:-1])} or {keys[-1]}"
        return [ctx.finding("size-or-notional", f"{kind} needs {needs}", at, hint)]

    return explain


def _tp_or_sl(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    if not isinstance(_instance(error), dict):
        return []
    hint = "null removes one: stop_loss: null"
    return [ctx.finding("tp-or-sl", "tp_sl needs take_profit or stop_loss (or both)", at, hint)]


def _transfer(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    instance = _instance(error)
    if not isinstance(instance, dict):
        message = f"transfer must be a mapping (got {show(instance)})"
        hint = "{amount: 100, direction: to_futures} or {to_futures: 100}"
        return [ctx.finding("bad-type", message, at, hint)]
    forms = [bool({"amount", "direction"} & set(instance)), "to_futures" in instance]
    forms.append("to_spot" in instance)
    if sum(forms) > 1:
        message = "transfer takes either amount and direction, or one of to_futures / to_spot"
        return [ctx.finding("transfer-form", message, at)]
    branch = forms.index(True) if any(forms) else 0
    chosen = [e for e in error.context or () if e.relative_schema_path[0] == branch]
    return [item for sub in chosen for item in _explain(sub, ctx)]


def _enum(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    allowed = [str(v) for v in _expected(error)]
    got = _instance(error)
    hint = None
    if isinstance(got, str):
        close = difflib.get_close_matches(got.lower(), allowed, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else None
    message = f"{label(path)} must be one of: {', '.join(allowed)} (got {show(got)})"
    return [ctx.finding("bad-value", message, at, hint)]


def _const(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    expected = show(_expected(error))
    message = f"{label(path)} must be {expected} (got {show(_instance(error))})"
    return [ctx.finding("bad-value", message, at)]


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _type(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    wanted = _expected(error)
    names = [
        _TYPE_NAMES.get(str(t), str(t)) for t in (wanted if isinstance(wanted, list) else [wanted])
    ]
    message = f"{label(path)} must be {' or '.join(names)} (got {show(_instance(error))})"
    hint = None
    instance = _instance(error)
    if (
        len(path) == 2 and isinstance(instance, str) and instance in KINDS
    ):  # "- position" instead of "- position: {...}"
        hint = f"write the step as `{instance}:` followed by its settings"
    elif "boolean" in names_of(wanted) and isinstance(instance, str):
        hint = f"write true or false ('{instance}' is text in YAML 1.2, as your editor reads it)"
    elif "string" in names_of(wanted) and not isinstance(instance, dict | list | str):
        written = _written(ctx, at)
        hint = f'quote it to make it text: "{written}"' if written else "quote it to make it text"
    return [ctx.finding("bad-type", message, at, hint)]


def names_of(wanted: Any) -> list[str]:
    return [str(t) for t in (wanted if isinstance(wanted, list) else [wanted])]


def _written(ctx: _Context, at: str) -> str | None:
    """The plain scalar at ``at`` as it is written in the file (for a hint to quote it)."""
    location = ctx.document.locations.get(at)
    if location is None:
        return None
    lines = ctx.document.source.decode("utf-8", errors="replace").splitlines()
    if not 0 < location.line <= len(lines):
        return None
    rest = lines[location.line - 1][location.col - 1 :]
    for stop in (" #", ",", "}", "]"):
        rest = rest.split(stop, 1)[0]
    text = rest.strip()
    return text if text and not text.startswith(("'", '"')) else None


def _pattern(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    # a shared $defs pattern (symbol) is named by its def; an inline one (name, id) by its key
    subject = ctx.def_names.get(id(error.schema)) or (str(path[-1]) if path else "")
    found = value_message(subject, path, _instance(error))
    if found is None:
        message = f"{label(path)} has the wrong form (got {show(_instance(error))})"
        return [ctx.finding("bad-value", message, at)]
    rule, text, hint = found
    return [ctx.finding(rule, text, at, hint)]


def _bound(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    words = {
        "minimum": "must be at least",
        "exclusiveMinimum": "must be more than",
        "maximum": "must be at most",
        "exclusiveMaximum": "must be less than",
        "minItems": "must list at least",
        "maxItems": "must list at most",
        "minLength": "must be at least",
        "maxLength": "must be at most",
    }
    limit = _expected(error)
    kind = str(error.validator)
    if "Items" in kind:
        unit = f" item{'s' if limit != 1 else ''} (got {len(_instance(error))})"
    elif "Length" in kind:
        unit = " characters"
    else:
        unit = f" (got {show(_instance(error))})"
    message = f"{label(path)} {words[kind]} {show(limit)}{unit}"
    return [ctx.finding("out-of-range", message, at)]


def _unique(error: ValidationError, ctx: _Context, path: list[Any], at: str) -> list[Explained]:
    return [ctx.finding("bad-value", f"{label(path)} lists the same value twice", at)]


_Handler = Callable[[ValidationError, _Context, list[Any], str], list[Explained]]
_HANDLERS: dict[str, _Handler] = {
    "additionalProperties": _unknown_keys,
    "required": _missing,
    "oneOf": _one_of,
    "anyOf": _one_of,
    "enum": _enum,
    "const": _const,
    "type": _type,
    "pattern": _pattern,
    "minimum": _bound,
    "exclusiveMinimum": _bound,
    "maximum": _bound,
    "exclusiveMaximum": _bound,
    "minItems": _bound,
    "maxItems": _bound,
    "minLength": _bound,
    "maxLength": _bound,
    "uniqueItems": _unique,
}
_NAMED: dict[str, _Handler] = {
    "exactlyOneKind": _step_kind,
    "sizeOrNotional": _sized_by(
        "size", "notional", hint="size: 10 (contracts) or notional: 1000 (USDT at the mark price)"
    ),
    "sizeNotionalOrRisk": _sized_by(
        "size",
        "notional",
        "risk",
        hint="size: 10 (contracts), notional: 1000 (USDT at the mark price) or risk: {usdt: 20}",
    ),
    "tpOrSl": _tp_or_sl,
    "transfer": _transfer,
}
