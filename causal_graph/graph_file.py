"""The saved graph file's schema (format, version, the shape of a relation) and :class:`GraphFileError`, raised when a
file does not follow it."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

from env.interface.relation import CausalRelation, Evidence, Need

GRAPH_FORMAT = "adam-causal-graph"
GRAPH_VERSION = 1
_REL_KEYS = frozenset({"action", "needs", "yields", "yield_range", "evidence", "confidence"})


class GraphFileError(ValueError):
    """A saved causal graph could not be read: bad JSON, or content of the wrong shape.

    The message always names the file (``source``); ``line``/``column`` are set when the JSON
    itself failed to parse, ``where`` names the relation or field at fault when the structure
    is wrong.
    """

    def __init__(
        self, source: str, problem: str, *, line: int | None = None, column: int | None = None, where: str = ""
    ) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        self.column = column
        self.where = where
        location = f"line {line} column {column}: " if line is not None else ""
        context = f"{where}: " if where else ""
        super().__init__(f"{source}: {location}{context}{problem}")


def check_header(data: Any, source: str) -> None:
    """Raise GraphFileError unless ``data`` is a graph document: format tag, version, action and relation lists."""
    if not isinstance(data, dict):
        raise GraphFileError(source, f"top level must be a JSON object, got {type(data).__name__}")
    unknown = set(data) - {"format", "version", "actions", "relations"}
    if unknown:
        raise GraphFileError(source, f"unknown top-level keys {sorted(unknown)}")
    if data.get("format") != GRAPH_FORMAT:
        raise GraphFileError(source, f"'format' must be {GRAPH_FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") != GRAPH_VERSION:
        raise GraphFileError(source, f"unsupported 'version' {data.get('version')!r} (expected {GRAPH_VERSION})")
    for key in ("actions", "relations"):
        if not isinstance(data.get(key), list):
            raise GraphFileError(source, f"{key!r} must be a list, got {type(data.get(key)).__name__}")


def check_relation(rel: CausalRelation) -> None:
    """Raise ValueError when ``rel`` has a field of the wrong type or out of range."""
    if not isinstance(rel.action, str) or not rel.action:
        raise ValueError(f"action id must be a non-empty string, got {rel.action!r}")
    for item, need in rel.needs.items():
        if not isinstance(need, Need):
            raise ValueError(f"needs[{item!r}] must be a Need, got {type(need).__name__}")
        if not isinstance(item, str) or not item:
            raise ValueError(f"needs: item names must be non-empty strings, got {item!r}")
        if not _is_int(need.quantity) or need.quantity < 1:
            raise ValueError(f"needs[{item!r}].quantity must be a positive integer, got {need.quantity!r}")
        if not isinstance(need.consumed, bool):
            raise ValueError(f"needs[{item!r}].consumed must be true or false, got {need.consumed!r}")
        if isinstance(need.alternatives, str) or not all(isinstance(a, str) and a for a in need.alternatives):
            raise ValueError(f"needs[{item!r}].alternatives must be a list of item names, got {need.alternatives!r}")
    for item, count in rel.yields.items():
        if not isinstance(item, str) or not item:
            raise ValueError(f"yields: item names must be non-empty strings, got {item!r}")
        if not _is_int(count) or count < 0:
            raise ValueError(f"yields[{item!r}] must be a non-negative integer, got {count!r}")
    for item, span in rel.yield_range.items():
        if item not in rel.yields:
            raise ValueError(f"yield_range[{item!r}] names an item that is not in yields")
        if len(span) != 2 or not all(map(_is_int, span)) or not 0 <= span[0] <= span[1]:
            raise ValueError(f"yield_range[{item!r}] must be [min, max] with 0 <= min <= max, got {span!r}")
    for key, value in rel.evidence.to_dict().items():
        if not _is_int(value) or value < 0:
            raise ValueError(f"evidence.{key} must be a non-negative integer, got {value!r}")
    if not isinstance(rel.confidence, numbers.Real) or isinstance(rel.confidence, bool):
        raise ValueError(f"confidence must be a number, got {rel.confidence!r}")
    if not math.isfinite(rel.confidence):
        raise ValueError(f"confidence must be finite, got {rel.confidence!r}")


def parse_relation(raw: Any) -> CausalRelation:
    """Strictly type-check one relation dict (no coercion, no unknown keys) and build the relation."""
    if not isinstance(raw, dict):
        raise ValueError(f"a relation must be a JSON object, got {type(raw).__name__}")
    if set(raw) - _REL_KEYS:
        raise ValueError(f"unknown keys {sorted(set(raw) - _REL_KEYS)}")
    if "action" not in raw:
        raise ValueError("missing 'action'")
    for key in ("needs", "yields", "yield_range", "evidence"):
        if not isinstance(raw.get(key, {}), Mapping):
            raise ValueError(f"{key!r} must be a JSON object, got {type(raw[key]).__name__}")
    for item, need in raw.get("needs", {}).items():
        if not isinstance(need, dict) or not {"quantity", "consumed"} <= set(need) <= set(Need.__annotations__):
            raise ValueError(f"needs[{item!r}] must be an object with quantity, consumed[, alternatives]: {need!r}")
        if not isinstance(need.get("alternatives", []), list):
            raise ValueError(f"needs[{item!r}].alternatives must be a list, got {need['alternatives']!r}")
    for item, span in raw.get("yield_range", {}).items():
        if not isinstance(span, list) or len(span) != 2:
            raise ValueError(f"yield_range[{item!r}] must be a [min, max] list, got {span!r}")
    if set(raw.get("evidence", {})) - set(Evidence.__annotations__):
        raise ValueError(f"unknown evidence keys {sorted(set(raw['evidence']) - set(Evidence.__annotations__))}")
    rel = CausalRelation(
        action=raw["action"],
        needs={
            k: Need(v["quantity"], v["consumed"], tuple(v.get("alternatives", ())))
            for k, v in raw.get("needs", {}).items()
        },
        yields=dict(raw.get("yields", {})),
        yield_range={k: tuple(v) for k, v in raw.get("yield_range", {}).items()},
        evidence=Evidence(**raw.get("evidence", {})),
        confidence=raw.get("confidence", 1.0),
    )
    check_relation(rel)
    return rel


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
