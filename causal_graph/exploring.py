"""Exploring for items never seen, once nothing is left to learn: a mixin of :class:`causal_graph.learner.Learner`.

**Exploring for new items.** Once nothing is worth trying or refining (the goals reached), :meth:`Learner.explore`
runs the learned actions that take from the world again, each from its held causes, round after round, and the one
whose target lies deepest (reaching its first target took longest; and the one whose first target lay farthest
from where the agent began, where the world reports positions) a few more times: a dig from where the last one
ended goes further each time and may bring up what the agent has never seen (a deeper stone's by-product), and a
new item makes learning resume. It stops after ``explore_patience`` rounds in a row that brought nothing new.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

EXPLORE_PATIENCE = 24  # rounds of exploring in a row that bring no new item before exploring stops
DEEP_DIGS = 3  # extra trials per round of exploring for the action whose target lies deepest


class Exploring:
    """Lifelong exploring (uses the learner's ``graph``, ``state``, ``discoverer``, ``actions``,
    ``explore_patience``, :meth:`observe`, :meth:`check` and :meth:`_note_world`)."""

    def explore(self) -> bool:
        """One exploring trial (see the module's notes): the next learned action that takes from the world, from its
        held causes; new items it brought are observed (learning resumes with them). False when there is nothing to
        explore, or ``explore_patience`` rounds in a row brought nothing new (then it stays False)."""
        state = self.state
        if state.dry_rounds >= self.explore_patience:
            return False
        if not state.explore_left:
            takers = [
                a
                for a in self.actions
                if (rel := self.graph.relation(a)) is not None
                and rel.takes_from_world()
                and a not in state.explore_gone
            ]
            if not takers:
                return False
            # the deepest target (the longest way to its first one) again and again: each dig from where the last
            # one ended goes further down, through ground nothing else reaches
            deep = [max(takers, key=lambda a: state.target_ticks.get(a, 0))]
            if state.target_reach:  # and the farthest from where the agent began: game time misleads where an
                # earlier trial dug a tunnel toward the target (a diamond reached on the way back from gold)
                far = max(takers, key=lambda a: state.target_reach.get(a, 0))
                deep += [far] if far not in deep else []
            state.explore_left = takers + [a for a in deep for _ in range(DEEP_DIGS)]
            state.explore_rounds += 1
        action = state.explore_left.pop(0)
        rel = self.graph.relation(action)
        t = None
        if rel is not None:
            t = self.discoverer.probe(action, rel.held())
        state.explored += 1
        if t is None:  # its targets stayed out of reach (or the world kept failing it): not explored again
            state.explore_gone.append(action)
        else:  # later evidence like any other: a success re-checks the learned yields (a by-product drops out)
            self.check(t)
        new = [i for i in (t.after if t is not None else {}) if i not in state.known]
        self._note_world()
        if new:
            log.info("exploring with %s brought %s, never seen before", action, ", ".join(sorted(new)))
            self.observe(new)
            state.dry_rounds = 0
            state.explore_left = []
        elif not state.explore_left:
            state.dry_rounds += 1
        return True
