"""Terminal styling: colour only where the terminal renders it, never with --no-color."""

from __future__ import annotations

import sys
from typing import TextIO

from runner.console import supports_color
from runner.values import value

_CODES = {"green": "32", "red": "31", "yellow": "33", "cyan": "36", "bold": "1", "dim": "2"}


def color_enabled(stream: TextIO | None = None, *, no_color: bool = False) -> bool:
    if no_color:
        return False
    return supports_color(stream if stream is not None else sys.stdout)


@value
class Style:
    enabled: bool

    def __call__(self, text: str, *names: str) -> str:
        if not self.enabled or not names:
            return text
        codes = ";".join(_CODES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"
