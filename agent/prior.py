"""Reading a prior file (``adam run --prior FILE``): a graph file of beliefs, checked against the world's names.

The file has the format of a run's ``graph.json`` (``adam prior --out FILE`` writes Minecraft 1.19's relations in
it, :mod:`env.prior`). What the agent does with the beliefs is :mod:`causal_graph.beliefs`: they steer what it tries
first and with what stock, and nothing of them enters the learned graph before do()-interventions verify it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from causal_graph.graph import CausalGraph, GraphFileError


def read_prior(path: str | os.PathLike[str], actions: Iterable[str], items: Iterable[str]) -> CausalGraph:
    """Read the prior at ``path`` for a world with these ``actions`` and ``items``. Raises :class:`GraphFileError`
    (one line: the file, the entry, what is wrong) for a file that is not a graph file, that holds no relation, or
    an entry naming an action or item the world does not have."""
    graph = CausalGraph.load(path)
    if not graph.relations():
        raise GraphFileError(str(path), "holds no relation: nothing to believe")
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["relations"]  # read and checked by load
    index = {raw["action"]: i for i, raw in enumerate(entries)}
    known_actions, known_items = set(actions), set(items)
    for rel in graph.relations():
        where = f"relations[{index[rel.action]}] ({rel.action!r})"
        if rel.action not in known_actions:
            raise GraphFileError(str(path), f"the world has no action {rel.action!r}", where=where)
        named = [*rel.needs, *(alt for need in rel.needs.values() for alt in need.alternatives), *rel.yields]
        for item in named:
            if item not in known_items:
                raise GraphFileError(str(path), f"the world has no item {item!r}", where=where)
    return graph
