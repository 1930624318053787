"""The plan schema compiled into plain Python predicates: is this document valid, yes or no.

jsonschema is thorough but slow to import (about as long as the rest of `validate`) and slow to
run (it walks the schema anew for every document).  Most plans are valid, and a valid plan needs
no explanation, so this module answers the yes/no question with closures built once from the
schema; jsonschema runs only when the answer is no, to say why (``runner.plan.schema``).

The predicates follow JSON Schema 2020-12 as jsonschema implements it for the keywords the plan
schema uses (type-gated keywords ignore other types; ``enum``/``const`` tell booleans from
numbers; ``integer`` accepts whole ``Decimal`` values, as the plan validator is configured).  A
keyword outside that set, or a ``$ref`` that is not ``#/$defs/<name>``, makes ``compile_schema``
raise ``Unsupported`` and the caller falls back to jsonschema for every document, so a schema
change can never make the fast path accept what jsonschema would refuse.  A test runs both over
the plan corpus and generated variants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Check = Callable[[Any], bool]

# keywords that only annotate (never change validity)
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "default",
        "$comment",
        "$schema",
        "$id",
        "deprecated",
        "markdownDescription",
        "readOnly",
        "writeOnly",
    }
)

# `then` belongs to `if` (alone it has no effect); `properties` and `additionalProperties` are
# checked together in one pass over the object's keys
_HANDLED_ELSEWHERE = frozenset({"$defs", "then", "properties", "additionalProperties"})


class Unsupported(ValueError):
    """The schema uses something this compiler does not implement: use jsonschema."""


_NUMBER_TYPES = (int, float, Decimal)


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": _is_integer,
}


def equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema judges it (``True`` is not ``1``)."""
    if isinstance(one, str) or isinstance(two, str):
        return isinstance(one, str) and isinstance(two, str) and one == two
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, list) or isinstance(two, list):
        return (
            isinstance(one, list)
            and isinstance(two, list)
            and len(one) == len(two)
            and all(equal(a, b) for a, b in zip(one, two, strict=True))
        )
    if isinstance(one, dict) or isinstance(two, dict):
        return (
            isinstance(one, dict)
            and isinstance(two, dict)
            and one.keys() == two.keys()
            and all(equal(one[k], two[k]) for k in one)
        )
    if one is None or two is None:
        return one is None and two is None
    try:
        return bool(one == two)
    except ArithmeticError:  # e.g. a signalling NaN
        return False


