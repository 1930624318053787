"""The output contract's JSON Schemas (schemas/output/), loaded once for the tests."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "output"


@functools.cache
def registry() -> Registry[Any]:
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text("utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def schema_of(kind: str) -> dict[str, Any]:
    document = json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def problems(document: Any, kind: str) -> list[str]:
    validator = Draft202012Validator(
        schema_of(kind), registry=registry(), format_checker=FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def checked(stdout: str, kind: str, exit_code: int) -> dict[str, Any]:
    """stdout holds exactly one JSON document of this kind and exit code, valid against its
    schema; returns it."""
    document = json.loads(stdout)  # fails on anything printed besides the one document
    assert isinstance(document, dict)
    assert (document.get("kind"), document.get("exit_code")) == (kind, exit_code), document
    assert problems(document, kind) == []
    return document
