"""Reading a plan file into plain values that remember where each one was written.

The file is checked as bytes first (size, UTF-8, tabs), then composed into YAML nodes (never
constructed: PyYAML's constructor would apply YAML 1.1 typing and expand aliases), and the node
tree is walked into dicts, lists, strings, ``Decimal``, booleans and ``None`` while recording the
line and column of every value and every key under its JSON pointer.

Composing: libyaml's parser (``yaml.CParser``, when PyYAML was built with it) produces the events
and our composer, the same one either way, turns them into nodes, refusing anchors, aliases and
deep nesting.  Anything libyaml does not accept, and any text PyYAML's own reader would refuse, is
composed again by the pure-Python parser, so every finding (message and place) is PyYAML's; when
libyaml is missing, the pure-Python parser does all of it.

Anything wrong is reported as a located ``Finding`` inside ``PlanLoadError``; no other exception
leaves this module.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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

from runner.errors import PlanInvalid
from runner.findings import Finding, Location, Severity
from runner.plan import pointer
from runner.plan.scalars import CoreSchemaResolver, ScalarRejected, convert, shown_tag

MAX_BYTES = 1024 * 1024
MAX_STEPS = 100
# no plan needs more than a handful of levels; this keeps the composer far from Python's limit
MAX_DEPTH = 32
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_EMPTY_HINT = "start with `version: 1`, `name:` and `steps:`"


@dataclass(frozen=True)
class Document:
    """A loaded plan file: JSON-like values plus where each was written."""

    path: str
    source: bytes
    data: dict[str, Any]
    locations: Mapping[str, Location]  # JSON pointer -> where the value starts
    key_locations: Mapping[str, Location]  # JSON pointer -> where its key starts

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()


class PlanLoadError(PlanInvalid):
    """The file is not a readable plan: the findings say where and why."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        first = findings[0]
        where = f"{first.location}: " if first.location else ""
        super().__init__(f"{where}{first.message}", hint=first.hint)
        self.findings = tuple(findings)


class _Stop(Exception):
    """Internal: a problem that ends loading, located by 0-based line and column."""

    def __init__(
        self, rule: str, message: str, line: int = 0, col: int = 0, hint: str | None = None
    ):
        super().__init__(message)
        self.rule, self.message, self.line, self.col, self.hint = rule, message, line, col, hint


