"""Real-world conditions of the simulator (issue 17): ``MinecraftEnv(conditions="noisy:0.1")``.

1.19's own inventory rules are on by default (:data:`DEFAULT_CONDITIONS`); ``plain`` turns them off (the simulator
as it was before them), and the other conditions are added on top of either:

* ``durability``: tools wear out after 1.19's ``maxDurability`` uses (minecraft-data ``items.json``). Default.
* ``stacks``: 1.19 stack sizes (``stackSize``: 64, 16 or 1) in a 36-slot inventory. Default.
* ``plain``: neither of those two (``plain,durability``: durability alone).
* ``cap:N``: every item's count is capped at N (N >= 1), a cap the world does not declare.
* ``scarce`` / ``scarce:D``: only :data:`SCARCE_ORES` ore blocks of diamond (D of them), gold and iron.
* ``noisy:P``: each macro-action (not a movement) fails with probability P (reason ``lost_way``).
* ``hostile:P``: with probability P per step a held station (crafting table, furnace) is lost.

:func:`parse_conditions` reads them; :class:`InventoryLimits` is the ``stacks`` / ``cap`` inventory; :func:`make_scarce`
removes ores from a generated world. The env (:mod:`env.minecraft`) applies the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from bridge.limits import intervention_capacity, inventory_slots
from env.blocks import block_id
from env.rules import _load_json

CONDITION_FORMS = ("plain", "durability", "stacks", "cap:N", "scarce", "scarce:D", "noisy:P", "hostile:P")
DEFAULT_CONDITIONS = ("durability", "stacks")  # 1.19's own rules: on unless "plain" is given
PLAIN = "plain"
# ore kind -> (its blocks, how many a scarce world keeps); ``scarce:D`` sets the diamonds.
SCARCE_ORES: dict[str, tuple[tuple[str, ...], int]] = {
    "diamond_ore": (("diamond_ore", "deepslate_diamond_ore"), 3),
    "gold_ore": (("gold_ore", "deepslate_gold_ore"), 4),
    "iron_ore": (("iron_ore", "deepslate_iron_ore"), 6),
}
DEFAULT_STACK = 64  # the stack size of most items (stack_limits lists the others)


def _invalid(text: str, why: str) -> ValueError:
    return ValueError(
        f"invalid condition {text!r} ({why}); valid conditions: {', '.join(CONDITION_FORMS)} "
        "(N, D integers; P a probability 0..1), comma-separated, e.g. 'noisy:0.1' or 'plain,scarce'"
    )


@dataclass(frozen=True)
class Conditions:
    """Parsed conditions. ``Conditions()`` (all off) is the ``plain`` world, the simulator before 1.19's inventory
    rules; :func:`parse_conditions` starts from :data:`DEFAULT_CONDITIONS`. ``str()`` is the canonical form, which
    :func:`parse_conditions` reads back to the same conditions (``durability,stacks,noisy:0.1``; ``plain`` or
    ``plain,...`` when a default is off)."""

    durability: bool = False
    stacks: bool = False
    cap: int | None = None
    scarce: int | None = None  # diamonds kept; None: ores as generated
    noisy: float | None = None
    hostile: float | None = None

    def __bool__(self) -> bool:  # asked several times a step: no comparison with a fresh instance
        return (
            self.durability
            or self.stacks
            or any(v is not None for v in (self.cap, self.scarce, self.noisy, self.hostile))
        )

    def __str__(self) -> str:
        parts = [name for name in DEFAULT_CONDITIONS if getattr(self, name)]
        if len(parts) < len(DEFAULT_CONDITIONS):
            parts.insert(0, PLAIN)
        parts += [f"{name}:{getattr(self, name)}" for name in ("cap", "scarce", "noisy", "hostile")]
        return ",".join(p for p in parts if not p.endswith(":None"))

    @property
    def scarce_ores(self) -> dict[str, int]:
        """ore kind -> ore blocks a scarce world keeps (empty when not scarce)."""
        if self.scarce is None:
            return {}
        return {kind: self.scarce if kind == "diamond_ore" else n for kind, (_, n) in SCARCE_ORES.items()}


def _probability(text: str, value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        raise _invalid(text, "P must be a number") from None
    if not 0.0 <= p <= 1.0:
        raise _invalid(text, "P must be between 0 and 1")
    return p


def _count(text: str, value: str, least: int) -> int:
    if not value.strip().isdecimal() or int(value) < least:
        raise _invalid(text, f"needs an integer {least} or more")
    return int(value)


def parse_conditions(conditions: str | Iterable[str] | Conditions | None) -> Conditions:
    """``"noisy:0.1"`` (or a sequence of such parts; None or "" for none) as :class:`Conditions`: on top of
    :data:`DEFAULT_CONDITIONS` unless ``plain`` is among them; one ValueError naming the valid forms for anything else
    (an unknown or repeated condition, a bad value)."""
    if isinstance(conditions, Conditions):
        return conditions
    if conditions is None:
        conditions = ""
    if isinstance(conditions, str):
        parts = [p.strip() for p in conditions.split(",") if p.strip()]
    elif isinstance(conditions, Iterable):
        parts = []
        for part in conditions:
            if not isinstance(part, str):
                raise _invalid(repr(part), "each condition is a string")
            parts += [p.strip() for p in part.split(",") if p.strip()]
    else:
        raise _invalid(repr(conditions), "conditions are a string or a sequence of strings")
    fields: dict[str, object] = {}
    for text in parts:
        name, colon, value = (s.strip() for s in text.partition(":"))
        if name in fields:
            raise _invalid(text, f"{name} is given twice")
        if name == PLAIN or name in ("durability", "stacks"):
            if colon:
                raise _invalid(text, f"{name} takes no value")
            fields[name] = True
        elif name == "cap":
            fields[name] = _count(text, value, 1)
        elif name == "scarce":
            fields[name] = _count(text, value, 0) if colon else SCARCE_ORES["diamond_ore"][1]
        elif name in ("noisy", "hostile"):
            if not colon:
                raise _invalid(text, f"{name} needs a probability, as in {name}:0.1")
            fields[name] = _probability(text, value)
        else:
            raise _invalid(text, "unknown condition")
    if not fields.pop(PLAIN, False):
        fields = {**dict.fromkeys(DEFAULT_CONDITIONS, True), **fields}
    return Conditions(**fields)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------- item data
@cache
def stack_sizes() -> dict[str, int]:
    """item -> 1.19 stack size (``stackSize`` in minecraft-data ``items.json``)."""
    return {item["name"]: int(item["stackSize"]) for item in _load_json("items")}


@cache
def max_uses() -> dict[str, int]:
    """tool -> uses before it breaks (``maxDurability`` in minecraft-data ``items.json``)."""
    return {item["name"]: int(item["maxDurability"]) for item in _load_json("items") if item.get("maxDurability")}


def slots_and_capacity() -> tuple[int, int]:
    """``(36, 32)``: the inventory's slots and the item kinds one intervention may set (the live game's figures,
    ``bridge/bot/data/inventory.json``: 4 slots stay free for what the next action yields)."""
    return inventory_slots()[0], intervention_capacity()


@dataclass(frozen=True)
class InventoryLimits:
    """The inventory of ``stacks`` (``slots`` slots, each holding one stack of ``stack_sizes``) and/or ``cap``
    (at most ``cap`` of any item). What does not fit is dropped (gains) or trimmed (interventions)."""

    slots: int | None = None
    stack_sizes: Mapping[str, int] | None = None
    cap: int | None = None

    def stack(self, item: str) -> int:
        size = (self.stack_sizes or {}).get(item, DEFAULT_STACK) if self.slots is not None else math.inf
        return int(min(size, self.cap or math.inf))

    def slots_used(self, inventory: Mapping[str, int]) -> int:
        return sum(math.ceil(count / self.stack(item)) for item, count in inventory.items() if count > 0)

    def room(self, inventory: Mapping[str, int], item: str) -> int:
        """How many more of ``item`` the inventory can take."""
        held = inventory.get(item, 0)
        room = math.inf if self.cap is None else self.cap - held
        if self.slots is not None:
            size = self.stack(item)
            partial = math.ceil(held / size) * size - held
            room = min(room, partial + max(self.slots - self.slots_used(inventory), 0) * size)
        return int(max(room, 0))

    def fit(self, inventory: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        """``(fitted, trimmed)``: an intervention's inventory as it fits (counts over the cap lowered to it; then, as
        the live game does, the counts that take most slots lowered a stack at a time) and what was left out."""
        fitted = dict(inventory)
        trimmed: dict[str, int] = {}
        if self.cap is not None:
            for item, count in inventory.items():
                if count > self.cap:
                    fitted[item], trimmed[item] = self.cap, count - self.cap
        if self.slots is not None:
            while self.slots_used(fitted) > self.slots:
                item = max(fitted, key=lambda i: math.ceil(fitted[i] / self.stack(i)))
                cut = min(self.stack(item), fitted[item] - 1 or 1)
                fitted[item] -= cut
                trimmed[item] = trimmed.get(item, 0) + cut
                if fitted[item] <= 0:
                    del fitted[item]
        return fitted, trimmed


def inventory_limits(conditions: Conditions) -> InventoryLimits | None:
    """The inventory limits of ``conditions`` (None: no limits, the default)."""
    if not conditions.stacks and conditions.cap is None:
        return None
    slots = slots_and_capacity()[0] if conditions.stacks else None
    return InventoryLimits(slots, stack_sizes() if conditions.stacks else None, conditions.cap)


# --------------------------------------------------------------------------------------------- scarce
def make_scarce(
    voxels: np.ndarray, spawn: tuple[int, int, int], radius: int, keep: Mapping[str, int]
) -> dict[str, np.ndarray]:
    """Keep only ``keep[kind]`` ore blocks of each kind of :data:`SCARCE_ORES` in the whole world: the nearest to
    ``spawn`` among those within ``radius`` columns of it (horizontally); every other one becomes the rock around it
    (stone, or deepslate for a deepslate ore). Changes ``voxels`` in place; returns kind -> kept coordinates."""
    kept: dict[str, np.ndarray] = {}
    sx, sy, sz = spawn
    for kind, count in keep.items():
        blocks = SCARCE_ORES[kind][0]
        coords = np.argwhere(np.isin(voxels, [block_id(b) for b in blocks]))
        near = (np.abs(coords[:, 0] - sx) <= radius) & (np.abs(coords[:, 2] - sz) <= radius)
        candidates = coords[near]
        distance = ((candidates - (sx, sy, sz)) ** 2).sum(1)
        order = np.lexsort((candidates[:, 2], candidates[:, 1], candidates[:, 0], distance))
        keep_here = candidates[order[:count]]
        kept[kind] = keep_here
        chosen = {tuple(int(v) for v in c) for c in keep_here}
        for c in coords:
            x, y, z = (int(v) for v in c)
            if (x, y, z) in chosen:
                continue
            name = "deepslate" if voxels[x, y, z] == block_id(f"deepslate_{blocks[0]}") else "stone"
            voxels[x, y, z] = block_id(name)
    return kept


def ores_left(voxels: np.ndarray, kept: Mapping[str, np.ndarray]) -> dict[str, int]:
    """ore kind -> how many of the kept ore blocks are still in the world."""
    out = {}
    for kind, coords in kept.items():
        ids = [block_id(b) for b in SCARCE_ORES[kind][0]]
        out[kind] = int(np.isin(voxels[coords[:, 0], coords[:, 1], coords[:, 2]], ids).sum()) if len(coords) else 0
    return out
