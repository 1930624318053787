"""Output that survives any console, and colour only where a terminal renders it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from runner import console
from runner.render.style import color_enabled


def _stream(encoding: str) -> tuple[io.BytesIO, io.TextIOWrapper]:
    raw = io.BytesIO()
    return raw, io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)


def test_a_cp1252_stream_without_the_fallback_fails_as_the_issue_reports() -> None:
    _raw, text = _stream("cp1252")
    with pytest.raises(UnicodeEncodeError):
        text.write("  ✓ open long 10 BTCUSDT\n")


@pytest.mark.parametrize(
    ("encoding", "written", "expected"),
    [
        ("cp1252", "  ✓ open: done\n", b"  + open: done\n"),
        ("cp1252", "  ✗ failed\n", b"  x failed\n"),
        ("cp1252", "spot → futures …", "spot -> futures …".encode("cp1252")),  # … is in cp1252
        ("ascii", "spot → futures … 5 × 3 − 1 ≥ 0", b"spot -> futures ... 5 x 3 - 1 >= 0"),
        ("ascii", "café naïve", b"cafe naive"),
        ("ascii", "价格 65000", b"?? 65000"),
        ("cp437", "✓ · ✗", b"+ \xfa x"),  # cp437 has its own middle dot
    ],
)
def test_what_a_stream_cannot_encode_becomes_ascii(
    encoding: str, written: str, expected: bytes
) -> None:
    raw, text = _stream(encoding)
    console.make_safe(text)
    text.write(written)
    assert raw.getvalue() == expected


def test_utf8_streams_are_untouched() -> None:
    raw, text = _stream("utf-8")
    console.make_safe(text)
    text.write("✓ → …")
    assert raw.getvalue().decode("utf-8") == "✓ → …"


def test_every_symbol_the_runner_prints_has_an_ascii_stand_in(repo: Path) -> None:
    used = {
        char
        for path in (repo / "runner").rglob("*.py")
        for char in path.read_text("utf-8")
        if ord(char) > 127
    }
    for char in used:
        stand_in = console.ascii_fallback(char)
        assert stand_in.isascii() and stand_in != "?", (char, stand_in)


def test_streams_that_cannot_be_reconfigured_are_left_alone() -> None:
    console.make_safe(None)  # pythonw: no console, sys.stdout is None
    console.make_safe(io.StringIO())  # no encoding to fall back from
    closed = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    closed.close()
    console.make_safe(closed)


def test_decoding_errors_are_not_swallowed() -> None:
    with pytest.raises(UnicodeDecodeError):
        b"\xff".decode("utf-8", errors=console.ERRORS)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "platform", "tty", "windows_vt", "expected"),
    [
        ({}, "linux", True, False, True),
        ({}, "darwin", True, False, True),
        ({}, "linux", False, False, False),  # a pipe or a file: cron logs, CI
        ({"NO_COLOR": "1"}, "linux", True, False, False),
        ({"TERM": "dumb"}, "linux", True, False, False),
        ({"TERM": "xterm-256color"}, "linux", True, False, True),
        ({}, "win32", True, True, True),  # Windows Terminal, or a console VT mode could be set on
        ({}, "win32", True, False, False),  # an old console that would print the escapes raw
        ({}, "win32", False, True, False),
    ],
)
def test_colour_only_where_the_terminal_renders_it(
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    platform: str,
    tty: bool,
    windows_vt: bool,
    expected: bool,
) -> None:
    monkeypatch.setattr(console, "windows_console_takes_ansi", lambda _stream: windows_vt)
    stream = _Tty() if tty else io.StringIO()
    assert console.supports_color(stream, environ=environ, platform=platform) is expected


def test_no_color_option_and_environment_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setattr(console, "windows_console_takes_ansi", lambda _stream: True)
    assert color_enabled(_Tty()) is True
    assert color_enabled(_Tty(), no_color=True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert color_enabled(_Tty()) is False
