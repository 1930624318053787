"""YAML text -> PyYAML nodes (never constructed values), by the fastest parser that reads it
exactly as PyYAML's own would.

- libyaml's own composer (``CParser.get_single_node``, compiled) when the text has no anchor or
  alias (no ``&`` or ``*`` anywhere) and too few collection indicators to nest deeply enough to
  matter to a C stack; the walker (``runner.plan.load``) then refuses nesting deeper than
  ``MAX_DEPTH`` at the node the composers below would have named;
- otherwise libyaml's events under our composer (``_Guarded``), which refuses anchors, aliases
  and deep nesting as it goes;
- and anything libyaml does not accept, or any text PyYAML's reader would refuse, is composed
  again by the pure-Python parser, so every syntax finding (message and place) is PyYAML's.
  Without libyaml, the pure-Python parser does all of it.

Problems end composing as ``Stop`` (0-based line and column).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.error import MarkedYAMLError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver

from runner.plan.scalars import CoreSchemaResolver

# no plan needs more than a handful of levels; this keeps the composer far from Python's limit
MAX_DEPTH = 32
# libyaml's composer recurses in C: only text that cannot nest deeper than this goes to it
# (each collection needs one of "[{-?:" of its own, so their count bounds the depth)
_NATIVE_MAX_INDICATORS = 2000


class Stop(Exception):
    """A problem that ends loading, located by 0-based line and column."""

    def __init__(
        self, rule: str, message: str, line: int = 0, col: int = 0, hint: str | None = None
    ):
        super().__init__(message)
        self.rule, self.message, self.line, self.col, self.hint = rule, message, line, col, hint


def too_deep(node: Node) -> Stop:
    mark = node.start_mark
    return Stop("too-deep", "the plan is nested too deeply", mark.line, mark.column)


def compose(text: str) -> Node | None:
    """The root node (None for an empty stream), or ``Stop``."""
    node = None
    if _CComposer is not None and not _NON_PRINTABLE.search(text):
        node = _compose_libyaml(_Native if _native_safe(text) else _CComposer, text)
    return node if node is not None else _compose_python(text)


def _native_safe(text: str) -> bool:
    if "&" in text or "*" in text:
        return False
    count = text.count
    return count("[") + count("{") + count("-") + count("?") + count(":") <= _NATIVE_MAX_INDICATORS


def _compose_libyaml(composer_class: Any, text: str) -> Node | None:
    """The root node, or None when libyaml did not compose it (PyYAML's parser then says what
    is wrong, and where, in its own words)."""
    composer = composer_class(text)
    try:
        node: Node | None = composer.get_single_node()
    except Exception:
        return None
    finally:
        composer.dispose()
    return node


def _compose_python(text: str) -> Node | None:
    loader: _Composer | None = None
    try:
        loader = _Composer(text)  # the reader checks for unprintable characters right here
        node = loader.get_single_node()
    except Stop:
        raise
    except MarkedYAMLError as exc:
        raise _syntax_stop(exc) from None
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        raise Stop(
            "yaml-syntax", f"control character #x{exc.character:04x} is not allowed", line, col
        ) from None
    except yaml.YAMLError as exc:
        raise Stop("yaml-syntax", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise Stop("too-deep", "the plan is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


def _syntax_stop(exc: MarkedYAMLError) -> Stop:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    if exc.context and exc.problem and exc.problem.startswith("but "):
        problem = f"{exc.context}, {exc.problem}"  # PyYAML splits one sentence in two
    elif exc.context and exc.context_mark and exc.problem:
        hint = f"{exc.context} at line {exc.context_mark.line + 1}"
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return Stop("yaml-syntax", f"YAML syntax error: {problem}", line, col, hint)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


class _Guarded(Composer):
    """Composes nodes as PyYAML's ``Composer`` does, but refuses anchors and aliases (no alias
    bombs) and deep nesting up front, and remembers how plain scalars resolved (the same words
    recur in every plan; resolving one tries several regular expressions)."""

    _depth = 0
    # provided by the parser this is mixed with (PyYAML's Python one, or libyaml's), and the
    # resolver
    get_event: Callable[[], Any]
    check_event: Callable[..., bool]
    resolve: Callable[..., str]

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event: Any = self.get_event()
        kind = type(event)
        if kind is AliasEvent or event.anchor is not None:
            raise _located(
                event,
                "yaml-alias",
                "anchors and aliases (&name, *name) are not allowed in plans",
                "write each value out in full",
            )
        if self._depth >= MAX_DEPTH:
            raise _located(event, "too-deep", "the plan is nested too deeply")
        tag = event.tag
        if kind is ScalarEvent:
            if tag is None or tag == "!":
                tag = _RESOLVED.get((event.value, event.implicit[0])) or _scalar_tag(
                    self.resolve, event.value, event.implicit
                )
            # libyaml's marks are its own class, alike in use
            return ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        self._depth += 1
        try:
            if kind is SequenceStartEvent:
                return self._sequence(event, tag)
            return self._mapping(event, tag)
        finally:
            self._depth -= 1

    def _sequence(self, start: Any, tag: str | None) -> Node:
        if tag is None or tag == "!":
            tag = Resolver.DEFAULT_SEQUENCE_TAG
        items: list[Node] = []
        node = SequenceNode(tag, items, start.start_mark, None, start.flow_style)
        while not self.check_event(SequenceEndEvent):
            items.append(self.compose_node(node, len(items)))
        node.end_mark = self.get_event().end_mark
        return node

    def _mapping(self, start: Any, tag: str | None) -> Node:
        if tag is None or tag == "!":
            tag = Resolver.DEFAULT_MAPPING_TAG
        pairs: list[tuple[Node, Node]] = []
        node = MappingNode(tag, pairs, start.start_mark, None, start.flow_style)
        while not self.check_event(MappingEndEvent):
            key = self.compose_node(node, None)
            pairs.append((key, self.compose_node(node, key)))
        node.end_mark = self.get_event().end_mark
        return node


def _located(event: Any, rule: str, message: str, hint: str | None = None) -> Stop:
    mark = event.start_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return Stop(rule, message, line, col, hint)


_RESOLVED: dict[tuple[str, bool], str] = {}
_COLLECTION_TAGS = {
    MappingNode: Resolver.DEFAULT_MAPPING_TAG,
    SequenceNode: Resolver.DEFAULT_SEQUENCE_TAG,
}


def _scalar_tag(resolve: Callable[..., str], value: str, implicit: tuple[bool, bool]) -> str:
    """``Resolver.resolve`` for a scalar, remembered for short values (it depends on nothing
    else: plans use no path resolvers)."""
    key = (value, implicit[0])
    tag = _RESOLVED.get(key)
    if tag is None:
        tag = resolve(ScalarNode, value, implicit)
        if len(value) <= 64:
            if len(_RESOLVED) >= 4096:
                _RESOLVED.clear()
            _RESOLVED[key] = tag
    return tag


_PLAIN: dict[str, str] = {}


def _plain_tag(value: str) -> str:
    """``CoreSchemaResolver.resolve`` for a plain scalar, remembered for short values."""
    tag = CoreSchemaResolver.resolve_plain(value)
    if len(value) <= 64:
        if len(_PLAIN) >= 4096:
            _PLAIN.clear()
        _PLAIN[value] = tag
    return tag


class _Composer(_Guarded, CoreSchemaResolver, yaml.SafeLoader):
    """The pure-Python parser (PyYAML's reader, scanner and parser) under our composer, with
    plain scalars resolved by YAML 1.2's core schema (``CoreSchemaResolver``)."""


def _libyaml_composers() -> tuple[Any, Any]:
    """libyaml's events under our composer, and libyaml's own composer, both with the same
    YAML 1.2 resolver as the Python path; (None, None) when PyYAML was built without libyaml."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None, None
    # yaml.cyaml is imported with yaml itself; its stubs do not export CParser
    parser: Any = getattr(importlib.import_module("yaml.cyaml"), "CParser")  # noqa: B009

    class _CComposer(_Guarded, CoreSchemaResolver, parser):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    class _Native(CoreSchemaResolver, parser):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            Resolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                if not implicit[0]:  # quoted (no path resolvers): text
                    return Resolver.DEFAULT_SCALAR_TAG
                resolved = _PLAIN.get(value)
                return resolved if resolved is not None else _plain_tag(value)
            # no path resolvers: a collection without a tag gets the default one
            return _COLLECTION_TAGS[kind]

    return _CComposer, _Native


# `runner.plan.load` names these (a test turns libyaml off there by setting _CComposer to None)
_CComposer, _Native = _libyaml_composers()
# what PyYAML's reader refuses; libyaml's set differs, so such text takes the Python path
_NON_PRINTABLE = Reader.NON_PRINTABLE
