"""The simulator's game engine: the world, the agent's body and inventory, and macro-actions.

Macro-actions behave like their mineflayer skills. A gather/mine action finds the nearest block of
its targets within ``search_radius`` blocks horizontally, walks there (over the surface) or digs a
two-high tunnel to it (underground), breaks it and keeps its drops when a valid harvest tool is held.
Blocks dug on the way drop their own items too (dirt, cobblestone, coal met underground): the
realistic by-products of digging. Crafting and smelting follow :class:`env.rules.Rules`.

Two opt-in conditions (:mod:`env.conditions`) live here. ``limits`` (an :class:`env.conditions.InventoryLimits`):
gains that do not fit are dropped, listed in :attr:`Engine.dropped` for the step; a craft or smelt whose result
would not fit is not done. ``max_uses`` (tool -> uses): a gather/mine action whose target needs a harvest tool
wears the held one it digs with (the fastest) by one use; blocks dug on the way do not; at ``max_uses`` that
tool breaks and leaves the inventory. Both are None by default: no limits, no wear. And ``found_anywhere``
(default empty): blocks whose nearest one is found in the whole world, not only within ``search_radius`` (the few
ores a scarce world keeps stay reachable wherever the agent is), and which a tunnel to another target leaves in
place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from env.actions import ActionSpec
from env.blocks import above_terrain, block_id, block_names
from env.rules import Recipe, Rules

if TYPE_CHECKING:
    from env.conditions import InventoryLimits

WALK_TICKS = 5  # ~4.3 blocks per second
CRAFT_TICKS = 10
SMELT_TICKS = 200
FACINGS = ((0, 1), (-1, 0), (0, -1), (1, 0))  # (dx, dz) for yaw 0, 90, 180, 270 degrees: south, west, north, east


@dataclass(frozen=True)
class Outcome:
    """What one macro-action did. ``reason`` is one of ``ok``, ``unreachable`` (no target within reach),
    ``no_drop`` (broke the target but got nothing), ``cannot_craft``, ``cannot_smelt``, ``moved``; with
    ``limits`` also ``inventory_full`` (the target's drops fell for want of room; a craft or smelt whose result
    would not fit, done not at all)."""

    success: bool
    reason: str
    consumed: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    ticks: int = 0
    steps: int = 0  # blocks walked or dug


def inventory_delta(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """``(consumed, added)``: items whose count fell, and items whose count rose, with the amounts."""
    consumed = {k: before[k] - after.get(k, 0) for k in before if before[k] > after.get(k, 0)}
    added = {k: after[k] - before.get(k, 0) for k in after if after[k] > before.get(k, 0)}
    return dict(sorted(consumed.items())), dict(sorted(added.items()))


class Engine:
    """Mutable game state: voxels, the agent's position/facing, its inventory and the clock."""

    def __init__(
        self,
        rules: Rules,
        voxels: np.ndarray,
        surface: np.ndarray,
        min_y: int,
        rng: np.random.Generator,
        smelt_results: Mapping[str, str],
        search_radius: int = 32,
        move_distance: int = 4,
    ) -> None:
        self.rules = rules
        self.voxels = voxels
        self.surface = surface
        self.min_y = min_y
        self.rng = rng
        self.smelt_results = dict(smelt_results)
        self.search_radius = search_radius
        self.move_distance = move_distance
        self.inventory: dict[str, int] = {}
        self.limits: InventoryLimits | None = None  # stacks / cap (env.conditions); None: no limits
        self.max_uses: Mapping[str, int] | None = None  # durability: tool -> uses; None: tools never wear
        self.wear: dict[str, int] = {}  # tool -> uses spent on the one in use
        self.dropped: dict[str, int] = {}  # what the last action gained that did not fit
        self._full = False  # the last craft/smelt had no room for its result
        # blocks found beyond search_radius, which tunnels leave in place (scarce ores)
        self.found_anywhere: frozenset[str] = frozenset()
        self.ticks = 0
        self.facing = 0
        self._names = block_names()
        self._walkable_top = {block_id(n) for n in above_terrain()}
        self._coords: dict[int, np.ndarray] = {}
        self.position = self.spawn_point()

    # ----------------------------------------------------------------------------------- position
    def column_top(self, x: int, z: int) -> int:
        """Array y index of the highest terrain block of a column (ignoring trees and water)."""
        column = self.voxels[x, :, z]
        solid = np.nonzero(~np.isin(column, list(self._walkable_top)))[0]
        return int(solid[-1]) if solid.size else 0

    def stand_height(self, x: int, z: int) -> int:
        """Feet y index where the agent stands at a column (on the terrain, or swimming on water)."""
        column = self.voxels[x, :, z]
        top = self.column_top(x, z)
        water = np.nonzero(column == block_id("water"))[0]
        if water.size and water[-1] > top:
            top = int(water[-1])
        return top + 1

    def spawn_point(self) -> tuple[int, int, int]:
        """The dry-land column nearest the centre of the world that has a tree within 16 blocks."""
        sx, _, sz = self.voxels.shape
        logs = self._block_coords(block_id("oak_log"))
        grass = block_id("grass_block")
        cx, cz = sx // 2, sz // 2
        order = sorted(
            ((x, z) for x in range(sx) for z in range(sz)), key=lambda p: (p[0] - cx) ** 2 + (p[1] - cz) ** 2
        )
        for x, z in order[:2000]:
            top = self.column_top(x, z)
            if self.voxels[x, top, z] != grass:
                continue
            if logs.size and np.min(np.abs(logs[:, 0] - x) + np.abs(logs[:, 2] - z)) <= 16:
                return (x, top + 1, z)
        return (cx, self.stand_height(cx, cz), cz)

    @property
    def world_position(self) -> tuple[int, int, int]:
        x, y, z = self.position
        return (x, y + self.min_y, z)

    # ------------------------------------------------------------------------------------- search
    def _block_coords(self, bid: int) -> np.ndarray:
        coords = self._coords.get(bid)
        if coords is None:
            coords = np.argwhere(self.voxels == bid).astype(np.int32)
            self._coords[bid] = coords
        return coords

    def nearest(self, blocks: tuple[str, ...]) -> tuple[int, int, int] | None:
        """The nearest block of one of ``blocks`` within the horizontal search radius, or None."""
        ids = [block_id(b) for b in blocks]
        px, py, pz = self.position
        sx, sy, sz = self.voxels.shape
        r = 6
        lo = np.maximum([px - r, py - r, pz - r], 0)
        hi = np.minimum([px + r + 1, py + r + 1, pz + r + 1], [sx, sy, sz])
        box = self.voxels[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]]
        found = np.argwhere(np.isin(box, ids))
        if found.size:
            found = found + lo
            d = ((found - (px, py, pz)) ** 2).sum(1)
            i = int(np.argmin(d))
            if d[i] <= r * r:
                return tuple(int(v) for v in found[i])
        candidates = [self._block_coords(bid) for bid in ids]
        pts = np.concatenate(candidates) if candidates else np.empty((0, 3), np.int32)
        if not pts.size:
            return None
        if not set(blocks) <= self.found_anywhere:
            near = (np.abs(pts[:, 0] - px) <= self.search_radius) & (np.abs(pts[:, 2] - pz) <= self.search_radius)
            pts = pts[near]
        pts = pts[np.isin(self.voxels[pts[:, 0], pts[:, 1], pts[:, 2]], ids)]
        if not pts.size:
            return None
        d = ((pts - (px, py, pz)) ** 2).sum(1)
        return tuple(int(v) for v in pts[int(np.argmin(d))])

    def nearby_blocks(self, radius: int = 4) -> list[str]:
        """Names of the block kinds (except air) within ``radius`` of the agent: ADAM's "voxels"."""
        px, py, pz = self.position
        box = self.voxels[
            max(px - radius, 0) : px + radius + 1,
            max(py - radius, 0) : py + radius + 2,
            max(pz - radius, 0) : pz + radius + 1,
        ]
        counts = np.bincount(box.ravel(), minlength=len(self._names))
        return [self._names[i] for i in np.nonzero(counts)[0] if i != 0]

    # ------------------------------------------------------------------------------------ actions
    def execute(self, spec: ActionSpec) -> Outcome:
        before = dict(self.inventory)
        self.dropped, self._full = {}, False
        if spec.kind in ("gather", "mine"):
            success, reason, ticks, steps = self._collect(spec.blocks)
        elif spec.kind == "craft":
            success, reason, ticks, steps = self._craft(spec.item or ""), "", CRAFT_TICKS, 0
            reason = "ok" if success else "inventory_full" if self._full else "cannot_craft"
        elif spec.kind == "smelt":
            success, ticks, steps = self._smelt(spec.item or ""), SMELT_TICKS, 0
            reason = "ok" if success else "inventory_full" if self._full else "cannot_smelt"
        else:
            success, reason, ticks, steps = self._move(spec)
        self.ticks += ticks
        consumed, added = inventory_delta(before, self.inventory)
        return Outcome(success, reason, consumed, added, ticks, steps)

    def _give(self, item: str, count: int) -> None:
        if count > 0 and self.limits is not None:
            keep = min(count, self.limits.room(self.inventory, item))
            if keep < count:
                self.dropped[item] = self.dropped.get(item, 0) + count - keep
            count = keep
        if count > 0:
            self.inventory[item] = self.inventory.get(item, 0) + count

    def _take(self, items: Mapping[str, int]) -> None:
        for item, count in items.items():
            left = self.inventory[item] - count
            if left:
                self.inventory[item] = left
            else:
                del self.inventory[item]

    def lose(self, item: str, count: int) -> None:
        """The world takes ``count`` held ``item`` (not an action: a station a creeper blew up)."""
        self._take({item: min(count, self.inventory.get(item, 0))})

    def _has(self, recipe: Recipe) -> bool:
        inv = self.inventory
        return all(inv.get(i, 0) >= q for i, q in recipe.consumed.items()) and all(
            inv.get(i, 0) > 0 for i in recipe.held
        )

    def _break(self, x: int, y: int, z: int) -> int:
        """Break one block, collect its drops if harvestable; returns the ticks it took."""
        name = self._names[self.voxels[x, y, z]]
        ticks = self.rules.dig_ticks(name, self.inventory)
        harvest = self.rules.can_harvest(name, self.inventory)
        self.voxels[x, y, z] = 0
        if harvest:
            for drop in self.rules.drops.get(name, ()):
                if drop.chance >= 1.0 or self.rng.random() < drop.chance:
                    self._give(drop.item, int(self.rng.integers(drop.min_count, drop.max_count + 1)))
        return ticks

    def _collect(self, blocks: tuple[str, ...]) -> tuple[bool, str, int, int]:
        target = self.nearest(blocks)
        if target is None:
            return False, "unreachable", 0, 0
        tx, ty, tz = target
        px, py, pz = self.position
        ticks = 0
        underground = ty < int(self.surface[tx, tz]) - self.min_y
        if underground:
            steps = max(abs(tx - px), abs(ty - py), abs(tz - pz))
            ticks += self._dig_path((px, py, pz), target, steps)
            self.position = (tx, ty, tz)
        else:
            steps = int(math.hypot(tx - px, tz - pz)) + abs(ty - py)
            dx, dz = np.sign(px - tx), np.sign(pz - tz)
            sx, _, sz = self.voxels.shape
            nx, nz = int(np.clip(tx + dx, 0, sx - 1)), int(np.clip(tz + dz, 0, sz - 1))
            self.position = (nx, self.stand_height(nx, nz), nz)
        ticks += steps * WALK_TICKS
        had = dict(self.inventory)
        tool = self._digging_tool(self._names[self.voxels[tx, ty, tz]]) if self.max_uses is not None else None
        ticks += self._break(tx, ty, tz)
        if tool is not None:
            self._wear(tool)
        got = any(self.inventory.get(d.item, 0) > had.get(d.item, 0) for d in self._target_drops(blocks))
        if not got and any(d.item in self.dropped for d in self._target_drops(blocks)):
            return False, "inventory_full", ticks, steps  # the drops fell: no room for them
        return got, "ok" if got else "no_drop", ticks, steps

    def _digging_tool(self, block: str) -> str | None:
        """The held tool that harvests ``block`` (the fastest valid one), when it needs one and one is held."""
        tools = self.rules.harvest_tools.get(block)
        held = sorted(t for t in tools or () if self.inventory.get(t, 0) > 0)
        if not held:
            return None
        speeds = self.rules.dig_speed.get(block, {})
        return max(held, key=lambda t: speeds.get(t, 1.0))

    def _wear(self, tool: str) -> None:
        """One use of ``tool``; at its ``max_uses`` the one in use breaks (leaves the inventory)."""
        uses = (self.max_uses or {}).get(tool)
        if uses is None:
            return
        self.wear[tool] = self.wear.get(tool, 0) + 1
        if self.wear[tool] >= uses:
            del self.wear[tool]
            self._take({tool: 1})

    def uses_left(self) -> dict[str, int]:
        """tool -> uses left of the one in use, for every held tool that wears (empty without ``max_uses``)."""
        uses = self.max_uses or {}
        return {t: uses[t] - self.wear.get(t, 0) for t in sorted(self.inventory) if t in uses}

    def _target_drops(self, blocks: tuple[str, ...]) -> list:
        return [d for b in blocks for d in self.rules.drops.get(b, ())]

    def _dig_path(self, start: tuple[int, int, int], end: tuple[int, int, int], steps: int) -> int:
        """Dig a two-high tunnel along the straight line start -> end (excluding the end block)."""
        if steps <= 1:
            return 0
        t = np.linspace(0.0, 1.0, steps + 1)[1:-1]
        line = np.round(np.asarray(start)[None, :] + t[:, None] * (np.asarray(end) - start)[None, :]).astype(int)
        cells = np.concatenate([line, line + (0, 1, 0)])
        _, uniq = np.unique(cells, axis=0, return_index=True)
        cells = cells[np.sort(uniq)]
        sy = self.voxels.shape[1]
        cells = cells[(cells[:, 1] >= 0) & (cells[:, 1] < sy)]
        # the scarce ores (found anywhere) are left in place: a tunnel passes beside one, it never breaks a stated
        # ore for nothing on the way to another target
        keep = {block_id("air"), block_id("water"), block_id("bedrock"), *(block_id(b) for b in self.found_anywhere)}
        ticks = 0
        for x, y, z in cells:
            if tuple((x, y, z)) == end:
                continue
            if int(self.voxels[x, y, z]) in keep or y > int(self.surface[x, z]) - self.min_y:
                continue
            ticks += self._break(int(x), int(y), int(z))
        return ticks

    def _craft(self, item: str) -> bool:
        for recipe in self.rules.recipes_for(item):
            if recipe.method == "craft" and self._has(recipe):
                if not self._fits(recipe):
                    return False
                self._take(recipe.consumed)
                self._give(recipe.result, recipe.count)
                return True
        return False

    def _fits(self, recipe: Recipe) -> bool:
        """Whether the whole result of ``recipe`` fits once its ingredients are taken (always, without limits);
        when not, the action does nothing and says ``inventory_full``."""
        if self.limits is None:
            return True
        after = {i: n - recipe.consumed.get(i, 0) for i, n in self.inventory.items()}
        self._full = self.limits.room({i: n for i, n in after.items() if n > 0}, recipe.result) < recipe.count
        return not self._full

    def _smelt(self, source: str) -> bool:
        result = self.smelt_results.get(source)
        if result is None:
            return False
        for recipe in self.rules.recipes_for(result):
            if recipe.method == "smelt" and recipe.source == source and self._has(recipe):
                if not self._fits(recipe):
                    return False
                self._take(recipe.consumed)
                self._give(recipe.result, recipe.count)
                return True
        return False

    def _move(self, spec: ActionSpec) -> tuple[bool, str, int, int]:
        self.facing = (self.facing + spec.turn) % 4
        fx, fz = FACINGS[self.facing]
        rx, rz = -fz, fx  # right of facing (x east, z south; yaw 0 = south)
        dx = (spec.forward * fx + spec.right * rx) * self.move_distance
        dz = (spec.forward * fz + spec.right * rz) * self.move_distance
        if dx == 0 and dz == 0:
            return True, "moved", 2, 0
        sx, _, sz = self.voxels.shape
        px, py, pz = self.position
        nx, nz = int(np.clip(px + dx, 0, sx - 1)), int(np.clip(pz + dz, 0, sz - 1))
        ny = self.stand_height(nx, nz)
        steps = abs(nx - px) + abs(nz - pz) + abs(ny - py)
        self.position = (nx, ny, nz)
        return True, "moved", steps * WALK_TICKS, steps
