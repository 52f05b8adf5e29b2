"""Strict parsing of LLM replies into dataclasses, validated against the known actions and items.

A reply must be one JSON object (a whole-reply Markdown code fence is tolerated) with exactly the
keys its prompt asks for. Anything else — prose, truncated JSON, a missing or unknown key, a wrong
type, an unknown item or action, a count out of range, an empty answer where one is needed, a huge
reply — raises :class:`ReplyError` with a short ``kind`` for the failure counts. Nothing is guessed
and no default fills a missing field.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

MAX_REPLY_CHARS = 20_000
MAX_COUNT = 64


class ReplyError(ValueError):
    """An invalid reply; ``kind`` is one of not_json, too_large, wrong_shape, unknown_item,
    unknown_action, bad_count, empty."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass(frozen=True)
class HypothesisReply:
    consumed: dict[str, int]
    held: tuple[str, ...]
    effects: dict[str, int]


def parse_object(text: Any) -> dict[str, Any]:
    if not isinstance(text, str) or not text.strip():
        raise ReplyError("empty", "no reply text")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyError("too_large", f"{len(text)} characters (limit {MAX_REPLY_CHARS})")
    body = text.strip()
    if body.startswith("```"):
        lines = body.splitlines()
        if len(lines) >= 2 and lines[-1].strip() == "```":
            body = "\n".join(lines[1:-1])
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError) as err:
        raise ReplyError("not_json", str(err)[:120]) from None
    if not isinstance(data, dict):
        raise ReplyError("wrong_shape", f"expected a JSON object, got {type(data).__name__}")
    return data


def expect_keys(
    data: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = (), where: str = ""
) -> None:
    """ReplyError unless ``data`` has every ``required`` key and no key outside ``required`` + ``optional``."""
    prefix = f"{where}: " if where else ""
    unknown = sorted(str(k)[:40] for k in data if k not in required and k not in optional)[:5]
    if unknown:
        raise ReplyError("wrong_shape", f"{prefix}unexpected key(s) {unknown}; expected {list(required)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise ReplyError("wrong_shape", f"{prefix}missing key(s) {missing}")


def _count(value: Any, where: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_COUNT:
        raise ReplyError("bad_count", f"{where}: {value!r} is not an integer in {low}..{MAX_COUNT}")
    return value


def _items(value: Any, field: str, known: Collection[str]) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ReplyError("wrong_shape", f"{field!r} must be an object of item -> count")
    out = {}
    for item, count in value.items():
        if item not in known:
            raise ReplyError("unknown_item", f"{field}: {str(item)[:60]!r} is not a known item")
        out[item] = _count(count, f"{field}[{item}]")
    return out


def _held(value: Any, known: Collection[str]) -> tuple[str, ...]:
    """A reply's ``"held"``: a list of known item names, once each, in order."""
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise ReplyError("wrong_shape", "'held' must be a list of item names")
    for item in value:
        if item not in known:
            raise ReplyError("unknown_item", f"held: {item[:60]!r} is not a known item")
    return tuple(dict.fromkeys(value))


def parse_hypothesis(text: Any, known_items: Collection[str]) -> HypothesisReply:
    """``{"consumed": {ITEM: COUNT}, "held": [ITEM], "effects": {ITEM: COUNT}}``, every item a known one,
    at least one effect (an action studied because it added something)."""
    data = parse_object(text)
    expect_keys(data, ("consumed", "held", "effects"))
    held = _held(data["held"], known_items)
    consumed = _items(data["consumed"], "consumed", known_items)
    effects = _items(data["effects"], "effects", known_items)
    if not effects:
        raise ReplyError("empty", "'effects' names no item; the action adds something")
    return HypothesisReply(consumed, held, effects)


@dataclass(frozen=True)
class BeliefReply:
    consumed: dict[str, int]
    held: tuple[str, ...]
    yields: dict[str, int]


def parse_belief(text: Any, items: Collection[str]) -> BeliefReply | None:
    """``{"consumed": {ITEM: COUNT}, "held": [ITEM], "yields": {ITEM: COUNT}}`` (every item one of the world's, at
    least one yield, an item not both consumed and held), or ``{"unknown": true}``: None, no belief."""
    data = parse_object(text)
    if "unknown" in data:
        expect_keys(data, ("unknown",))
        if data["unknown"] is not True:
            raise ReplyError("wrong_shape", "'unknown' must be true (or left out, with a belief)")
        return None
    expect_keys(data, ("consumed", "held", "yields"))
    held = _held(data["held"], items)
    consumed = _items(data["consumed"], "consumed", items)
    yields = _items(data["yields"], "yields", items)
    if not yields:
        raise ReplyError("empty", "'yields' names no item; an action adds something")
    both = sorted(set(consumed) & set(held))
    if both:
        raise ReplyError("wrong_shape", f"{both[0]!r} is both consumed and held")
    return BeliefReply(consumed, held, yields)


def parse_plan(text: Any, actions: Collection[str]) -> list[tuple[str, int]]:
    """``{"steps": [[ACTION, COUNT], ...]}``, at least one step, every action a learned one."""
    data = parse_object(text)
    expect_keys(data, ("steps",))
    steps = data["steps"]
    if not isinstance(steps, list) or not steps:
        raise ReplyError("wrong_shape", "'steps' must be a non-empty list of [action, count]")
    out = []
    for i, step in enumerate(steps):
        if not isinstance(step, list) or len(step) != 2 or not isinstance(step[0], str):
            raise ReplyError("wrong_shape", f"steps[{i}] must be [action, count]")
        if step[0] not in actions:
            raise ReplyError("unknown_action", f"steps[{i}]: {step[0][:60]!r} is not a learned action")
        out.append((step[0], _count(step[1], f"steps[{i}]")))
    return out


def parse_action(text: Any, options: Collection[str]) -> str:
    """``{"action": OPTION}``, one of the offered options."""
    data = parse_object(text)
    expect_keys(data, ("action",))
    action = data["action"]
    if not isinstance(action, str):
        raise ReplyError("wrong_shape", "'action' must be a string")
    if action not in options:
        raise ReplyError("unknown_action", f"{action[:60]!r} is not one of the options")
    return action
