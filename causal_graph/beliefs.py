"""Beliefs before trials: a mixin of :class:`causal_graph.learner.Learner`.

A prior (a graph of believed relations: a file, ``adam run --prior``) steers *what the learner tries first and with
what stock*; nothing of it enters the learned graph unverified.

* **A goal-directed order.** The actions on a believed route to the goals (:meth:`Learner.route`: the producers of
  the goal items and, back from them, of everything their relations need, a learned relation where the action is
  explained, else the belief) are tried before the others, the cheapest first (fewest believed steps from nothing);
  one whose believed needs are not all known yet waits (its trial could not hold them, and a dig without its tool
  spends a target). The other actions are learned after, as lifelong learning goes on.
* **A belief is a trial.** An action with a belief is first tried holding exactly the believed needs
  (:meth:`Learner.belief_stock`); the discoverer then verifies as always (do()-tests). The learned relation
  *confirms* the belief where its needs are the believed ones, else *refutes* it, with the differences, in a
  ``belief`` event.
* **Trust is earned, per source.** Beliefs come from a prior file (``prior``) or from the LLM's belief role
  (``llm``, :mod:`agent.llm.beliefs`), each action's from one source. Once a source has more refuted beliefs than
  confirmed ones (and at least :data:`DISTRUST_AFTER` refuted), it stops steering: a source that only guesses costs
  a few trials, not a run, and a good source beside it keeps steering.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from causal_graph.graph import CausalGraph
from env.interface import CausalRelation

log = logging.getLogger(__name__)

DISTRUST_AFTER = 3  # refuted beliefs before a source that is wrong more often than right stops steering


def belief_differences(learned: CausalRelation, believed: CausalRelation) -> list[str]:
    """How the verified relation differs from the belief in what it needs (each need: name, count, consumed or held;
    alternatives aside): ``["needs oak_log x3 (believed: not at all)", ...]``; empty when they agree."""
    out = []
    for item in sorted(set(learned.needs) | set(believed.needs)):
        got, thought = learned.needs.get(item), believed.needs.get(item)
        if got is None:
            out.append(f"does not need {item} (believed: {_need_text(thought)})")
        elif thought is None:
            out.append(f"needs {item} {_need_text(got)} (believed: not at all)")
        elif (got.quantity, got.consumed) != (thought.quantity, thought.consumed):
            out.append(f"needs {item} {_need_text(got)} (believed: {_need_text(thought)})")
    return out


def _need_text(need) -> str:
    return f"x{need.quantity} used up" if need.consumed else "held"


class Beliefs:
    """What the learner does with beliefs (uses the learner's ``graph``, ``state``, ``beliefs``, ``belief_sources``,
    ``goals`` and ``discoverer``)."""

    def belief_source(self, action: str) -> str:
        """Where the belief about ``action`` comes from (``prior``: a file; ``llm``: the model's belief role)."""
        return self.belief_sources.get(action, "prior")

    def track_record(self, source: str = "prior") -> tuple[int, int]:
        """(refuted, confirmed) beliefs of ``source`` so far."""
        refuted = sum(1 for a in self.state.beliefs_refuted if self.belief_source(a) == source)
        confirmed = sum(1 for a in self.state.beliefs_confirmed if self.belief_source(a) == source)
        return refuted, confirmed

    def trusted(self, source: str = "prior") -> bool:
        """Whether ``source``'s beliefs still steer (see :data:`DISTRUST_AFTER`): each source earns its own trust."""
        refuted, confirmed = self.track_record(source)
        return self.beliefs is not None and not (refuted >= DISTRUST_AFTER and refuted > confirmed)

    def belief(self, action: str) -> CausalRelation | None:
        """The belief about an unexplained ``action`` not yet put to a trial, while its source is trusted."""
        if self.beliefs is None or not self.trusted(self.belief_source(action)) or self.graph.explained(action):
            return None
        if action in self.state.beliefs_confirmed or action in self.state.beliefs_refuted:
            return None
        return self.beliefs.relation(action)

    def belief_stock(self, action: str) -> list[str] | None:
        """The items a belief trial of ``action`` holds: each believed need (the cause, or a known alternative of
        it); None when there is no belief to test, or a believed need is not known yet."""
        rel = self.belief(action)
        if rel is None:
            return None
        known = set(self.state.known)
        stock = []
        for cause, need in rel.needs.items():
            have = [i for i in (cause, *need.alternatives) if i in known]
            if not have:
                return None
            stock.append(have[0])
        return stock

    def route(self) -> dict[str, int]:
        """The actions on a believed route to the goals -> how many believed steps from nothing they lie (their
        tech level): the producers of each goal item, and back from them the producers of what their relations
        need (learned relations where explained, beliefs of trusted sources elsewhere). Empty without one."""
        if self.beliefs is None:
            return {}
        relations = {
            rel.action: rel
            for rel in self.beliefs.relations()
            if not self.graph.explained(rel.action) and self.trusted(self.belief_source(rel.action))
        }
        if not relations:
            return {}
        relations.update({rel.action: rel for rel in self.graph.relations()})
        producers: dict[str, list[str]] = {}
        for rel in relations.values():
            for item in rel.yields:
                producers.setdefault(item, []).append(rel.action)
        on_route: set[str] = set()
        wanted, seen = list(self.goals), set(self.goals)
        while wanted:
            item = wanted.pop()
            for action in producers.get(item, ()):
                if action in on_route:
                    continue
                on_route.add(action)
                for need in relations[action].needs:
                    if need not in seen:
                        seen.add(need)
                        wanted.append(need)
        levels = CausalGraph.from_relations(relations.values()).tech_levels()  # fewest believed steps: a true minimum
        return {a: levels[a] for a in on_route}

    def goal_directed(self, actions: Iterable[str], route: dict[str, int] | None = None) -> list[str]:
        """``actions`` in the order trusted beliefs suggest (stable otherwise): those on the believed route whose
        believed needs are all known, the cheapest first; then those on the route still waiting for a believed need
        (a wrong belief may wait for an item nothing makes: the action is then learned as without it, before the
        actions off the route); then those off the route. ``route``: :meth:`route`, when the caller has it already."""
        actions = list(actions)
        route = self.route() if route is None else route
        if not route:
            return actions

        def key(action: str) -> tuple[int, int]:
            if action not in route:
                return (2, 0)
            waiting = self.belief(action) is not None and self.belief_stock(action) is None
            return (1 if waiting else 0, route[action])

        return sorted(actions, key=key)

    def weigh_belief(
        self,
        action: str,
        believed: CausalRelation,
        learned: CausalRelation | None,
        why: str = "no relation was verified",
    ) -> None:
        """Record what the trial of a belief showed: confirmed (the verified relation needs what was believed) or
        refuted (no relation, or another one), with a ``belief`` event; the source's track record decides its
        trust."""
        source = self.belief_source(action)
        was_trusted = self.trusted(source)
        differences = [why] if learned is None else []
        if learned is not None:
            differences = belief_differences(learned, believed)
        outcome = "refuted" if differences else "confirmed"
        (self.state.beliefs_refuted if differences else self.state.beliefs_confirmed).append(action)
        self.discoverer.on_event(
            "belief", {"action": action, "source": source, "outcome": outcome, "differences": differences}
        )
        if was_trusted and not self.trusted(source):
            refuted, confirmed = self.track_record(source)
            shown = "the prior's beliefs" if source == "prior" else f"the {source.upper()}'s beliefs"
            log.warning("%s no longer steer learning: %d refuted, %d confirmed", shown, refuted, confirmed)
            self.discoverer.on_event("beliefs_distrusted", {"source": source, "refuted": refuted})
