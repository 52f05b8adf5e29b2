"""Milestones are the world's own (:attr:`env.interface.WorldSpec.milestones`: ordered ``(item, label)`` pairs; none
means none). A run records them in its ``start`` event (``world.milestones``) and its ``result.json``
(``milestone_order``), so that replay, the view and the tables show a run's milestones without its world.

:data:`LEGACY_LABELS` is the one copy of Minecraft's four labels: only for run logs written before the record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from env.interface import WorldSpec

LEGACY_LABELS = ("wooden tool", "stone tool", "iron tool", "diamond")  # run logs from before the world's record


def world_record(spec: WorldSpec) -> dict[str, Any]:
    """What a run's ``start`` event records of its world: its name and its milestones (``[[item, label], ...]``)."""
    return {"name": spec.name, "milestones": [[item, label] for item, label in spec.milestones]}


def labels(spec: WorldSpec) -> tuple[str, ...]:
    """The world's milestone labels, in order."""
    return tuple(label for _, label in spec.milestones)


def recorded_labels(events: Iterable[Mapping[str, Any]], result: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The milestone labels a run recorded, in order: from its ``start`` event (``world.milestones``), else its
    ``result.json`` (``milestone_order``), else :data:`LEGACY_LABELS` (a log from before the record)."""
    for event in events:
        if event.get("kind") != "start":
            continue
        world = event.get("world")
        if isinstance(world, Mapping) and isinstance(world.get("milestones"), list):
            return tuple(
                str(pair[1]) for pair in world["milestones"] if isinstance(pair, list | tuple) and len(pair) == 2
            )
        break
    if isinstance(result, Mapping) and isinstance(result.get("milestone_order"), list):
        return tuple(str(label) for label in result["milestone_order"])
    return LEGACY_LABELS


def union(orders: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """The labels of several runs as one order: each run's order kept, new labels appended as first met."""
    out: dict[str, None] = {}
    for order in orders:
        out.update(dict.fromkeys(order))
    return tuple(out)
