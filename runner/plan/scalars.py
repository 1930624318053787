"""Plain scalars read the YAML 1.2 way, the way editors read them.

PyYAML resolves plain scalars by YAML 1.1: ``yes``/``on`` become booleans, ``2026-12-01`` a date,
``010`` the octal 8, ``1_000`` and ``1:30`` (base 60) integers, and ``1e3`` stays text.  Editors
(yaml-language-server) and check-jsonschema read YAML 1.2, where every one of those means
something else.  A plan must mean one thing in the editor and in ``validate``, so plain scalars
are resolved here by the YAML 1.2 core schema (``CoreSchemaResolver``), and the plan schema then
accepts or rejects the same values in both places:

- numbers: ``10``, ``+10``, ``010`` (ten), ``0o10`` (eight), ``0x10`` (sixteen), ``1e1``,
  ``7.2e4``, ``.5``; ``.inf`` and ``.nan`` are numbers that no plan field accepts;
- ``true``/``false`` (any case form YAML 1.2 allows) are booleans; ``yes``, ``no``, ``on``,
  ``off``, ``y``, ``n`` are text, so a boolean field rejects them and says to write true or false;
- ``1_000``, ``1:30``, ``0b10`` and dates are text, so a number field rejects them (the message
  says which number to write) and a free-text field keeps them as written.

Numbers become ``Decimal`` from their source text (``0.1`` stays exactly 0.1; a float never
exists), written out without an exponent (``7.2e4`` is 72000).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_TAG = "tag:yaml.org,2002:"
# YAML 1.2.2, 10.3.2 "Tag Resolution" (the core schema), in this order
_CORE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:null|Null|NULL|~|)\Z"), "null"),
    (re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z"), "bool"),
    (re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z"), "int"),
    (
        re.compile(
            r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)\Z"
        ),
        "float",
    ),
)
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# The plan schema takes numbers below 1e19 (exclusiveMaximum); so does this, and it also keeps
# `1e999999` from becoming a million digits.  Below 1e-324 an editor's float is 0, and so is ours.
_MAX_ADJUSTED = 18
_MIN_ADJUSTED = -324

Scalar = str | Decimal | bool | None


class ScalarRejected(Exception):
    def __init__(self, rule: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint


def core_tag(text: str) -> str:
    """The YAML 1.2 core-schema tag of a plain, untagged scalar."""
    for pattern, name in _CORE:
        if pattern.match(text):
            return _TAG + name
    return _TAG + "str"


class CoreSchemaResolver(Resolver):
    """Put first in a PyYAML loader's bases: plain untagged scalars resolve by YAML 1.2's core
    schema; quoted scalars, explicit tags, mappings and sequences as before."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return self.resolve_plain(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    @staticmethod
    def resolve_plain(value: str) -> str:
        # `<<` is a merge key to PyYAML and ruamel alike (not in 1.2's core schema): refused
        return _TAG + "merge" if value == "<<" else core_tag(value)


def convert(node: ScalarNode) -> Scalar:
    """The plan value of a scalar node, or ``ScalarRejected``."""
    tag = node.tag
    text = node.value
    if tag == _TAG + "str":
        return str(text)
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _boolean(text)
    if tag == _TAG + "int":
        return _integer(text)
    if tag == _TAG + "float":
        return _float(text)
    if tag == _TAG + "timestamp":  # only with an explicit !!timestamp: plain dates are text
        raise ScalarRejected(
            "yaml-date",
            f"'{text}' is tagged as a date; dates are not plan values",
            f'write it as text: "{text}"',
        )
    if tag == _TAG + "merge":
        raise ScalarRejected("yaml-merge", "merge keys (<<) are not supported in plans")
    raise ScalarRejected("yaml-tag", f"the YAML tag {shown_tag(tag)} is not supported in plans")


def shown_tag(tag: str) -> str:
    """`tag:yaml.org,2002:binary` as the user wrote it: `!!binary`."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _boolean(text: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ScalarRejected(
        "yaml-boolean",
        f"'{text}' is not a boolean in YAML 1.2 (only YAML 1.1 reads it as one); write true or "
        "false",
        f'quote it if you mean text: "{text}"',
    )


def _integer(text: str) -> Decimal:
    if _DECIMAL.match(text):
        return _in_range(Decimal(text), text)
    if re.fullmatch(r"0o[0-7]+", text):
        return _in_range(Decimal(int(text[2:], 8)), text)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return _in_range(Decimal(int(text[2:], 16)), text)
    raise _not_a_number(text)  # e.g. `!!int 1_000`: YAML 1.1 syntax under an explicit tag


def _float(text: str) -> Decimal:
    if text.lstrip("+-").lower() in (".inf", ".nan"):
        raise ScalarRejected(
            "yaml-number",
            f"'{text}' is not a finite number",
            "write a number such as 64000, or quote it if you mean text",
        )
    if not _FLOAT.match(text):
        raise _not_a_number(text)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise _not_a_number(text) from None
    value = _in_range(value, text)
    if "e" in text.lower():
        value = Decimal(format(value, "f"))  # 7.2e4 -> 72000, as it is shown in the diff
    return value


def _in_range(value: Decimal, text: str) -> Decimal:
    if value and value.adjusted() < _MIN_ADJUSTED:
        return Decimal(0)  # as small as that, an editor's float is 0: so is ours
    if value and value.adjusted() > _MAX_ADJUSTED:
        raise ScalarRejected(
            "yaml-number",
            f"{text} is out of range for a plan value (numbers must be below 1e19)",
            f'write a smaller number, or quote it if you mean text: "{text}"',
        )
    return value


def _not_a_number(text: str) -> ScalarRejected:
    return ScalarRejected(
        "yaml-number",
        f"'{text}' is not a YAML 1.2 number",
        f'write it in decimal digits, or quote it if you mean text: "{text}"',
    )
