"""Reading a prior file (``adam run --prior FILE``): a graph file of beliefs, checked against the world's names.

The file has the format of a run's ``graph.json`` (``adam prior --out FILE`` writes Minecraft 1.19's relations in
it, :mod:`env.prior`). What the agent does with the beliefs is :mod:`causal_graph.beliefs`: they steer what it tries
first and with what stock, and nothing of them enters the learned graph before do()-interventions verify it.

A prior written for another world (1.19's names in the ``obfuscated`` world, a file for another version) is an
error by default: a misspelt name should not silently steer nothing. ``--prior-unknown skip`` reads such a file
anyway, keeping the entries whose names the world has and saying how many it left out (on screen and in
``result.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from causal_graph.graph import CausalGraph, GraphFileError

UNKNOWN_POLICIES = ("error", "skip")  # what --prior-unknown accepts


@dataclass(frozen=True)
class Prior:
    """A prior file as read for one world: the beliefs kept, and each entry left out, with why."""

    path: str
    graph: CausalGraph
    skipped: tuple[str, ...] = ()  # "relations[3] ('craft_x'): the world has no item 'y'"

    def summary(self) -> dict[str, object]:
        """What ``result.json``'s ``prior`` reports of the file (the learner adds its track record)."""
        return {"file": self.path, "relations": len(self.graph.relations()), "skipped": len(self.skipped)}


def read_prior(
    path: str | os.PathLike[str], actions: Iterable[str], items: Iterable[str], *, skip_unknown: bool = False
) -> Prior:
    """Read the prior at ``path`` for a world with these ``actions`` and ``items``. Raises :class:`GraphFileError`
    (one line: the file, the entry, what is wrong) for a file that is not a graph file, that holds no relation, or
    (unless ``skip_unknown``) an entry naming an action or item the world does not have; with ``skip_unknown``
    such entries are left out (:attr:`Prior.skipped`) and the others kept, possibly none."""
    graph = CausalGraph.load(path)
    if not graph.relations():
        raise GraphFileError(str(path), "holds no relation: nothing to believe")
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["relations"]  # read and checked by load
    index = {raw["action"]: i for i, raw in enumerate(entries)}
    known_actions, known_items = set(actions), set(items)
    kept, skipped = CausalGraph(), []
    for rel in graph.relations():
        where = f"relations[{index[rel.action]}] ({rel.action!r})"
        named = [*rel.needs, *(alt for need in rel.needs.values() for alt in need.alternatives), *rel.yields]
        unknown = next((item for item in named if item not in known_items), None)
        if rel.action not in known_actions:
            problem = f"the world has no action {rel.action!r}"
        elif unknown is not None:
            problem = f"the world has no item {unknown!r}"
        else:
            kept.set_relation(rel)
            continue
        if not skip_unknown:
            raise GraphFileError(str(path), f"{problem} (--prior-unknown skip leaves such entries out)", where=where)
        skipped.append(f"{where}: {problem}")
    return Prior(str(path), kept, tuple(skipped))
