"""Hypothesis proposers: from sampled transitions to a candidate relation (causes and effects).

One small protocol; the offline proposer reads the samples alone. An LLM proposer (agent/) plugs in
through the same protocol without changing the discovery procedure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from env.interface import Transition
from env.interface.relation import CausalRelation


@dataclass(frozen=True)
class Hypothesis:
    """What an action is believed to need and yield, before do()-tests.

    ``consumed``: items the action used up (with counts). ``held``: candidate items that must be held
    (tools, stations), to be pruned by interventions; ordered oldest-known first. ``effects``: items it
    yields (smallest count seen), ``effect_range``: (min, max) counts seen.
    """

    action: str
    effects: Mapping[str, int]
    consumed: Mapping[str, int]
    held: tuple[str, ...]
    effect_range: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    source: str = "offline"
    likely: tuple[str, ...] = ()  # a proposer's best guesses among ``held``, tried first by the do()-tests


class HypothesisProposer(Protocol):
    """Proposes a hypothesis for ``action`` from its samples; ``known`` lists known items, oldest first."""

    def propose(self, action: str, samples: Sequence[Transition], known: Sequence[str]) -> Hypothesis | None: ...


def reproducible_effects(
    runs: Sequence[Transition], room: Callable[[str, int], bool] | None = None
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Effects: items added in every successful run and never in a failed one (by-products of the way
    there vary between runs, or also appear when the action fails). Returns (min counts, ranges).
    ``room(item, held)``: whether one more ``item`` fits beside ``held``; a run that left the item's stack full
    shows that the item was added, not how many (its count is left out where another run shows it)."""
    wins = [t for t in runs if t.success]
    if not wins:
        return {}, {}
    noise = {item for t in runs if not t.success for item in t.added}
    common = set(wins[0].added)
    for t in wins[1:]:
        common &= set(t.added)
    common -= noise
    ranges = {}
    for i in sorted(common):
        counted = [t for t in wins if room is None or room(i, t.after.get(i, 0))] or wins
        ranges[i] = (min(t.added[i] for t in counted), max(t.added[i] for t in counted))
    return {i: r[0] for i, r in ranges.items()}, ranges


def consistent_consumption(runs: Sequence[Transition]) -> dict[str, int]:
    """Items consumed in every successful run (smallest count): the data proves they are inputs."""
    wins = [t for t in runs if t.success]
    if not wins:
        return {}
    common = set(wins[0].consumed)
    for t in wins[1:]:
        common &= set(t.consumed)
    return {i: min(t.consumed[i] for t in wins) for i in sorted(common)}


def recheck_yields(
    relation: CausalRelation, runs: Sequence[Transition], room: Callable[[str, int], bool] | None = None
) -> CausalRelation:
    """``relation`` with its yields re-checked against later successful runs of its action (a learned yield must
    be added by every success): a yield absent from a success is dropped (a by-product of the way there that the
    first runs happened to share), a smaller count lowers it. ``room(item, held)``: whether the world had room for
    one more of ``item`` while ``held`` were held (default: always); a yield missing where the stack may have been
    full is no evidence, nor a count that filled the stack. A success that added none of the learned yields
    contradicts the whole relation, not one yield: it changes nothing here (a re-test decides). Nor does a success
    that used up an item the relation does not name (nor any alternative of it): the action worked another way
    (nine nuggets for one ingot, where the relation is one block for nine). Returns ``relation`` itself when
    nothing changed."""
    yields = dict(relation.yields)
    ranges = {i: tuple(relation.yield_range.get(i, (q, q))) for i, q in yields.items()}
    named = {i for cause, need in relation.needs.items() for i in (cause, *need.alternatives)}
    for t in runs:
        if not t.success or t.action != relation.action or set(t.consumed) - named:
            continue
        present = {i for i in yields if t.added.get(i, 0) > 0}
        if not present:
            continue
        for i in [i for i in yields if i not in present]:
            if room is None or room(i, t.before.get(i, 0)):
                del yields[i]
        for i in present:
            n = t.added[i]
            if n < yields[i] and (room is None or room(i, t.after.get(i, 0))):
                yields[i] = n
                ranges[i] = (n, ranges[i][1])
    if yields == dict(relation.yields):
        return relation
    return replace(
        relation, yields=yields, yield_range={i: r for i, r in ranges.items() if i in yields and r[0] != r[1]}
    )


class OfflineProposer:
    """Hypotheses from the data alone: consumed items are inputs, every other held item is a candidate
    cause to be tested, and reproducible additions are the effects."""

    source = "offline"

    def propose(self, action: str, samples: Sequence[Transition], known: Sequence[str]) -> Hypothesis | None:
        effects, ranges = reproducible_effects(samples)
        if not effects:
            return None
        consumed = consistent_consumption(samples)
        held_now = set().union(*(t.before for t in samples if t.success))
        held = tuple(i for i in known if i in held_now and i not in consumed)
        return Hypothesis(action, effects, consumed, held, ranges, self.source)