def _ordered(check: Callable[[Any], bool]) -> Check:
    """A numeric comparison that treats an incomparable value (NaN) as failing."""

    def safe(value: Any) -> bool:
        try:
            return check(value)
        except (ArithmeticError, TypeError):
            return False

    return safe


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a plain loop: this runs for every value checked
            if not check(v):
                return False
        return True

    return every


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.defs: Mapping[str, Any] = root.get("$defs", {})
        self.compiled: dict[str, Check] = {}
        self.compiling: set[str] = set()

    def ref(self, target: Any) -> Check:
        if not isinstance(target, str) or not target.startswith("#/$defs/"):
            raise Unsupported(f"$ref {target!r}")
        name = target.removeprefix("#/$defs/")
        if name not in self.defs:
            raise Unsupported(f"$ref {target!r} names no definition")
        compiled = self.compiled
        if name in self.compiling:  # a cycle: look it up when called, it exists by then
            return lambda v: compiled[name](v)
        if name not in compiled:
            self.compiling.add(name)
            compiled[name] = self.node(self.defs[name])
            self.compiling.discard(name)
        return compiled[name]

    def node(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check] = []
        for keyword, arg in schema.items():
            if keyword in _ANNOTATIONS or keyword in _HANDLED_ELSEWHERE:
                continue
            build = getattr(self, "k_" + keyword.lstrip("$"), None)
            if build is None:
                raise Unsupported(f"keyword {keyword!r}")
            checks.append(build(arg, schema))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema))
        return _all(checks)

    # --- keywords ---------------------------------------------------------------------------

    def k_ref(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return self.ref(arg)

    def k_type(self, arg: Any, _: Mapping[str, Any]) -> Check:
        names = [arg] if isinstance(arg, str) else list(arg)
        try:
            tests = [_TYPES[name] for name in names]
        except KeyError as exc:
            raise Unsupported(f"type {exc}") from None
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)

    def k_enum(self, arg: Any, _: Mapping[str, Any]) -> Check:
        options = list(arg)
        if all(isinstance(option, str) for option in options):  # `equal` to a text is `==`
            texts = frozenset(options)
            return lambda v: isinstance(v, str) and v in texts
        return lambda v: any(equal(v, option) for option in options)

    def k_const(self, arg: Any, _: Mapping[str, Any]) -> Check:
        if isinstance(arg, str):
            return lambda v: isinstance(v, str) and v == arg
        return lambda v: equal(v, arg)

    def k_pattern(self, arg: Any, _: Mapping[str, Any]) -> Check:
        search = re.compile(arg).search
        return lambda v: not isinstance(v, str) or search(v) is not None

    def k_maxLength(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return lambda v: not isinstance(v, str) or len(v) <= arg

    def k_minimum(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return _ordered(lambda v: not _is_number(v) or v >= arg)

    def k_exclusiveMinimum(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return _ordered(lambda v: not _is_number(v) or v > arg)

    def k_maximum(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return _ordered(lambda v: not _is_number(v) or v <= arg)

    def k_exclusiveMaximum(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return _ordered(lambda v: not _is_number(v) or v < arg)

    def k_required(self, arg: Any, _: Mapping[str, Any]) -> Check:
        names = frozenset(arg)
        return lambda v: not isinstance(v, dict) or names <= v.keys()

    def _object(self, schema: Mapping[str, Any]) -> Check:
        props = {name: self.node(sub) for name, sub in schema.get("properties", {}).items()}
        extra_schema = schema.get("additionalProperties", True)
        extra = None if extra_schema is True else self.node(extra_schema)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for key, value in v.items():
                prop = props.get(key)
                if prop is not None:
                    if not prop(value):
                        return False
                elif extra is not None and not extra(value):
                    return False
            return True

        return check

    def k_items(self, arg: Any, _: Mapping[str, Any]) -> Check:
        item = self.node(arg)

        def items(v: Any) -> bool:
            if isinstance(v, list):
                for x in v:
                    if not item(x):
                        return False
            return True

        return items

    def k_minProperties(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) >= arg

    def k_maxProperties(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) <= arg

    def k_minItems(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return lambda v: not isinstance(v, list) or len(v) >= arg

    def k_maxItems(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return lambda v: not isinstance(v, list) or len(v) <= arg

    def k_uniqueItems(self, arg: Any, _: Mapping[str, Any]) -> Check:
        if not arg:
            return lambda v: True

        def unique(v: Any) -> bool:
            if not isinstance(v, list):
                return True
            return not any(equal(a, b) for i, a in enumerate(v) for b in v[i + 1 :])

        return unique

    def k_allOf(self, arg: Any, _: Mapping[str, Any]) -> Check:
        return _all([self.node(s) for s in arg])

    def k_anyOf(self, arg: Any, _: Mapping[str, Any]) -> Check:
        subs = [self.node(s) for s in arg]

        def any_of(v: Any) -> bool:
            for sub in subs:  # noqa: SIM110 - a plain loop: this runs for every value checked
                if sub(v):
                    return True
            return False

        return any_of

    def k_oneOf(self, arg: Any, _: Mapping[str, Any]) -> Check:
        keys = _required_keys_only(arg)
        if keys is not None:  # "exactly one of these keys" (a step's kind, size or notional)
            alone = len(keys) == 1  # a value that is not an object passes every `required`

            def one_key(v: Any) -> bool:
                if not isinstance(v, dict):
                    return alone
                found = 0
                for key in keys:
                    if key in v:
                        found += 1
                return found == 1

            return one_key
        subs = [self.node(s) for s in arg]

        def one_of(v: Any) -> bool:
            passed = 0
            for sub in subs:
                if sub(v):
                    passed += 1
                    if passed > 1:
                        return False
            return passed == 1

        return one_of

    def k_not(self, arg: Any, _: Mapping[str, Any]) -> Check:
        # NaN never reaches here (the loader refuses .nan), so _ordered's "NaN fails" cannot
        # turn into "NaN passes" under the negation
        sub = self.node(arg)
        return lambda v: not sub(v)

    def k_if(self, arg: Any, schema: Mapping[str, Any]) -> Check:
        if "else" in schema:
            raise Unsupported("else")
        condition = self.node(arg)
        then = self.node(schema.get("then", True))
        return lambda v: not condition(v) or then(v)


def _required_keys_only(alternatives: Any) -> list[str] | None:
    """The keys of ``[{"required": [k1]}, {"required": [k2]}, ...]`` (annotations aside)."""
    keys = []
    for alternative in alternatives:
        if not isinstance(alternative, dict):
            return None
        rest = {k: v for k, v in alternative.items() if k not in _ANNOTATIONS}
        required = rest.get("required")
        if set(rest) != {"required"} or not isinstance(required, list) or len(required) != 1:
            return None
        if not isinstance(required[0], str):
            return None
        keys.append(required[0])
    return keys


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A predicate that is true exactly for the documents the schema accepts."""
    return _Compiler(schema).node(schema)
