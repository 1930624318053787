"""The plan JSON Schema: packaged text, one compiled validator, findings located at the node.

``schemas/plan.schema.json`` (for editors) and ``runner/data/plan.schema.json`` (packaged) are the
same bytes; a test keeps them so.  jsonschema's errors are turned into one human sentence per
mistake by ``runner.plan.messages``.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from importlib import resources
from typing import Any, cast

from jsonschema import validators
from jsonschema.protocols import Validator

from runner.findings import Finding
from runner.plan.load import Document
from runner.plan.messages import Explained, explain

SCHEMA_ID = "https://bitmart-runner.dev/schemas/plan-v1.json"
SCHEMA_VERSION = 1  # the plan file's `version:` this schema describes (`--version` shows it)
# a mistake already named as an unknown key makes these at the same place redundant noise
_IMPLIED_BY_UNKNOWN_KEY = {"missing-key", "step-kind", "size-or-notional", "tp-or-sl"}


def schema_text() -> str:
    return resources.files("runner").joinpath("data/plan.schema.json").read_text("utf-8")


@functools.cache
def schema() -> dict[str, Any]:
    document = json.loads(schema_text())
    assert isinstance(document, dict)
    return document


def _is_integer(_: object, instance: object) -> bool:
    # numbers reach the validator as Decimal (exact source text), so 10 and 10.0 are whole
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int) and not isinstance(instance, bool)


@functools.cache
def validator() -> Validator:
    base = validators.validator_for(schema())
    checker = base.TYPE_CHECKER.redefine("integer", _is_integer)
    cls = validators.extend(base, type_checker=checker)  # type: ignore[no-untyped-call]
    return cast(Validator, cls(schema()))


def schema_findings(document: Document) -> list[Finding]:
    """One finding per mistake, ordered by position in the file."""
    defs = schema()["$defs"]
    names = {id(value): name for name, value in defs.items()}
    explained: list[Explained] = []
    for error in validator().iter_errors(document.data):
        explained.extend(explain(error, document, names))
    with_unknown = {e.at for e in explained if e.finding.rule == "unknown-key"}
    kept: dict[tuple[object, str], Finding] = {}
    for item in explained:
        if item.finding.rule in _IMPLIED_BY_UNKNOWN_KEY and item.at in with_unknown:
            continue
        kept.setdefault((item.finding.location, item.finding.message), item.finding)
    return sorted(kept.values(), key=_order)


def _order(finding: Finding) -> tuple[int, int, str]:
    loc = finding.location
    return (loc.line, loc.col, finding.message) if loc else (0, 0, finding.message)
