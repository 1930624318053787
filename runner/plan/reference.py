"""`docs/plan-reference.md`, generated from the plan JSON Schema so the two cannot drift apart.

Regenerate with ``python -m runner.plan.reference > docs/plan-reference.md``; a test fails when the
committed file differs from what the packaged schema produces.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from runner.plan.schema import schema_text

Node = Mapping[str, Any]

HEADER = (
    "<!-- Generated from schemas/plan.schema.json by `python -m runner.plan.reference`; "
    "do not edit by hand. -->"
)
# Building blocks shown as value types rather than as sections of their own.
_COMBINATORS = {
    "exactlyOneKind",
    "planOrderNeedsId",
    "sizeOrNotional",
    "sizeNotionalOrRisk",
    "step",
    "tpOrSl",
}


def _ref_name(node: Node) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _code(value: Any) -> str:
    return (
        f"`{json.dumps(value, ensure_ascii=False)}`" if not isinstance(value, str) else f"`{value}`"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Reference:
    def __init__(self, schema: Node) -> None:
        self.schema = schema
        self.defs: Mapping[str, Node] = schema["$defs"]

    def type_of(self, node: Node) -> str:
        """A short, linked description of what a property accepts."""
        name = _ref_name(node)
        if name == "step":
            return "[step](#steps)"
        if name is not None:
            target = self.defs[name]
            if _is_object(target):
                return f"[{target.get('title', name)}](#{_anchor(self._section_title(name))})"
            return f"[{target.get('title', name).lower()}](#{_anchor('type-' + name)})"
        if "enum" in node:
            return " \\| ".join(_code(v) for v in node["enum"])
        if "const" in node:
            return _code(node["const"])
        if "anyOf" in node:
            return " or ".join(self.type_of(n) for n in node["anyOf"])
        if node.get("type") == "array" and "items" in node:
            return f"list of {self.type_of(node['items'])}"
        kind = node.get("type", "any")
        kinds = kind if isinstance(kind, list) else [kind]
        return " or ".join(kinds)

    def _section_title(self, name: str) -> str:
        return f"{self.defs[name].get('title', name)}"

    def table(self, node: Node) -> Iterator[str]:
        required = set(node.get("required", ()))
        yield "| key | accepts | required | description | examples |"
        yield "|---|---|---|---|---|"
        for key, prop in node.get("properties", {}).items():
            examples = ", ".join(_code(e) for e in prop.get("examples", ()))
            yield (
                f"| `{key}` | {self.type_of(prop)} | {'yes' if key in required else ''} | "
                f"{_cell(prop.get('description', ''))} | {_cell(examples)} |"
            )

    def example(self, key: str | None, node: Node) -> Iterator[str]:
        examples = node.get("examples") or ()
        if not examples:
            return
        value = {key: examples[0]} if key else examples[0]
        yield "```yaml"
        yield from yaml.safe_dump(value, sort_keys=False, allow_unicode=True).rstrip().splitlines()
        yield "```"

    def render(self) -> str:
        return "\n".join(self._lines()) + "\n"

    def _lines(self) -> Iterator[str]:
        s = self.schema
        yield HEADER
        yield ""
        yield f"# {s['title']}"
        yield ""
        yield s["description"]
        yield ""
        yield f"Schema `$id`: `{s['$id']}` (JSON Schema draft 2020-12; `bitmart-runner schema`)."
        yield ""
        yield "## Plan file"
        yield ""
        yield from self.table(s)
        yield ""
        yield from self.example(None, s)
        for key in ("policy", "defaults"):
            yield from self._object_section(key, self.defs[key], key)
        yield from self._steps()
        yield ""
        yield from self._risk()
        yield from self._types()

    def _object_section(self, name: str, node: Node, key: str | None) -> Iterator[str]:
        yield ""
        yield f"## {self._section_title(name)}"
        yield ""
        yield node.get("description", "")
        variants = node.get("oneOf", ())
        if variants:
            yield ""
            yield f"One of {len(variants)} forms:"
        for variant in variants or (node,):
            yield ""
            yield from self.table(variant)
        for combinator in node.get("allOf", ()):
            rule = _ref_name(combinator)
            if rule is not None:
                yield ""
                yield self.defs[rule]["description"]
        if "anyOf" in node and _ref_name(node) is None:
            yield ""
            yield (
                "At least one of "
                + " and ".join(f"`{r['required'][0]}`" for r in node["anyOf"] if "required" in r)
                + "."
            )
        yield ""
        yield from self.example(key, node)

    def _steps(self) -> Iterator[str]:
        step = self.defs["step"]
        yield ""
        yield "## Steps"
        yield ""
        yield step["description"]
        yield ""
        for combinator in ("exactlyOneKind", "planOrderNeedsId"):
            yield f"- {self.defs[combinator]['description']}"
        yield ""
        yield "| step key | kind | what it does |"
        yield "|---|---|---|"
        for key, prop in step["properties"].items():
            yield f"| `{key}` | {self.type_of(prop)} | {_cell(prop.get('description', ''))} |"
        for key, prop in step["properties"].items():
            name = _ref_name(prop)
            if name is None or not _is_object(self.defs[name]):
                continue
            yield from self._object_section(name, self.defs[name], key)
        shown = {"policy", "defaults", "step"} | {
            n for n in (_ref_name(p) for p in step["properties"].values()) if n is not None
        }
        # the objects steps are made of: entry, TP/SL, ladder levels, trailing stops ...
        for name, node in self.defs.items():
            if name not in shown and _is_object(node):
                yield from self._object_section(name, node, None)

    def _risk(self) -> Iterator[str]:
        """What apply adds around the plan: not schema keys, so written here (issue 14)."""
        yield from RISK_SECTION.strip("\n").splitlines()

    def _types(self) -> Iterator[str]:
        yield ""
        yield "## Value types"
        for name, node in self.defs.items():
            if name in _COMBINATORS or _is_object(node):
                continue
            yield ""
            yield f'<a id="type-{name.lower()}"></a>'
            yield f"### {node.get('title', name)}"
            yield ""
            yield node.get("description", "")
            yield ""
            yield f"Accepts: {self.type_of({k: v for k, v in node.items() if k != 'title'})}."
            examples = ", ".join(_code(e) for e in node.get("examples", ()))
            if examples:
                yield f"Examples: {examples}."
            for sub in node.get("anyOf", ()):
                if "pattern" in sub:
                    yield f"Text form: matches `{sub['pattern']}`."


RISK_SECTION = """
## Risk direction, stale prices and break-even (apply)

