"""Scoring a learned causal graph against a ground truth passed in by the caller.

Edges are compared on the bipartite graph: ``item --needs--> action`` and ``action --yields--> item``.
A needs edge stands for a *group* of items: its own item plus its ``alternatives`` (any planks, any
fuel, a better pickaxe). A learned needs edge is right for a true one only when its group is (see
:func:`right_group`):

- every member satisfies the true requirement (learned group within the true group), and
- for a held cause (a tool, a station) it holds the true edge's own item, the lowest sufficient tier
  (``needs diamond_pickaxe`` alone for iron ore is wrong: a stone pickaxe does); for a consumed cause
  (fuel, planks) it holds every true alternative (``needs stick`` alone as fuel is wrong).

The truth's groups are what the world offers (a ground truth restricted to obtainable items). Each true
edge is matched by at most one learned edge (maximum matching per action, exact item names preferred);
a wrong group is a missing edge plus an extra one. Quantities and the consumed flag are not part of the
structure; see :func:`quantity_errors` for those. Two learned graphs (no truth) are compared with
``overlap=True``: groups that share an item match; :func:`alternative_counts` matches that way too, so
it sees the alternatives of a group that is not yet right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from causal_graph.graph import CausalGraph
from env.interface.relation import CausalRelation, Need


@dataclass(frozen=True)
class EdgeScores:
    """Precision/recall/F1 of learned edges against true edges, with the raw counts.

    With no learned edges precision is 1.0; with no true edges recall is 1.0.
    """

    precision: float
    recall: float
    f1: float
    true_positive: int
    false_positive: int
    false_negative: int


@dataclass
class _ActionDiff:
    """Matched, missing and extra edges of one action; needs pairs are (learned item, true item)."""

    needs_pairs: list[tuple[str, str]] = field(default_factory=list)
    yields_pairs: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def closest_ways(
    learned: CausalGraph, truth: Sequence[CausalRelation], others: Sequence[CausalRelation]
) -> list[CausalRelation]:
    """``truth`` with each relation swapped for the one of ``others`` (further true ways of the same action) that
    the learned relation of its action is closest to (the fewest missing and extra edges, then quantity errors;
    the first way on ties, and where the action is not learned). The learner learns one way of an action (the
    way its stock showed first); this scores it against that way, not against a way it never saw."""
    ways: dict[str, list[CausalRelation]] = {}
    for rel in others:
        ways.setdefault(rel.action, []).append(rel)

    def distance(way: CausalRelation) -> tuple[int, int]:
        one = CausalGraph.from_relations([way])
        return shd(learned, one, [way.action]), len(quantity_errors(learned, one, [way.action]))

    chosen = []
    for rel in truth:
        candidates = [rel, *ways.get(rel.action, ())]
        explained = len(candidates) > 1 and learned.explained(rel.action)
        chosen.append(min(candidates, key=distance) if explained else rel)
    return chosen


def shd(learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None) -> int:
    """Structural Hamming distance: missing plus extra needs/yields edges over ``actions``
    (default: every action of ``truth``)."""
    return sum(len(d.missing) + len(d.extra) for d in _diffs(learned, truth, actions).values())


def edge_scores(learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None) -> EdgeScores:
    """Edge precision, recall and F1 under the same matching as :func:`shd`."""
    diffs = _diffs(learned, truth, actions).values()
    tp = sum(len(d.needs_pairs) + len(d.yields_pairs) for d in diffs)
    fp = sum(len(d.extra) for d in diffs)
    fn = sum(len(d.missing) for d in diffs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EdgeScores(precision, recall, f1, tp, fp, fn)


def edge_differences(
    learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None, *, overlap: bool = False
) -> list[str]:
    """Human-readable missing and extra edges, e.g. ``"missing: craft_planks needs oak_log"``; with
    ``overlap`` needs groups that share an item match (for two learned graphs, neither the truth)."""
    out: list[str] = []
    for action, diff in _diffs(learned, truth, actions, overlap).items():
        out += [f"missing: {action} {edge}" for edge in diff.missing]
        out += [f"extra: {action} {edge}" for edge in diff.extra]
    return out


def quantity_errors(learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None) -> list[str]:
    """Matched edges whose quantity is wrong, as readable lines.

    A learned yield (the smallest count seen) is right when it lies within the true range, if the
    truth gives one, else when it equals the true count.
    """
    out: list[str] = []
    for action, diff in _diffs(learned, truth, actions).items():
        mine, true = _relation(learned, action), _relation(truth, action)
        for got_item, true_item in diff.needs_pairs:
            got, want = mine.needs[got_item].quantity, true.needs[true_item].quantity
            if got != want:
                alias = "" if got_item == true_item else f" (as {true_item})"
                out.append(f"{action}: needs {got_item}{alias} x{got}, truth x{want}")
        for item in diff.yields_pairs:
            got, span = mine.yields[item], true.yield_range.get(item)
            if span is not None and not span[0] <= got <= span[1]:
                out.append(f"{action}: yields {item} x{got}, truth range {span[0]}-{span[1]}")
            elif span is None and got != true.yields[item]:
                out.append(f"{action}: yields {item} x{got}, truth x{true.yields[item]}")
    return out


def exact_match(learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None) -> dict[str, bool]:
    """Per action: whether its needs and yields match the truth exactly (up to alternatives)."""
    return {action: not (d.missing or d.extra) for action, d in _diffs(learned, truth, actions).items()}


def alternative_counts(
    learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None = None
) -> tuple[int, int, int]:
    """Alternatives (the other members of a cause's group: any fuel, a better pickaxe): ``(found, total,
    extra)`` — true alternatives the learned group of the overlapping cause also holds, all true
    alternatives, and learned group members outside the true group. Groups are paired when they share an
    item (not only when SHD counts them right), so a group missing one fuel still counts what it found."""
    found = total = extra = 0
    for action, diff in _diffs(learned, truth, actions, overlap=True).items():
        mine, true = _relation(learned, action), _relation(truth, action)
        total += sum(len(need.alternatives) for need in true.needs.values())
        for ours, theirs in diff.needs_pairs:
            group_true = {theirs, *true.needs[theirs].alternatives}
            group_ours = {ours, *mine.needs[ours].alternatives}
            found += max(0, len(group_true & group_ours) - 1)
            extra += len(group_ours - group_true)
    return found, total, extra


def score(
    learned: CausalGraph,
    truth: CausalGraph,
    interventions: int = 0,
    steps: int = 0,
    actions: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Every metric in one JSON-able dict, plus the cost of learning (interventions, environment steps)."""
    scope = _scope(truth, actions)
    edges = edge_scores(learned, truth, scope)
    exact = exact_match(learned, truth, scope)
    alternatives_found, alternatives_total, alternatives_extra = alternative_counts(learned, truth, scope)
    return {
        "shd": shd(learned, truth, scope),
        "precision": edges.precision,
        "recall": edges.recall,
        "f1": edges.f1,
        "true_positive": edges.true_positive,
        "false_positive": edges.false_positive,
        "false_negative": edges.false_negative,
        "exact_actions": sum(exact.values()),
        "total_actions": len(exact),
        "quantity_errors": len(quantity_errors(learned, truth, scope)),
        "alternatives_found": alternatives_found,
        "alternatives_total": alternatives_total,
        "alternatives_extra": alternatives_extra,
        "interventions": int(interventions),
        "steps": int(steps),
    }