def read_source(path: Path) -> bytes:
    """The file's bytes (at most MAX_BYTES + 1 of them), or ``PlanLoadError``."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        finding = Finding(
            "unreadable",
            Severity.ERROR,
            f"cannot read the plan: {reason}",
            Location(str(path), 1, 1),
        )
        raise PlanLoadError([finding]) from None


def load_document(source: bytes, path: str) -> Document:
    """Parse ``source`` (the bytes of the file at ``path``) or raise ``PlanLoadError``."""
    try:
        text = _decode(source)
        root = _compose(text)
        walker = _Walker(path)
        data = walker.root(root)
    except _Stop as stop:
        location = Location(path, stop.line + 1, stop.col + 1)
        finding = Finding(stop.rule, Severity.ERROR, stop.message, location, stop.hint)
        raise PlanLoadError([finding]) from None
    if walker.problems:
        raise PlanLoadError(walker.problems)
    return Document(path, source, data, walker.locations, walker.key_locations)


def _decode(source: bytes) -> str:
    if len(source) > MAX_BYTES:
        raise _Stop(
            "too-large", "the plan is larger than 1 MiB", hint="split it into several plans"
        )
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = source[: exc.start]
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace"))
        raise _Stop(
            "encoding",
            f"the plan is not valid UTF-8 (byte 0x{source[exc.start]:02x})",
            before.count(b"\n"),
            col,
            "save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines()):
        if "\t" in line:
            raise _Stop(
                "tab",
                "tab character in the plan; YAML plans are indented with spaces only",
                number,
                line.index("\t"),
                'replace it with spaces (inside double quotes, write "\\t" for a tab)',
            )
    if not text.strip():
        raise _Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    return text


def _compose(text: str) -> Node:
    node = _compose_libyaml(text) if _CComposer is not None else None
    return _checked_root(node if node is not None else _compose_python(text))


def _compose_libyaml(text: str) -> Node | None:
    """The root node, or None when libyaml did not compose it (PyYAML's parser then says what
    is wrong, and where, in its own words)."""
    if _NON_PRINTABLE.search(text):
        return None
    composer = _CComposer(text)
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
    except _Stop:
        raise
    except MarkedYAMLError as exc:
        raise _syntax_stop(exc) from None
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        raise _Stop(
            "yaml-syntax", f"control character #x{exc.character:04x} is not allowed", line, col
        ) from None
    except yaml.YAMLError as exc:
        raise _Stop("yaml-syntax", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise _Stop("too-deep", "the plan is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


def _checked_root(node: Node | None) -> Node:
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
        raise _Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    if not isinstance(node, MappingNode):
        raise _Stop(
            "not-a-mapping",
            "a plan must be a mapping with version, name and steps at the top level",
            node.start_mark.line,
            node.start_mark.column,
        )
    return node


def _syntax_stop(exc: MarkedYAMLError) -> _Stop:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    if exc.context and exc.problem and exc.problem.startswith("but "):
        problem = f"{exc.context}, {exc.problem}"  # PyYAML splits one sentence in two
    elif exc.context and exc.context_mark and exc.problem:
        hint = f"{exc.context} at line {exc.context_mark.line + 1}"
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return _Stop("yaml-syntax", f"YAML syntax error: {problem}", line, col, hint)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


class _Guarded(Composer):
    """Composes nodes as PyYAML's ``Composer`` does, but refuses anchors and aliases (no alias
    bombs) and deep nesting up front, and remembers how plain scalars resolved (the same words
    recur in every plan; resolving one tries several regular expressions)."""

    _depth = 0
    # provided by the parser this is mixed with (PyYAML's Python one, or libyaml's)
    get_event: Callable[[], Any]
    check_event: Callable[..., bool]

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
                    self, event.value, event.implicit
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


def _located(event: Any, rule: str, message: str, hint: str | None = None) -> _Stop:
    mark = event.start_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return _Stop(rule, message, line, col, hint)


_RESOLVED: dict[tuple[str, bool], str] = {}


def _scalar_tag(resolver: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """``Resolver.resolve`` for a scalar, remembered for short values (it depends on nothing
    else: plans use no path resolvers)."""
    key = (value, implicit[0])
    tag = _RESOLVED.get(key)
    if tag is None:
        tag = resolver.resolve(ScalarNode, value, implicit)
        if len(value) <= 64:
            if len(_RESOLVED) >= 4096:
                _RESOLVED.clear()
            _RESOLVED[key] = tag
    return tag


class _Composer(_Guarded, CoreSchemaResolver, yaml.SafeLoader):
    """The pure-Python parser (PyYAML's reader, scanner and parser) under our composer, with
    plain scalars resolved by YAML 1.2's core schema (``CoreSchemaResolver``)."""


def _libyaml_composer() -> Any:
    """libyaml's events under our composer and the same YAML 1.2 resolver as the Python path,
    or None when PyYAML was built without libyaml."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    # yaml.cyaml is imported with yaml itself; its stubs do not export CParser
    parser: Any = getattr(importlib.import_module("yaml.cyaml"), "CParser")  # noqa: B009

    class _CComposer(_Guarded, CoreSchemaResolver, parser):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    return _CComposer


_CComposer: Any = _libyaml_composer()
# what PyYAML's reader refuses; libyaml's set differs, so such text takes the Python path
_NON_PRINTABLE = Reader.NON_PRINTABLE


# a key needing no JSON-pointer escaping (no "~" or "/"): the common case, joined directly
_PLAIN_TOKEN = re.compile(r"[^~/]*\Z").match


class _Walker:
    """Turns nodes into plain values, recording locations and collecting value problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.locations: dict[str, Location] = {}
        self.key_locations: dict[str, Location] = {}
        self.problems: list[Finding] = []

    def root(self, node: Node) -> dict[str, Any]:
        _check_step_count(node)
        data = self.value(node, "")
        # a tagged root (`!x` before the first key) is a recorded problem, not a mapping
        return data if isinstance(data, dict) else {}

    def here(self, node: Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node, rule: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Finding(rule, Severity.ERROR, message, self.here(node), hint))

    def value(self, node: Node, at: str) -> Any:
        mark = node.start_mark
        self.locations[at] = Location(self.path, mark.line + 1, mark.column + 1)
        if isinstance(node, ScalarNode):
            try:
                return convert(node)
            except ScalarRejected as rejected:
                self.problem(node, rejected.rule, rejected.message, rejected.hint)
                return None
        if node.tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list, !!set, !!omap: never a plan value
            self.problem(
                node, "yaml-tag", f"the YAML tag {shown_tag(node.tag)} is not supported in plans"
            )
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, at)
        assert isinstance(node, SequenceNode)
        return [self.value(item, f"{at}/{i}") for i, item in enumerate(node.value)]

    def mapping(self, node: MappingNode, at: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                self.problem(
                    key_node, "yaml-key", "keys must be plain words (no <<, lists or maps)"
                )
                continue
            key = str(key_node.value)
            child = f"{at}/{key}" if _PLAIN_TOKEN(key) else pointer.join(at, key)
            if child in self.key_locations:
                first = self.key_locations[child]
                self.problem(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first given at line {first.line})",
                    "keep one of them",
                )
                continue
            mark = key_node.start_mark
            self.key_locations[child] = Location(self.path, mark.line + 1, mark.column + 1)
            result[key] = self.value(value_node, child)
        return result


def _check_step_count(root: Node) -> None:
    assert isinstance(root, MappingNode)
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) != "steps" or not isinstance(value_node, SequenceNode):
            continue
        if len(value_node.value) > MAX_STEPS:
            extra = value_node.value[MAX_STEPS].start_mark
            raise _Stop(
                "too-many-steps",
                f"a plan has at most {MAX_STEPS} steps (this is step {MAX_STEPS + 1})",
                extra.line,
                extra.column,
                "split it into several plans",
            )
