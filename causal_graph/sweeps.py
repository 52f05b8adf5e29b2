"""Pair sweeps, where one try cannot hold every known item: a mixin of :class:`causal_graph.learner.Learner`.

**Why.** Where an intervention holds at most ``capacity`` item kinds (32 in the live game) and more items are known,
an action that has never worked may need two items that no try held together: each was in some try (the coverage
series of :meth:`Learner.priority` holds every item beside the newest ones), but a chest and a minecart that came
at different times, neither of them the newest, may never have met. Held in every try beside them, the items most
needed by learned relations (a crafting table) make a third.

**How.** Once nothing else is worth trying, each action still unexplained that does not take from the world (a dig
needs one tool, tried alone) gets one sweep: the known items but the ``capacity // 8`` most needed (held in every
try of the sweep) are cut into groups of half the room left, and every pair of groups is held in one try: every pair
of the items known when the sweep began is then held together once (with ``n`` items, about ``(2n / capacity)² / 2``
tries). A try that works ends the sweep (the action is learned as any other); items that turn up later meet the
old ones in the coverage series as before. Nothing here reads the rules: it only chooses what a try holds.
"""

from __future__ import annotations

import logging
from itertools import combinations

log = logging.getLogger(__name__)


class PairSweeps:
    """Pair sweeps (uses the learner's ``graph``, ``state``, ``discoverer``, ``actions``, :meth:`spending` and
    :meth:`needed`)."""

    def _sweep_room(self) -> tuple[int, int] | None:
        """(items held in every try, group size), or None where a try holds every known item."""
        capacity = self.discoverer.capacity
        if capacity is None or len(self.state.known) <= capacity:
            return None
        every = max(1, capacity // 8)
        return every, max(1, (capacity - every) // 2)

    def _sweep_groups(self, action: str) -> tuple[list[str], list[list[str]]]:
        """The items a sweep of ``action`` holds in every try, and its groups."""
        items = self.state.sweep_items[action]
        room = self._sweep_room()
        every, size = room if room is not None else (len(items), 1)
        rest = items[every:]
        return items[:every], [rest[i : i + size] for i in range(0, len(rest), size)]

    def _sweep_tries(self, action: str) -> list[list[str]]:
        """The stock each try of ``action``'s sweep holds first, in order."""
        every, groups = self._sweep_groups(action)
        if len(groups) < 2:
            return [[*every, *(groups[0] if groups else [])]]
        return [[*every, *a, *b] for a, b in combinations(groups, 2)]

    def sweep_stock(self, action: str) -> list[str] | None:
        """What the next try of ``action``'s sweep holds first; None when no sweep of it is under way."""
        if action not in self.state.sweep_items:
            return None
        tries = self._sweep_tries(action)
        return tries[min(self.state.sweep_done.get(action, 0), len(tries) - 1)]

    def sweeping(self) -> list[str]:
        """Actions to sweep now (the one under way first): only when nothing else is worth trying (the caller's
        business), unexplained, not taking from the world, not failed by the world, and not swept yet."""
        if self._sweep_room() is None:
            return []
        ongoing = [a for a in self.state.sweep_items if not self.graph.explained(a)]
        if ongoing:
            return ongoing
        return [
            a
            for a in self.actions
            if not self.graph.explained(a)
            and a not in self.state.swept
            and a in self.state.tried_with
            and not self.spending(a)
            and self.state.status.get(a) not in ("unreachable", "world_failed")
        ]

    def start_sweep(self, action: str) -> None:
        """Fix the items of ``action``'s sweep: the most needed first (held in every try), then the rest."""
        needed = self.needed()
        known = list(self.state.known)
        every, _ = self._sweep_room() or (0, 1)
        first = sorted((i for i in reversed(known) if i in needed), key=lambda i: -needed[i])[:every]
        self.state.sweep_items[action] = [*first, *(i for i in known if i not in first)]
        self.state.sweep_done[action] = 0
        log.info(
            "%s: never worked, tried with every item but not every pair: a sweep of %d tries over %d items",
            action,
            len(self._sweep_tries(action)),
            len(known),
        )

    def advance_sweep(self, action: str, explained: bool) -> None:
        """Count a try of ``action``'s sweep; the sweep ends when the action worked or every pair was held."""
        if action not in self.state.sweep_items:
            return
        done = self.state.sweep_done.get(action, 0) + 1
        if explained or done >= len(self._sweep_tries(action)):
            del self.state.sweep_items[action]
            self.state.sweep_done.pop(action, None)
            self.state.swept.append(action)
            log.info("%s: sweep over after %d tries (%s)", action, done, "it worked" if explained else "never worked")
        else:
            self.state.sweep_done[action] = done