def _scope(truth: CausalGraph, actions: Iterable[str] | None) -> list[str]:
    return truth.actions() if actions is None else sorted(set(actions))


def _relation(graph: CausalGraph, action: str) -> CausalRelation:
    return graph.relation(action) or CausalRelation(action)


def right_group(group: set[str], item: str, need: Need) -> bool:
    """Whether a learned cause group (an item and its alternatives) is right for the true cause ``item``
    (``need``: its true quantity, consumed flag and alternatives): every member is in the true group, and
    it holds ``item`` itself (a held cause: the lowest sufficient tier) or the whole true group (a
    consumed cause: every alternative the world offers)."""
    true = {item, *need.alternatives}
    return group <= true and (true <= group if need.consumed else item in group)


def _diffs(
    learned: CausalGraph, truth: CausalGraph, actions: Iterable[str] | None, overlap: bool = False
) -> dict[str, _ActionDiff]:
    return {a: _diff(_relation(learned, a), _relation(truth, a), overlap) for a in _scope(truth, actions)}


def _diff(mine: CausalRelation, true: CausalRelation, overlap: bool = False) -> _ActionDiff:
    """Match one action's learned edges to its true edges (groups that are right, or with ``overlap``
    groups that share an item)."""
    diff = _ActionDiff()
    group = {item: {item, *need.alternatives} for item, need in true.needs.items()}
    candidates = {}
    for item in sorted(mine.needs):
        ours = {item, *mine.needs[item].alternatives}
        # exact name first, then the true edge that lists our item, then the rest
        if overlap:
            hits = [t for t in sorted(group) if ours & group[t]]
        else:
            hits = [t for t in sorted(group) if right_group(ours, t, true.needs[t])]
        candidates[item] = sorted(hits, key=lambda t, item=item: (t != item, item not in group[t]))
    matched = _max_matching(candidates)
    diff.needs_pairs.extend(sorted(matched.items()))
    diff.missing.extend(f"needs {t}" for t in sorted(group) if t not in matched.values())
    diff.extra.extend(f"needs {item}" for item in sorted(mine.needs) if item not in matched)
    diff.yields_pairs.extend(sorted(mine.yields.keys() & true.yields.keys()))
    diff.missing.extend(f"yields {item}" for item in sorted(true.yields.keys() - mine.yields.keys()))
    diff.extra.extend(f"yields {item}" for item in sorted(mine.yields.keys() - true.yields.keys()))
    return diff


def _max_matching(candidates: dict[str, list[str]]) -> dict[str, str]:
    """Maximum bipartite matching (Kuhn's augmenting paths), left -> right, trying candidates in order."""
    owner: dict[str, str] = {}

    def augment(left: str, seen: set[str]) -> bool:
        for right in candidates[left]:
            if right not in seen:
                seen.add(right)
                if right not in owner or augment(owner[right], seen):
                    owner[right] = left
                    return True
        return False

    for left in candidates:
        augment(left, set())
    return {left: right for right, left in owner.items()}
