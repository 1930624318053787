"""Scalar conversion with our own rules instead of YAML 1.1's.

PyYAML resolves plain scalars the YAML 1.1 way: ``yes``/``on`` become booleans, ``2024-05-01`` a
date, ``0x10`` and ``1_000`` integers, ``1:30`` a sexagesimal 90.  Other YAML tools (editors use
YAML 1.2) read the same text differently, so a plan that relies on any of these is ambiguous: we
reject them with a located message.  Numbers become ``Decimal`` from their source text, so ``0.1``
stays exactly 0.1 (a float never exists).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from yaml.nodes import ScalarNode

_TAG = "tag:yaml.org,2002:"
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
# a leading zero is octal to YAML 1.1 and decimal to YAML 1.2: ambiguous, so refused
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
# far beyond any price, size or amount, and keeps Decimal arithmetic downstream cheap
_MAX_EXPONENT = 18

Scalar = str | Decimal | bool | None


class ScalarRejected(Exception):
    def __init__(self, rule: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint


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
        return _number(text, _INT)
    if tag == _TAG + "float":
        return _number(text, _FLOAT)
    if tag == _TAG + "timestamp":
        raise ScalarRejected(
            "yaml-date",
            f"'{text}' would be read as a date by YAML; dates are not plan values",
            f'quote it if you mean text: "{text}"',
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
        f"'{text}' is ambiguous (YAML 1.1 reads it as a boolean); write true or false",
        f'quote it if you mean text: "{text}"',
    )


def _number(text: str, plain: re.Pattern[str]) -> Decimal:
    if text.lower().lstrip("+-") in (".inf", ".nan"):
        raise ScalarRejected("yaml-number", f"'{text}' is not a finite number")
    if not plain.match(text):
        raise ScalarRejected(
            "yaml-number",
            f"'{text}' is not a plain decimal number (0x10, 010, 1_000 and 1:30 are not allowed)",
            f'write it in decimal digits, or quote it if you mean text: "{text}"',
        )
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only valid literals
        raise ScalarRejected("yaml-number", f"'{text}' is not a number") from None
    if value and abs(value.adjusted()) > _MAX_EXPONENT:
        raise ScalarRejected("yaml-number", f"{text} is out of range for a plan value")
    return value
