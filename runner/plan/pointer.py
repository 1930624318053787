"""JSON pointers (RFC 6901): how findings and locations name a place in a plan."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: str | int) -> str:
    return base + "".join("/" + escape(t) for t in tokens)


def from_path(tokens: Iterable[str | int]) -> str:
    return join("", *tokens)


def parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


def ancestors(pointer: str) -> list[str]:
    """The pointer itself, then each parent up to the document root ("")."""
    chain = [pointer]
    while pointer:
        pointer = parent(pointer)
        chain.append(pointer)
    return chain
