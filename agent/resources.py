"""Scarce resources consumed by learning: what the world gave up before the (first) goal was reached.

An action *takes from the world* when its learned relation consumes nothing from the inventory but yields items
(a gather or mine action: the world's blocks are the only thing it uses up). The agent does not know which
blocks are scarce (it knows no "ore"), so every such action is counted: the number of its successful transitions
before the first goal was reached, split by what the run was doing — ``learning`` (discovery: samples and
do()-tests) or ``pursuit`` (executing a plan toward the goal) — and its failures that broke the target for nothing
(``*_spent``: ore dug without the right pickaxe, :func:`causal_graph.discovery.spends`): a block the world gave up
too. Learning after the goal (``learn_rest``) is not counted.

The run counts as it goes (:meth:`agent.controller.Controller.count_taken`, by the controller's phase);
``adam replay`` counts the same from ``events.jsonl`` alone (by the phases it derives), so old logs show it too.
Both keep counts for every action and choose the world-taking ones with the final graph (:func:`resource_table`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from causal_graph.graph import CausalGraph
from env.interface import CausalRelation

LEARNING, PURSUIT = "learning", "pursuit"
SHOWN = 3  # actions shown in the summary line and the live view


def takes_from_world(relation: CausalRelation | None) -> bool:
    """Whether ``relation`` uses nothing up from the inventory but yields items (it takes them from the world)."""
    return relation is not None and relation.takes_from_world()


def add(counts: dict[str, dict], action: str, phase: str, added: Mapping[str, int], spent: bool = False) -> None:
    """Count one successful transition of ``action`` in ``phase`` (``learning`` or ``pursuit``) and the items it
    added, or with ``spent`` one failure that broke its target for nothing (``counts[action]``: ``{"learning": n,
    "pursuit": n, "added": {phase: {item: n}}, "spent": {phase: n}}``)."""
    if phase not in (LEARNING, PURSUIT):
        raise ValueError(f"phase must be {LEARNING!r} or {PURSUIT!r}, got {phase!r}")
    row = counts.setdefault(action, {LEARNING: 0, PURSUIT: 0, "added": {}})
    if spent:
        lost = row.setdefault("spent", {})
        lost[phase] = lost.get(phase, 0) + 1
        return
    row[phase] = row.get(phase, 0) + 1
    items = row.setdefault("added", {}).setdefault(phase, {})
    for item, n in added.items():
        items[item] = items.get(item, 0) + int(n)


def resource_table(counts: Mapping[str, Mapping], graph: CausalGraph) -> dict[str, dict[str, int]]:
    """The world-taking actions of ``graph`` (:func:`takes_from_world`, and actions never learned whose trials broke
    their targets for nothing) with their successes per phase, the items of their learned yields those successes
    added and their spent digs (``*_spent``) (``{"mine_diamond_ore": {"learning": 5, "pursuit": 1,
    "learning_items": 10, "pursuit_items": 2}, ...}``), most taken while learning first; actions never counted
    are left out."""
    rows = {}
    for action, row in counts.items():
        relation = graph.relation(action)
        spent = row.get("spent") or {}
        counted = row.get(LEARNING, 0) or row.get(PURSUIT, 0) or any(spent.values())
        never_learned = relation is None and any(spent.values())  # it only ever broke its targets for nothing
        if not (takes_from_world(relation) or never_learned) or not counted:
            continue
        added = row.get("added") or {}
        rows[action] = {LEARNING: int(row.get(LEARNING, 0)), PURSUIT: int(row.get(PURSUIT, 0))}
        for phase in (LEARNING, PURSUIT):
            yields = relation.yields if relation is not None else {}
            rows[action][f"{phase}_items"] = sum(int((added.get(phase) or {}).get(i, 0)) for i in yields)
        for phase in (LEARNING, PURSUIT):
            rows[action][f"{phase}_spent"] = int(spent.get(phase, 0))
    return dict(sorted(rows.items(), key=lambda kv: (-blocks(kv[1], LEARNING), -blocks(kv[1], PURSUIT), kv[0])))


def blocks(row: Mapping[str, int], phase: str) -> int:
    """The world's blocks a :func:`resource_table` row says ``phase`` used up: its successes and its spent digs."""
    return int(row.get(phase, 0)) + int(row.get(f"{phase}_spent", 0))


def shown_first(table: Mapping[str, Mapping[str, int]], graph: CausalGraph, goals: Sequence[str]) -> list[str]:
    """The actions of a :func:`resource_table` in the order people read them: those that yield a goal item first
    (what learning took from the goal's own supply), then the table's order."""
    wanted = set(goals)
    return sorted(table, key=lambda a: not (wanted & set(getattr(graph.relation(a), "yields", ()))))


def _spent_text(row: Mapping[str, int]) -> str:
    spent = (int(row.get("learning_spent", 0)), int(row.get("pursuit_spent", 0)))
    return f"; dug for nothing {spent[0]}+{spent[1]}" if any(spent) else ""


def resource_text(table: Mapping[str, Mapping[str, int]], order: Sequence[str] = (), shown: int = SHOWN) -> str:
    """One line: ``taken from the world before the goal, learning+pursuit: mine_diamond_ore 5+1 (items 10+2; dug for
    nothing 1+0), ...``: the first ``shown`` actions in ``order`` (default the table's); says so when nothing was
    taken."""
    if not table:
        return "taken from the world before the goal: nothing"
    names = [a for a in order if a in table] or list(table)
    parts = [
        f"{a} {table[a][LEARNING]}+{table[a][PURSUIT]} (items {table[a].get('learning_items', 0)}+"
        f"{table[a].get('pursuit_items', 0)}{_spent_text(table[a])})"
        for a in names[:shown]
    ]
    more = len(table) - len(parts)
    return (
        "taken from the world before the goal, learning+pursuit: "
        + ", ".join(parts)
        + (f", … ({more} more)" if more > 0 else "")
    )
