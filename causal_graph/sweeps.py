"""Sweeps, the last tries of an action that never worked: a mixin of :class:`causal_graph.learner.Learner`.

**Why.** Two ways an action can stay unexplained after it was tried with every known item:

- *pairs*: where an intervention holds at most ``capacity`` item kinds (32 in the live game) and more items are
  known, it may need two items that no try held together: each was in some try (the coverage series of
  :meth:`Learner.priority` holds every item beside the newest ones), but a chest and a minecart that came at
  different times, neither of them the newest, may never have met;
- *doubles*: a try stocks half a stack of each item (:meth:`Discoverer.stock`), one of an item a slot holds one of
  (a tool, a boat), so an action that uses up two of one (a variant's diamond pickaxe made with two wooden axes)
  never had them.

**How.** Once nothing else is worth trying, each action still unexplained that does not take from the world (a dig
needs one tool, tried alone) gets one sweep. Pairs, where a try cannot hold every known item: the known items but the
``3 × capacity // 8`` most needed by learned relations (held in every try of the sweep: a crafting table, a furnace
and coal, so a smelt that also wants an odd tool held finds its raw iron and that tool together) are cut into groups
of half the room left, and every pair of groups is held in one try: every pair of the items known when the sweep
began is held together once beside them (with ``n`` items, about ``(1.6 n / capacity)² / 2`` tries). Doubles: one
try per known item whose stack holds one (as the world declares or showed), holding two of it beside the most needed
and as much else as fits. The sweeps of several actions take turns, a try each: the one whose success makes what the
others need is not left until they are over. A try that works ends the sweep (the action is learned as any other);
items that turn up later meet the old ones in the coverage series as before. Nothing here reads the rules: it only
chooses what a try holds.
"""

from __future__ import annotations

import logging
from itertools import combinations

from causal_graph.discovery import WORLD_ENDED

log = logging.getLogger(__name__)

Try = tuple[list[str], str | None]  # what a sweep's try holds first, and the item it holds two of (None: none)


class PairSweeps:
    """Sweeps (uses the learner's ``graph``, ``state``, ``discoverer``, ``actions``, :meth:`spending` and
    :meth:`needed`)."""

    def _sweep_room(self) -> tuple[int, int] | None:
        """(items held in every try, group size) where a try cannot hold every known item, else None."""
        capacity = self.discoverer.capacity
        if capacity is None or len(self.state.known) <= capacity:
            return None
        every = max(1, 3 * capacity // 8)
        return every, max(1, (capacity - every) // 2)

    def _singly_held(self, items: list[str]) -> list[str]:
        """The items of ``items`` a slot holds one of, as the world declares or an intervention showed."""
        return [i for i in items if self.discoverer.cap(i) == 1]

    def _sweep_tries(self, action: str) -> list[Try]:
        """Every try of ``action``'s sweep, in order: the pairs of groups, then the doubles."""
        items = self.state.sweep_items[action]
        room = self._sweep_room()
        every = items[: room[0]] if room else []
        tries: list[Try] = []
        if room is not None:
            rest = items[room[0] :]
            groups = [rest[i : i + room[1]] for i in range(0, len(rest), room[1])]
            tries += [([*every, *a, *b], None) for a, b in combinations(groups, 2)] or [([*every, *rest], None)]
        tries += [([item, *every], item) for item in self._singly_held(items)]
        return tries

    def _sweep_try(self, action: str) -> Try | None:
        if action not in self.state.sweep_items:
            return None
        tries = self._sweep_tries(action)
        return tries[min(self.state.sweep_done.get(action, 0), len(tries) - 1)] if tries else None

    def sweep_stock(self, action: str) -> list[str] | None:
        """What the next try of ``action``'s sweep holds first; None when no sweep of it is under way."""
        now = self._sweep_try(action)
        return None if now is None else now[0]

    def sweep_counts(self, action: str) -> dict[str, int]:
        """How many of an item the next try of ``action``'s sweep stocks in place of the usual (two of one a slot
        holds one of); empty when none."""
        now = self._sweep_try(action)
        return {now[1]: 2} if now is not None and now[1] is not None else {}

    def sweeping(self) -> list[str]:
        """Actions to sweep now, the one with the fewest tries of its sweep done first (the sweeps take turns: the
        one whose success makes what the others need, a smelt making ingots, is not left until the others are
        over): only when nothing else is worth trying (the caller's business), unexplained, tried, not taking from
        the world, not failed by the world, and not swept since the last new item (an item that came after its sweep
        began, from another sweep's success, brings it another); none where a sweep would have no try (every item
        fits in one, and none is held one to a slot)."""
        if self._sweep_room() is None and not self._singly_held(list(self.state.known)):
            waiting: list[str] = []
        else:
            waiting = [
                a
                for a in self.actions
                if not self.graph.explained(a)
                and self.state.swept.get(a, -1) < len(self.state.known)
                and a not in self.state.sweep_items
                and a in self.state.tried_with
                and not self.spending(a)
                and self.state.status.get(a) not in WORLD_ENDED
            ]
        ongoing = [a for a in self.actions if a in self.state.sweep_items and not self.graph.explained(a)]
        done = self.state.sweep_done
        return sorted([*ongoing, *waiting], key=lambda a: done.get(a, 0) if a in self.state.sweep_items else 0)

    def start_sweep(self, action: str) -> None:
        """Fix the items of ``action``'s sweep: the most needed first (held in every try of its pairs), then the
        rest, oldest first."""
        needed = self.needed()
        known = list(self.state.known)
        every, _ = self._sweep_room() or (0, 1)
        first = sorted((i for i in reversed(known) if i in needed), key=lambda i: -needed[i])[:every]
        self.state.sweep_items[action] = [*first, *(i for i in known if i not in first)]
        self.state.sweep_done[action] = 0
        log.info(
            "%s: never worked with each known item: a sweep of %d tries (pairs, and two of what a slot holds one of)",
            action,
            len(self._sweep_tries(action)),
        )

    def advance_sweep(self, action: str, explained: bool) -> None:
        """Count a try of ``action``'s sweep; the sweep ends when the action worked or every try was made."""
        if action not in self.state.sweep_items:
            return
        done = self.state.sweep_done.get(action, 0) + 1
        if explained or done >= len(self._sweep_tries(action)):
            self.state.swept[action] = len(self.state.sweep_items.pop(action))
            self.state.sweep_done.pop(action, None)
            log.info("%s: sweep over after %d tries (%s)", action, done, "it worked" if explained else "never worked")
        else:
            self.state.sweep_done[action] = done
