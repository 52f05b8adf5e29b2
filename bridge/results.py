"""Typed results of the bot's RPC methods."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _counts(raw: Any) -> dict[str, int]:
    return {str(k): int(v) for k, v in dict(raw or {}).items() if int(v) > 0}


@dataclass(frozen=True)
class Observation:
    """What the bot perceives: inventory, block position, facing (degrees), nearby block kinds, health."""

    inventory: dict[str, int]
    position: tuple[int, int, int]
    facing: int
    nearby: tuple[str, ...]
    health: float
    food: float
    exact_position: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Observation:
        return cls(
            inventory=_counts(raw.get("inventory")),
            position=tuple(int(v) for v in raw["position"]),  # type: ignore[arg-type]
            facing=int(raw.get("facing", 0)),
            nearby=tuple(raw.get("nearby", ())),
            health=float(raw.get("health") or 0.0),
            food=float(raw.get("food") or 0.0),
            exact_position=tuple(float(v) for v in raw.get("exactPosition", raw["position"])),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class SkillResult:
    """A skill's outcome: ``success``, ``reason`` (the simulator's: ``ok``, ``unreachable``, ``no_drop``,
    ``cannot_craft``, ``cannot_smelt``, ``moved``; and the live bot's ``no_tool``: no harvest tool held, the block
    left undug), the inventory afterwards, and skill details."""

    success: bool
    reason: str
    inventory: dict[str, int]
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SkillResult:
        rest = {k: v for k, v in raw.items() if k not in ("success", "reason", "inventory")}
        return cls(bool(raw["success"]), str(raw["reason"]), _counts(raw.get("inventory")), rest)


@dataclass(frozen=True)
class Frame:
    """A first-person frame rendered by prismarine-viewer: the PNG, its size, and the bot's time for it (ms)."""

    png: bytes
    width: int
    height: int
    render_ms: float = 0.0

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Frame:
        return cls(base64.b64decode(raw["png"]), int(raw["width"]), int(raw["height"]), float(raw.get("renderMs", 0)))
