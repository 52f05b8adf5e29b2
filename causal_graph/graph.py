"""The causal graph of the tech tree: items and actions joined by ``needs`` and ``yields`` edges.

``item --needs--> action`` edges carry ``quantity``, ``consumed`` and ``alternatives``;
``action --yields--> item`` edges carry ``quantity`` and ``range`` ((min, max) or None).
Action nodes carry ``explained``, the evidence counts and ``confidence``. networkx is an
implementation detail; :attr:`CausalGraph.nx_graph` gives a read-only view for advanced use.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from causal_graph import graph_file as schema
from causal_graph.graph_file import GraphFileError
from env.interface.relation import CausalRelation, Evidence, Need


class CausalGraph:
    """A typed wrapper over a ``networkx.DiGraph`` holding the (learned or true) tech tree."""

    def __init__(self) -> None:
        self._g = nx.DiGraph()
        self._relations: dict[str, CausalRelation] | None = None  # every explained action's, built on first ask

    def _changed(self) -> None:
        """Forget the relations built from the graph (after any change to an action's edges or evidence)."""
        self._relations = None

    # ----------------------------------------------------------------------------- building
    @classmethod
    def from_relations(cls, relations: Iterable[CausalRelation], actions: Iterable[str] = ()) -> CausalGraph:
        """Build a graph from ``relations``; ``actions`` adds actions known but not yet explained."""
        graph = cls()
        for action in actions:
            graph.add_action(action)
        for rel in relations:
            if graph.explained(rel.action):
                raise ValueError(f"two relations for action {rel.action!r}")
            graph.set_relation(rel)
        return graph

    def add_action(self, action: str) -> None:
        """Make ``action`` known (unexplained until :meth:`set_relation`); a no-op if already known."""
        if not isinstance(action, str) or not action:
            raise ValueError(f"action id must be a non-empty string, got {action!r}")
        if self._kind(action) == "item":
            raise ValueError(f"{action!r} is already an item; actions and items need distinct names")
        if action not in self._g:
            self._g.add_node(action, kind="action", explained=False)
            self._g.nodes[action].update(samples=0, interventions=0, confirmations=0, confidence=0.0)

    def set_relation(self, rel: CausalRelation) -> None:
        """Set (replace) what ``rel.action`` needs and yields; raises ValueError on a malformed relation."""
        schema.check_relation(rel)
        for item in (*rel.needs, *rel.yields):
            if item == rel.action or self._kind(item) == "action":
                raise ValueError(f"{rel.action}: {item!r} is an action; actions and items need distinct names")
        self.add_action(rel.action)
        self._changed()
        self._clear_edges(rel.action)
        evidence = {key: int(value) for key, value in rel.evidence.to_dict().items()}
        self._g.nodes[rel.action].update(explained=True, confidence=float(rel.confidence), **evidence)
        for item, need in rel.needs.items():
            self._g.add_node(item, kind="item")
            self._g.add_edge(item, rel.action, relation="needs", quantity=int(need.quantity), consumed=need.consumed)
            self._g.edges[item, rel.action]["alternatives"] = tuple(need.alternatives)
        for item, count in rel.yields.items():
            self._g.add_node(item, kind="item")
            span = rel.yield_range.get(item)
            span = (int(span[0]), int(span[1])) if span is not None else None
            self._g.add_edge(rel.action, item, relation="yields", quantity=int(count), range=span)

    def remove_relation(self, action: str) -> None:
        """Forget what ``action`` needs and yields; the action stays known but unexplained."""
        if self._kind(action) != "action":
            raise KeyError(f"unknown action {action!r}")
        self._changed()
        self._clear_edges(action)
        self._g.nodes[action].update(explained=False, samples=0, interventions=0, confirmations=0, confidence=0.0)

    def copy(self) -> CausalGraph:
        """An independent copy."""
        other = CausalGraph()
        other._g = self._g.copy()
        return other

    # ------------------------------------------------------------------------------ queries
    @property
    def nx_graph(self) -> nx.DiGraph:
        """Read-only networkx view of the bipartite item/action graph."""
        return self._g.copy(as_view=True)

    def actions(self) -> list[str]:
        """All known action ids, sorted."""
        return sorted(n for n, kind in self._g.nodes(data="kind") if kind == "action")

    def items(self) -> list[str]:
        """All items needed or yielded by some relation, sorted."""
        return sorted(n for n, kind in self._g.nodes(data="kind") if kind == "item")

    def explained(self, action: str) -> bool:
        """Whether ``action`` has a relation set."""
        return self._kind(action) == "action" and bool(self._g.nodes[action]["explained"])

    def relation(self, action: str) -> CausalRelation | None:
        """The relation of ``action``, or None when it is unknown or unexplained."""
        return self._built().get(action)

    def _built(self) -> dict[str, CausalRelation]:
        """Every explained action's relation (kept until the graph changes: the learner asks for them every step)."""
        if self._relations is None:
            self._relations = {a: self._build(a) for a in self.actions() if self.explained(a)}
        return self._relations

    def _build(self, action: str) -> CausalRelation:
        node = self._g.nodes[action]
        needs = {
            item: Need(d["quantity"], d["consumed"], d["alternatives"])
            for item, _, d in sorted(self._g.in_edges(action, data=True))
        }
        out = sorted(self._g.out_edges(action, data=True))
        return CausalRelation(
            action=action,
            needs=needs,
            yields={item: d["quantity"] for _, item, d in out},
            yield_range={item: d["range"] for _, item, d in out if d["range"] is not None},
            evidence=Evidence(node["samples"], node["interventions"], node["confirmations"]),
            confidence=node["confidence"],
        )

    def relations(self) -> list[CausalRelation]:
        """The relations of all explained actions, sorted by action."""
        return list(self._built().values())

    def producers(self, item: str) -> list[str]:
        """Actions that yield ``item``, sorted."""
        return sorted(self._g.predecessors(item)) if self._kind(item) == "item" else []

    def consumers(self, item: str) -> list[str]:
        """Actions that need ``item`` (held or consumed), sorted."""
        return sorted(self._g.successors(item)) if self._kind(item) == "item" else []

    def item_graph(self) -> nx.DiGraph:
        """Item-level tech tree: ``cause -> effect`` whenever one action needs cause and yields effect.

        Each edge's ``actions`` attribute lists the actions (sorted) that justify it.
        """
        tree = nx.DiGraph()
        tree.add_nodes_from(self.items(), kind="item")
        for action in self.actions():
            for cause in self._g.predecessors(action):
                for effect in self._g.successors(action):
                    if not tree.has_edge(cause, effect):
                        tree.add_edge(cause, effect, actions=[])
                    tree.edges[cause, effect]["actions"].append(action)
        return tree

    def obtainable(self, without: str | None = None) -> set[str]:
        """The items the learned relations make from nothing (a fixpoint; any alternative of a cause will do),
        leaving out the action ``without`` where given."""
        have: set[str] = set()
        rels = [r for r in self.relations() if r.action != without]
        grown = True
        while grown:
            grown = False
            for rel in rels:
                if set(rel.yields) <= have:
                    continue
                if all({cause, *need.alternatives} & have for cause, need in rel.needs.items()):
                    have |= set(rel.yields)
                    grown = True
        return have

    def why_unobtainable(self, item: str) -> str:
        """Why the learned relations cannot make ``item`` from nothing, as a phrase: no learned action yields it, or
        the actions that do and the items at the bottom of what they miss, which nothing learned yields (a lantern:
        craft_lantern yields it, but nothing learned yields iron_nugget). "" when they can."""
        have = self.obtainable()
        if item in have:
            return ""
        makers = self.producers(item)
        if not makers:
            return f"no learned action yields {item}"
        roots: list[str] = []
        seen: set[str] = set()
        frontier = [item]
        while frontier:
            wanted = frontier.pop(0)
            if wanted in seen:
                continue
            seen.add(wanted)
            if not self.producers(wanted):
                roots.append(wanted)
            for action in self.producers(wanted):
                rel = self.relation(action)
                for cause, need in rel.needs.items() if rel else ():
                    group = [cause, *need.alternatives]
                    if not set(group) & have:
                        frontier.extend(group)
        verb = "yields" if len(makers) == 1 else "yield"
        missing = ", ".join(sorted(roots)) if roots else f"what does not need {item} itself"
        return f"{', '.join(makers)} {verb} {item}, but nothing learned yields {missing}"

    def tech_levels(self, roots: Iterable[str] = ()) -> dict[str, int]:
        """Layer of every node: items obtainable with nothing are 0, an action sits at the max level of
        its needs (a need with alternatives counts at its cheapest item), its yields one level above
        (0 when it needs nothing). ``roots`` are items taken as given at level 0 (a starting inventory).
        Unreachable items and actions (unexplained ones included) get the highest reached level + 1.
        """
        level: dict[str, int] = {}
        heap = [(0, item) for item in sorted(set(roots)) if self._kind(item) != "action"]
        waiting: dict[str, list[tuple[str, int]]] = {}
        remaining: dict[str, int] = {}
        satisfied: dict[str, set[int]] = {}

        def reach(action: str, at: int, yield_at: int) -> None:
            level[action] = at
            for item in self._g.successors(action):
                heapq.heappush(heap, (yield_at, item))

        for action in (a for a in self.actions() if self.explained(a)):
            groups = [{item, *d["alternatives"]} for item, _, d in self._g.in_edges(action, data=True)]
            remaining[action], satisfied[action] = len(groups), set()
            for index, group in enumerate(groups):
                for item in group:
                    waiting.setdefault(item, []).append((action, index))
            if not groups:
                reach(action, 0, 0)
        while heap:
            at, item = heapq.heappop(heap)
            if item in level:
                continue
            level[item] = at
            for action, index in waiting.get(item, ()):
                if action not in level and index not in satisfied[action]:
                    satisfied[action].add(index)
                    remaining[action] -= 1
                    if remaining[action] == 0:
                        reach(action, at, at + 1)
        top = max(level.values(), default=-1) + 1
        return {node: level.get(node, top) for node in sorted(self._g)}

    # ------------------------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: format tag, version, every known action, every relation."""
        return {
            "format": schema.GRAPH_FORMAT,
            "version": schema.GRAPH_VERSION,
            "actions": self.actions(),
            "relations": [rel.to_dict() for rel in self.relations()],
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> CausalGraph:
        """Rebuild a graph from :meth:`to_dict` output; raises GraphFileError naming ``source`` and the bad field."""
        schema.check_header(data, source)
        graph = cls()
        for index, action in enumerate(data["actions"]):
            try:
                graph.add_action(action)
            except ValueError as exc:
                raise GraphFileError(source, str(exc), where=f"actions[{index}]") from exc
        for index, raw in enumerate(data["relations"]):
            name = raw.get("action") if isinstance(raw, dict) else None
            where = f"relations[{index}]" + (f" ({name!r})" if isinstance(name, str) else "")
            try:
                rel = schema.parse_relation(raw)
                if graph.explained(rel.action):
                    raise ValueError(f"a second relation for action {rel.action!r}")
                graph.set_relation(rel)
            except ValueError as exc:
                raise GraphFileError(source, str(exc), where=where) from exc
        return graph

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the graph as JSON atomically (temp file in the same directory, fsync, rename)."""
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        return _atomic_write(Path(path), text.encode("utf-8"))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CausalGraph:
        """Read a graph saved by :meth:`save`; raises GraphFileError naming the file (and line) at fault."""
        path = Path(path)
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise GraphFileError(str(path), f"not UTF-8 text (byte {exc.start})") from exc
        except json.JSONDecodeError as exc:
            raise GraphFileError(str(path), f"bad JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from exc
        return cls.from_dict(data, source=str(path))

    def to_graphml(self, path: str | os.PathLike[str]) -> Path:
        """Export as GraphML (alternatives comma-joined, ranges as ``"min-max"``), written atomically."""
        flat = nx.DiGraph()
        flat.add_nodes_from(self._g.nodes(data=True))
        for u, v, d in self._g.edges(data=True):
            attrs = {key: value for key, value in d.items() if key not in ("alternatives", "range")}
            if d["relation"] == "needs":
                attrs["alternatives"] = ",".join(d["alternatives"])
            elif d["range"] is not None:
                attrs["range"] = f"{d['range'][0]}-{d['range'][1]}"
            flat.add_edge(u, v, **attrs)
        return _atomic_write(Path(path), "\n".join(nx.generate_graphml(flat)).encode("utf-8"))

    # ------------------------------------------------------------------------------ helpers
    def _kind(self, node: str) -> str | None:
        return self._g.nodes[node]["kind"] if node in self._g else None

    def _clear_edges(self, action: str) -> None:
        touched = [*self._g.predecessors(action), *self._g.successors(action)]
        self._g.remove_edges_from([*self._g.in_edges(action), *self._g.out_edges(action)])
        self._g.remove_nodes_from([item for item in touched if self._g.degree(item) == 0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CausalGraph):
            return NotImplemented
        return self.actions() == other.actions() and self.relations() == other.relations()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (
            f"CausalGraph({len(self.actions())} actions, {len(self.relations())} explained, {len(self.items())} items)"
        )


def _atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a fsynced temp file in the same directory and ``os.replace``."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path
