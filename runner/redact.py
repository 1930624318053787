"""Blanking secret values out of text, as whole tokens only.

A memo is chosen by the user and may be a common word (`cloud`); replacing it wherever it occurs
would mangle host names (`api-***-v2.bitmart.com`) and, worse, tell a reader what the memo is.  So
a secret is replaced only where it stands as a token of its own: not glued to letters, digits, `_`
or `-`, and not part of a dotted name (`cloud.example`, `x.cloud`).  A `.` that ends a sentence
(`memo cloud.`) is not part of a name, so the value is still replaced there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

REDACTED = "***"
_WORD = "A-Za-z0-9_-"
_WORD_CHAR = re.compile(f"[{_WORD}]")


def _pattern(value: str) -> re.Pattern[str]:
    before = after = ""
    if _WORD_CHAR.match(value[0]):
        before = f"(?<![{_WORD}])(?<![{_WORD}]\\.)"
    if _WORD_CHAR.match(value[-1]):
        after = f"(?![{_WORD}])(?!\\.[{_WORD}])"
    return re.compile(before + re.escape(value) + after)


class Redactor:
    """Replaces each secret value, where it stands as a whole token, by ``***``.

    A value is also matched in its JSON-escaped form, so a secret with a quote or backslash in it
    is caught inside a JSON line too.
    """

    def __init__(self, secrets: Iterable[str], *, min_length: int = 1) -> None:
        forms: set[str] = set()
        for value in secrets:
            if len(value) < min_length:
                continue
            forms.add(value)
            forms.add(json.dumps(value)[1:-1])
        # longest first, so a value that contains another is replaced whole
        self._patterns = tuple(_pattern(v) for v in sorted(forms, key=len, reverse=True) if v)

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(REDACTED, text)
        return text


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value that stands as a whole token replaced by ``***``."""
    return Redactor(secrets)(text)
