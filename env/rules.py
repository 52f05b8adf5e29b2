"""Minecraft 1.19 rules as data: recipes, harvest tools, drops, dig speeds and smelting.

Everything comes from the ``minecraft-data`` package (PC 1.19: ``recipes.json``, ``blocks.json``,
``blockLoot.json``, ``items.json``, ``materials.json``) plus ``env/data/smelting.toml`` (minecraft-data
has no furnace recipes). No recipe, tool tier or drop is written in code; variants are overlays on
these tables (:mod:`env.variants`).

A :class:`Recipe` is the one shape the simulator knows for making things: items ``consumed``, items
that must be ``held`` (a crafting table for 3x3 grids, a furnace for smelting) and a result.
Recipes with alternative materials (any planks, any fuel) are separate recipes for the same result,
tried in data order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from env.data import load_toml

MC_VERSION = "1.19"
CRAFTING_TABLE = "crafting_table"
FURNACE = "furnace"


@dataclass(frozen=True)
class Recipe:
    """One way to make ``count`` of ``result``: consume ``consumed``, hold ``held``."""

    result: str
    count: int
    consumed: Mapping[str, int]
    held: frozenset[str] = frozenset()
    method: str = "craft"  # "craft" | "smelt"
    source: str | None = None  # a smelt's input (its other used-up item is the fuel, which may be the same kind)

    def items(self) -> set[str]:
        return set(self.consumed) | set(self.held)


@dataclass(frozen=True)
class Drop:
    """An item a block drops when broken with a valid tool (no silk touch)."""

    item: str
    min_count: int
    max_count: int
    chance: float = 1.0


@dataclass(frozen=True)
class Rules:
    """The game rules the simulator plays by (a variant may have altered them)."""

    recipes: Mapping[str, tuple[Recipe, ...]]  # result item -> recipes, in the order they are tried
    harvest_tools: Mapping[str, frozenset[str] | None]  # block -> valid tools (None: anything, bare hands)
    drops: Mapping[str, tuple[Drop, ...]]  # block -> drops
    hardness: Mapping[str, float]
    dig_speed: Mapping[str, Mapping[str, float]]  # block -> tool -> speed multiplier
    fuels: Mapping[str, float] = field(default_factory=dict)  # fuel item -> items smelted per fuel item

    def recipes_for(self, item: str) -> tuple[Recipe, ...]:
        return self.recipes.get(item, ())

    def can_harvest(self, block: str, inventory: Mapping[str, int]) -> bool:
        tools = self.harvest_tools.get(block)
        return tools is None or any(inventory.get(tool, 0) > 0 for tool in tools)

    def best_speed(self, block: str, inventory: Mapping[str, int]) -> float:
        speeds = self.dig_speed.get(block, {})
        return max([1.0] + [s for tool, s in speeds.items() if inventory.get(tool, 0) > 0])

    def dig_ticks(self, block: str, inventory: Mapping[str, int]) -> int:
        """Game ticks to break ``block`` with the best held tool (Minecraft's dig-time formula)."""
        hardness = self.hardness.get(block, 0.0)
        if hardness <= 0:
            return 1
        factor = 1.5 if self.can_harvest(block, inventory) else 5.0
        return max(1, math.ceil(hardness * factor * 20 / self.best_speed(block, inventory)))

    def with_recipes(self, recipes: Mapping[str, tuple[Recipe, ...]]) -> Rules:
        return Rules(recipes, self.harvest_tools, self.drops, self.hardness, self.dig_speed, self.fuels)


def _data_dir() -> Any:
    return resources.files("minecraft_data").joinpath("data", "data")


@cache
def _load_json(kind: str) -> Any:
    """Load minecraft-data's ``kind`` file for PC 1.19 (following its ``dataPaths.json``)."""
    root = _data_dir()
    paths = json.loads(root.joinpath("dataPaths.json").read_text())["pc"][MC_VERSION]
    return json.loads(root.joinpath(paths[kind], f"{kind}.json").read_text())


@cache
def item_names_by_id() -> dict[int, str]:
    return {item["id"]: item["name"] for item in _load_json("items")}


def _grid_recipe(result: str, raw: Mapping[str, Any], names: Mapping[int, str]) -> Recipe:
    if "inShape" in raw:
        rows = raw["inShape"]
        cells = [c for row in rows for c in row if c is not None]
        big = len(rows) > 2 or any(len(row) > 2 for row in rows)
    else:
        cells = list(raw["ingredients"])
        big = len(cells) > 4
    consumed: dict[str, int] = {}
    for cell in cells:
        cell_id = cell if isinstance(cell, int) else cell["id"]
        consumed[names[cell_id]] = consumed.get(names[cell_id], 0) + 1
    held = frozenset({CRAFTING_TABLE}) if big else frozenset()
    return Recipe(result, int(raw["result"]["count"]), consumed, held, "craft")


@cache
def crafting_recipes() -> dict[str, tuple[Recipe, ...]]:
    """Every crafting recipe of minecraft-data 1.19, by result item name."""
    names = item_names_by_id()
    out: dict[str, tuple[Recipe, ...]] = {}
    for result_id, raws in _load_json("recipes").items():
        result = names[int(result_id)]
        out[result] = tuple(_grid_recipe(result, raw, names) for raw in raws)
    return out


@cache
def smelting_data() -> dict[str, Any]:
    return load_toml("smelting.toml")


def smelting_recipes() -> dict[str, tuple[Recipe, ...]]:
    """Furnace recipes by result: one recipe per fuel (fuel order = preference order)."""
    data = smelting_data()
    out: dict[str, list[Recipe]] = {}
    for source, result in data["recipes"].items():
        for fuel, per_item in data["fuel"].items():
            units = math.ceil(1 / per_item)
            consumed = {source: 1}
            consumed[fuel] = consumed.get(fuel, 0) + units
            out.setdefault(result, []).append(Recipe(result, 1, consumed, frozenset({FURNACE}), "smelt", source))
    return {k: tuple(v) for k, v in out.items()}


def _harvest_and_hardness() -> tuple[dict[str, frozenset[str] | None], dict[str, float], dict[str, dict[str, float]]]:
    names = item_names_by_id()
    materials = _load_json("materials")
    tools: dict[str, frozenset[str] | None] = {}
    hardness: dict[str, float] = {}
    speed: dict[str, dict[str, float]] = {}
    for block in _load_json("blocks"):
        ids = block.get("harvestTools")
        tools[block["name"]] = frozenset(names[int(i)] for i in ids) if ids else None
        hardness[block["name"]] = float(block.get("hardness") or 0.0)
        mats = materials.get(block.get("material", "default"), {})
        speed[block["name"]] = {names[int(i)]: float(s) for i, s in mats.items()}
    return tools, hardness, speed


def _drops() -> dict[str, tuple[Drop, ...]]:
    """Block drops without silk touch. minecraft-data lists silk/no-silk alternatives with
    ``dropChance`` 0.5 each; they are alternatives, not chances, so the no-silk entry always drops."""
    out: dict[str, tuple[Drop, ...]] = {}
    for loot in _load_json("blockLoot"):
        drops = []
        for d in loot["drops"]:
            if d.get("silkTouch"):
                continue
            size = [v for v in d.get("stackSizeRange", [1, 1]) if v is not None] or [1]
            lo, hi = int(size[0]), int(size[-1])
            if hi < 1:
                continue
            chance = 1.0 if d.get("noSilkTouch") else float(d.get("dropChance", 1.0))
            drops.append(Drop(d["item"], max(lo, 1), hi, chance))
        out[loot["block"]] = tuple(drops)
    return out


@cache
def base_rules() -> Rules:
    """The unmodified Minecraft 1.19 rules."""
    recipes = dict(crafting_recipes())
    for result, smelts in smelting_recipes().items():
        recipes[result] = recipes.get(result, ()) + smelts
    tools, hardness, speed = _harvest_and_hardness()
    return Rules(recipes, tools, _drops(), hardness, speed, dict(smelting_data()["fuel"]))
