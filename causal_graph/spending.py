"""Trials that cost the world a target: a mixin of :class:`causal_graph.learner.Learner`.

**Trials that cost the world a target.** An unexplained action whose trial broke its target for nothing
(:func:`causal_graph.discovery.spends`: ore dug without the right pickaxe) is *spending*: it is tried again only
when nothing else is worth trying (one at a time, the most promising first: one whose new items include a
likely tool), with the likely tools among the items new since it spent tried alone first
(:meth:`Learner.singles`), and its alternatives are looked for only once the goals are reached. A likely tool is
an item that already serves as a tool of an action that takes from the world, or one made the way such a tool is
made (a relation of the same shape: the same counts, consumed or held): learned relations only, no rules.
"""

from __future__ import annotations

import logging

from env.interface import CausalRelation

log = logging.getLogger(__name__)


def _shape(relation: CausalRelation) -> tuple[tuple[int, bool], ...]:
    """How a relation makes its yield, without the names: its needs' (count, consumed), sorted."""
    return tuple(sorted((need.quantity, need.consumed) for need in relation.needs.values()))


class SpendingTrials:
    """What the learner does with actions whose trials spent a target (uses the learner's ``graph``, ``state``,
    ``discoverer``, ``actions`` and :meth:`_note_world`)."""

    def _age(self) -> dict[str, int]:
        """item -> its place in the order the agent first saw the items (0: the oldest)."""
        return {item: k for k, item in enumerate(self.state.known)}

    def _held_when_spent(self, action: str) -> set[str]:
        """Every item some trial of ``action`` that spent a target held (none of them was enough)."""
        return {i for stock in self.discoverer.spent.get(action, ()) for i in stock}

    def spending(self, action: str) -> bool:
        """Whether ``action`` is unexplained and some trial of it broke its target for nothing."""
        return action in self.discoverer.spent and not self.graph.explained(action)

    def _taking_tools(self) -> set[str]:
        """Items seen serving as the tool of an action that takes from the world: held (not consumed) by a learned
        one, or an alternative of such a cause, or proven on the proxy (:meth:`prove_tools`)."""
        return {
            item
            for rel in self.graph.relations()
            if rel.takes_from_world()
            for cause, need in rel.needs.items()
            if not need.consumed
            for item in (cause, *need.alternatives)
        } | {item for item, works in self.state.tool_tests.items() if works}

    def _made_like_tools(self, tools: set[str]) -> set[str]:
        """Items a learned relation makes the way one of ``tools`` is made (the same :func:`_shape`): a new pickaxe
        is made like the old one."""
        shapes = {_shape(rel) for rel in self.graph.relations() if tools & set(rel.yields)}
        return {item for rel in self.graph.relations() if _shape(rel) in shapes for item in rel.yields} - tools

    def obtainable_without(self, action: str, item: str) -> bool:
        """Whether the learned graph makes ``item`` from nothing without ``action`` (a fixpoint over the other
        relations; any alternative of a cause will do)."""
        have: set[str] = set()
        rels = [r for r in self.graph.relations() if r.action != action]
        grown = True
        while grown and item not in have:
            grown = False
            for rel in rels:
                if set(rel.yields) <= have:
                    continue
                if all({cause, *need.alternatives} & have for cause, need in rel.needs.items()):
                    have |= set(rel.yields)
                    grown = True
        return item in have

    def _lower_tiers(self, action: str, tool: str, ticks: int = 0) -> list[str]:
        """The older tools (known before ``tool``: tools of learned actions that take from the world, or items made
        like ``tool``) to try alone in place of ``tool``, which worked alone for ``action``: those the graph makes
        without ``action`` first, oldest first (the lowest tier that works is the cause). Before the goals are
        reached, only where the learned graph cannot make ``tool`` without ``action``, or ``action``'s target is
        cheaper than the one ``tool`` is known to dig (reaching its first target took less game time): learned with
        too good a tool the action may sit in a circle (stone dug with a stone pickaxe, made of that stone; or with an
        iron one: iron needs a stone pickaxe); elsewhere none: each trial may spend a target the goal needs, and the
        search for alternatives finds the lower tiers later."""
        circle = not self.obtainable_without(action, tool)  # the graph makes ``tool`` only with this very action
        cheaper = self.state.target_ticks.get(action, ticks) < self._rung(tool)  # ticks: this trial's, if the first
        if not (self.state.completing or circle or cheaper):
            return []
        order = self._age()
        tools = self._taking_tools()
        older = [
            i
            for i in self.state.known[: order.get(tool, 0)]
            if i in tools or self._made_alike(i, tool)  # a tool, or made like this one: an older tier
        ]
        # known tools first, then those made alike that the proxy did not test, then those it refused (the proxy's
        # target may be dearer than this one); within each, those the graph makes without the action, oldest first
        tested = {True: 0, None: 1, False: 2}
        return sorted(
            older,
            key=lambda i: (
                0 if i in tools else tested[self.state.tool_tests.get(i)],
                not self.obtainable_without(action, i),
                order[i],
            ),
        )

    def _rung(self, tool: str) -> int:
        """The game time of the first trial that reached the costliest target ``tool`` is known to dig (as a learned
        cause, or on the :meth:`proxy`); 0 when none is known."""
        digs = [
            rel.action
            for rel in self.graph.relations()
            if rel.takes_from_world() and tool in rel.needs and not rel.needs[tool].consumed
        ]
        proxy = self.proxy()
        if self.state.tool_tests.get(tool) and proxy is not None:
            digs.append(proxy)
        return max((self.state.target_ticks.get(a, 0) for a in digs), default=0)

    def _made_alike(self, a: str, b: str) -> bool:
        """Whether learned relations of the same :func:`_shape` make ``a`` and ``b`` (a wooden and a stone pickaxe)."""
        shapes = {_shape(rel) for rel in self.graph.relations() if a in rel.yields}
        return any(_shape(rel) in shapes for rel in self.graph.relations() if b in rel.yields)

    def proxy(self) -> str | None:
        """The learned action that takes from the world with one held cause and the lowest tier (its tool the oldest
        known item): the cheapest target, on which a new item can show it is a tool of that kind."""
        order = self._age()
        best = None
        for rel in self.graph.relations():
            held = list(rel.held())
            if not rel.takes_from_world() or len(rel.needs) != 1 or len(held) != 1:
                continue
            key = (order.get(held[0], len(order)), self.actions.index(rel.action) if rel.action in self.actions else 0)
            if best is None or key < best[0]:
                best = (key, rel.action)
        return best[1] if best else None

    def prove_tools(self) -> list[str]:
        """Test the items made like a known tool (:meth:`_made_like_tools`) and not tested yet on the :meth:`proxy`
        (each alone, one trial of the cheapest target); remember which worked (:attr:`LearnerState.tool_tests`).
        Returns the items tested."""
        proxy = self.proxy()
        if proxy is None:
            return []
        made_like = self._made_like_tools(self._taking_tools())
        tested = []
        for item in [i for i in self.state.known if i in made_like and i not in self.state.tool_tests]:  # oldest first
            t = self.discoverer.probe(proxy, {item: 1}, purpose="tool_test")
            if t is None:
                continue
            self.state.tool_tests[item] = t.success
            tested.append(item)
        if tested:
            self._note_world()
            log.debug("proxy %s: %s", proxy, {i: self.state.tool_tests[i] for i in tested})
        return tested

    def singles(self, action: str) -> list[str]:
        """For a spending action: the known tools of actions that take from the world (:meth:`_taking_tools`) that
        none of its spending trials held: first those that unlocked an action the older tools could not
        (:meth:`_unlocking_tools`), then the rest, newest first within each (the newest tier is the likeliest to dig
        what the older ones could not), without those older than one made alike that failed alone (a lower tier
        fails too). The discoverer tries the first alone."""
        stocks = self.discoverer.spent.get(action, ())
        held_then = self._held_when_spent(action)
        failed_alone = [next(iter(stock)) for stock in stocks if len(stock) == 1]
        order = self._age()
        tools = self._taking_tools()
        unlocking = self._unlocking_tools()

        def outdone(item: str) -> bool:  # an older tool made like one that failed alone: a lower tier fails too
            return any(order.get(item, 0) < order.get(f, 0) and self._made_alike(item, f) for f in failed_alone)

        tried = set(self.state.tried_with.get(action, ())) if action in self.discoverer.spent else set()
        newest = [
            i
            for i in reversed(self.state.known)
            if i in tools and i not in held_then and i not in tried and not outdone(i)
        ]
        return sorted(newest, key=lambda i: i not in unlocking)  # stable: newest first within each

    def _unlocking_tools(self) -> set[str]:
        """The tools that are the cause (not an alternative) of a learned action that takes from the world and has
        spent targets before it was learned: each unlocked what the older tools could not (a tier's evidence)."""
        return {
            cause
            for rel in self.graph.relations()
            if rel.takes_from_world() and rel.action in self.discoverer.spent
            for cause, need in rel.needs.items()
            if not need.consumed
        }

    def _spending_order(self, actions: list[str]) -> list[str]:
        """Spending actions, the most promising first: those for which a known tool, or an item made like one, is
        new since their last try; then the cheapest target first (the least game time to reach its first target:
        a target far away or deep down is the rarer one, and a cheaper one answers the same question, whether the
        new tool digs what the old could not); then those that spent fewest targets; then the library's order."""
        tools = self._taking_tools()
        likely = tools | {i for i in self._made_like_tools(tools) if self.state.tool_tests.get(i) is not False}
        rank = {a: i for i, a in enumerate(self.actions)}

        def promise(action: str) -> bool:
            held_then = self._held_when_spent(action)
            return any(i in likely and i not in held_then for i in self.state.known)

        def cost(action: str) -> int:  # game time to reach its first target: a far or deep one is rarer
            return self.state.target_ticks.get(action, 0)

        return sorted(actions, key=lambda a: (not promise(a), cost(a), self.state.spends.get(a, 0), rank[a]))