- **Risk direction.** The diff marks each change that raises risk: opening or adding contracts,
  loosening or removing a stop-loss, moving margin out of a cross account (its liquidation comes
  closer). `intent` when the plan's author asked for it (an action step, or a step new or edited
  since the last apply); `drift` when the step is unchanged and the account or the market moved
  (a size the exchange reduced, a notional re-sized, a stop tightened by hand, a re-entry).
  Drift is refused under `apply --yes` (exit 1, one `risk-drift` error each) unless the plan says
  `policy.allow_risk_increase: true` or the run passes `--allow-risk-increase`; at a terminal it
  is highlighted before `CONFIRM`. A stop tightened by hand is kept (`drift kept`).
  A modification counts like its place/cancel equivalent: a resting entry made bigger or moved
  to a worse price, a preset stop or a plan order's stop moved away from the price, a plan
  order's entry made worse.
- **Every step kind remembers what it said.** Position steps keep their record; `tp_sl`,
  `plan_order`, `cancel`, `ensure_balance`, `leverage` and `position_mode` steps remember the
  definition an apply last carried out in full (`<home>/records/<account>/<plan>.json`). So a
  `tp_sl` step re-applied unchanged keeps a stop you tightened by hand, and an unchanged `cancel`
  or `tp_sl: {stop_loss: null}` that would remove a stop you placed by hand, or an unchanged
  `plan_order` placing its order again, is drift; edit the step and it is your intent.
- **Saved plans get the same check.** `apply SAVED.json` classifies every risk-raising change on
  the live account against the steps' memory, as `apply PLAN.yaml` does: drift needs
  `--allow-risk-increase` under `--yes` (the flag `plan --out` was run with does not consent for
  the apply), or `CONFIRM` after the warning at a terminal.
- **`plan --allow-risk-increase`** shows in CI what apply would accept: without it `plan`
  reports each drift as a `risk-drift` warning ("apply --yes would refuse it"), with it as
  `risk-drift-accepted`, and computes drift as apply would with the flag (a stop tightened by
  hand is loosened back). Warnings do not change the exit code (`--detailed-exitcode`: 0 or 2).
- **Cross liquidation** is estimated on the one cross margin every cross position of the account
  shares: besides the available balance, each other cross position's margin above its
  maintenance margin and its unrealized PnL at the mark count (a loss on one brings the others'
  liquidation closer). A plan that may hold cross reads every position of the account in the
  same read round for it; the diff names the positions whose margin it counts.
- **`--max-price-move PERCENT`** (apply, default `0.5%`): a saved plan (`plan --out`) is refused
  as stale (exit 3) when a mark price moved more than this, either way, since it was saved, or
  when a relative trigger (`"-3%"`) would now resolve to another tick. Independently, apply never
  sends an order whose preset or stand-alone trigger would fire at once: that step is refused
  with the reason (exit 4 when earlier steps ran, else 1). It judges by the freshest price the
  run has read (the reads it makes anyway after an open), and where each trigger fires: a market
  entry's presets, `tp_sl` stops and take-profits and ladder levels at the current price; a limit
  entry's presets at the price it fills at (its own price while it rests); a plan order's trigger
  at the current price and its presets at its entry; modified plan orders and presets the same
  way. A trailing stop whose activation price is already crossed is sent: it starts trailing
  from the current price and fires only after its callback.
- **`rebalance_band`** (position): a notional is resolved to contracts once, when the position
  opens from flat, and held in contracts; with a band the position is re-sized only when its value
  at the mark is further than that from the notional.
- **`stop_loss: {trigger: breakeven}`**: the entry price moved by the open and close fees at the
  account's taker rate (long: entry × (1 + 2 × taker), short: entry × (1 − 2 × taker)), rounded to
  the tick on the profitable side. Any stop on the profitable side of the entry (`"+0.5%"` on a
  long) is valid while the current price is beyond it; only the live check against the price
  decides.
"""


def _is_object(node: Node) -> bool:
    """An object with keys of its own (or a choice of such objects): a section, not a value."""
    return "properties" in node or any("properties" in v for v in node.get("oneOf", ()))


def _anchor(title: str) -> str:
    """GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def render_reference(schema: Node | None = None) -> str:
    return Reference(schema or json.loads(schema_text())).render()


if __name__ == "__main__":
    sys.stdout.write(render_reference())
