"""Output that survives any console.

A Windows console on a legacy code page (cp1252, cp437), a cron mail with LANG=C, a pipe opened
with PYTHONIOENCODING=ascii: each cannot encode some of what the runner prints ("✓", "✗", "·",
"−"). Python's default there is a ``UnicodeEncodeError``, which would turn an apply that already
moved money into exit 70 half-way through its report. So the CLI gives stdout and stderr an error
handler that writes an ASCII stand-in for each character the stream cannot encode: the known
symbols get a readable equivalent, letters lose their accents, anything else becomes "?".

Colour is decided here too: only on a terminal that understands ANSI escapes.
"""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata
from collections.abc import Mapping
from typing import TextIO

ERRORS = "bitmart-runner-ascii"

ASCII_FALLBACKS: dict[str, str] = {
    "✓": "+",
    "✔": "+",
    "✗": "x",
    "✘": "x",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "…": "...",
    "—": "--",
    "–": "-",
    "−": "-",
    "·": "*",
    "•": "*",
    "×": "x",
    "÷": "/",
    "≈": "~",
    "≤": "<=",
    "≥": ">=",
    "±": "+/-",
    "§": "S",
    "⚠": "!",
    "€": "EUR",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "\u00a0": " ",
}


def ascii_fallback(char: str) -> str:
    """An ASCII stand-in for one character: a known symbol's equivalent, the letter without its
    accent, or "?"."""
    known = ASCII_FALLBACKS.get(char)
    if known is not None:
        return known
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return plain or "?"


def _encode_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(ascii_fallback(char) for char in bad), exc.end


codecs.register_error(ERRORS, _encode_fallback)


def make_safe(stream: object) -> None:
    """Give a text stream the ASCII fallback for what its encoding cannot hold (no-op for streams
    that cannot be reconfigured, or for none at all: pythonw under Task Scheduler has no stdout)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        reconfigure(errors=ERRORS)
    except (ValueError, OSError, AttributeError):
        return  # a closed or exotic stream: leave it as it is


def make_standard_streams_safe() -> None:
    make_safe(sys.stdout)
    make_safe(sys.stderr)


def supports_color(
    stream: TextIO | None,
    *,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
) -> bool:
    """Colour only on a terminal that renders it: not with NO_COLOR, not into a pipe or file, not
    on TERM=dumb, and on Windows only where the console takes ANSI escapes."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    if stream is None or not bool(getattr(stream, "isatty", lambda: False)()):
        return False
    if platform == "win32":
        return windows_console_takes_ansi(stream)
    return True


if sys.platform == "win32":

    def windows_console_takes_ansi(stream: TextIO) -> bool:
        """Turn on the Windows 10+ console's virtual-terminal mode for this stream; False where
        it cannot be (older consoles, a redirected handle)."""
        import ctypes
        from ctypes import wintypes

        enable_vt = 0x0004  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.GetStdHandle(-12 if stream is sys.stderr else -11)
        mode = wintypes.DWORD()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        if mode.value & enable_vt:
            return True
        return bool(kernel32.SetConsoleMode(handle, mode.value | enable_vt))

else:

    def windows_console_takes_ansi(stream: TextIO) -> bool:
        return False
