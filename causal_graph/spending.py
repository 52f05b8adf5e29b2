"""Trials that cost the world a target: a mixin of :class:`causal_graph.learner.Learner`.

**Trials that cost the world a target.** An unexplained action whose trial broke its target for nothing
(:func:`causal_graph.discovery.spends`: ore dug without the right pickaxe) is *spending*: it is tried again only
when nothing else is worth trying (one at a time, the most promising first: one whose new items include a
likely tool), with the likely tools among the items new since it spent tried alone first
(:meth:`Learner.singles`), and its alternatives are looked for only once the goals are reached. A likely tool is
an item that already serves as a tool of an action that takes from the world, or one made the way such a tool is
made (a relation of the same shape, or a part in common: :func:`_kin`) and proven on the cheapest target
(:meth:`Learner.prove_tools`): learned relations only, no rules. The likeliest is the newest of the tools that
unlocked an action and of those that dug the newest unlocking tool's tier; a newer tool is tested on that tier's
cheapest target first where its yield makes no known tool (:meth:`Learner.prove_tier`).
"""

from __future__ import annotations

import logging

from causal_graph.discovery import WORLD_ENDED
from env.interface import CausalRelation

log = logging.getLogger(__name__)


def _shape(relation: CausalRelation) -> tuple[tuple[int, bool], ...]:
    """How a relation makes its yield, without the names: its needs' (count, consumed), sorted."""
    return tuple(sorted((need.quantity, need.consumed) for need in relation.needs.values()))


def _parts(relation: CausalRelation) -> set[tuple[str, int]]:
    """What a relation uses up, with the counts: ``{("stick", 2), ("cobblestone", 3)}``."""
    return {(item, need.quantity) for item, need in relation.needs.items() if need.consumed}


def _kin(a: CausalRelation, b: CausalRelation) -> bool:
    """Whether two relations make their yields alike: the same :func:`_shape`, or a part in common (the same item,
    the same count: two sticks make a wooden and a stone pickaxe even where one also needs a plank)."""
    return _shape(a) == _shape(b) or bool(_parts(a) & _parts(b))


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
        """Whether ``action`` is unexplained and some trial of it failed for want of its target's tool (broke the target
        for nothing, ``no_drop``, or left it undug, ``no_tool``: :data:`causal_graph.discovery.TOOL_FAILURES`)."""
        return action in self.discoverer.spent and not self.graph.explained(action)

    def _taking_tools(self) -> set[str]:
        """Items seen serving as the tool of an action that takes from the world: held (not consumed) by a learned
        one, or an alternative of such a cause, or proven on the proxy (:meth:`prove_tools`)."""
        return (
            {
                item
                for rel in self.graph.relations()
                if rel.takes_from_world()
                for cause, need in rel.needs.items()
                if not need.consumed
                for item in (cause, *need.alternatives)
            }
            | {item for item, works in self.state.tool_tests.items() if works}
            | {item for tests in self.state.tier_tests.values() for item, works in tests.items() if works}
        )

    def _tool_like(self) -> set[str]:
        """Before any item is seen serving as a tool: the known items of which a stack holds one, where the world says
        so (``World.stack_limit``): a tool is held, not piled up."""
        limit = getattr(self.discoverer.world, "stack_limit", None)
        return {i for i in self.state.known if limit is not None and limit(i) == 1}

    def _made_like_tools(self, tools: set[str]) -> set[str]:
        """Items a learned relation makes the way one of ``tools`` is made (the same :func:`_shape`): a new pickaxe
        is made like the old one."""
        makers = [rel for rel in self.graph.relations() if tools & set(rel.yields)]
        return {
            item for rel in self.graph.relations() if any(_kin(rel, m) for m in makers) for item in rel.yields
        } - tools

    def obtainable_without(self, action: str, item: str) -> bool:
        """Whether the learned graph makes ``item`` from nothing without ``action`` (a fixpoint over the other
        relations; any alternative of a cause will do)."""
        return item in self.graph.obtainable(without=action)

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
        proxy = self.proxy()
        ticks = self.state.target_ticks.get(action, ticks)
        # an item the proxy refused cannot dig a target at least as dear as the proxy's: not worth one of them; but
        # in a circle a cause the graph can make without the action must be found, and game time is no tier
        proxy_dearer = circle or (proxy is not None and self.state.target_ticks.get(proxy, 0) > ticks)
        older = [
            i
            for i in self.state.known[: order.get(tool, 0)]
            if (i in tools or self._made_alike(i, tool))  # a tool, or made like this one: an older tier
            and (proxy_dearer or self.state.tool_tests.get(i) is not False)
        ]
        # those the graph makes without the action first (a cause it can only make with the action is a circle);
        # within each, known tools, then those made alike that the proxy did not test, then those it refused (a
        # refusal on a dearer target than this one says nothing: untested), oldest first
        tested = {True: 0, None: 1, False: 2}

        def proxy_says(item: str) -> bool | None:
            said = self.state.tool_tests.get(item)
            return None if said is False and proxy_dearer else said

        return sorted(
            older,
            key=lambda i: (
                not self.obtainable_without(action, i),
                0 if i in tools else tested[proxy_says(i)],
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
        digs += [a for a, tests in self.state.tier_tests.items() if tests.get(tool)]
        return max((self.state.target_ticks.get(a, 0) for a in digs), default=0)

    def _made_alike(self, a: str, b: str) -> bool:
        """Whether learned relations make ``a`` and ``b`` alike (:func:`_kin`: a wooden and a stone pickaxe)."""
        makers = [rel for rel in self.graph.relations() if a in rel.yields]
        return any(_kin(rel, m) for rel in self.graph.relations() if b in rel.yields for m in makers)

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

    def _newest_unlocking(self) -> str | None:
        """The newest of the :meth:`_unlocking_tools` (the top tier known to dig what the older tools could not)."""
        order = self._age()
        return max(self._unlocking_tools(), key=lambda i: order.get(i, -1), default=None)

    def _tier_targets(self) -> list[str]:
        """The learned actions the newest unlocking tool unlocked (its cause alone; they spent targets before they
        were learned), the cheapest target first (least game time to reach the first one): its tier's targets. Those
        where a trial holding an older unlocking tool had failed are the evidence; where there is none (the agent
        tried the newest tool first), only the dearest of them: a cheap target learned with too good a tool (coal
        with an iron pickaxe) is not a tier, the dearest is the likeliest one."""
        unlocking = self._unlocking_tools()
        newest = self._newest_unlocking()
        older = unlocking - {newest}
        unlocked = sorted(
            (
                rel.action
                for rel in self.graph.relations()
                if rel.takes_from_world()
                and rel.action in self.discoverer.spent
                and list(rel.held()) == [newest]
                and len(rel.needs) == 1  # a tool alone digs it: a test holding one item can tell
            ),
            key=lambda a: self.state.target_ticks.get(a, 0),
        )
        shown = [a for a in unlocked if not older or older & self._held_when_spent(a)]
        return shown or unlocked[-1:]

    def _digs_tier(self, item: str) -> bool | None:
        """Whether ``item`` alone dug a target of the newest unlocking tool's tier (:meth:`_tier_targets`: as a cause
        or alternative learned there, a tier test, or a proxy test where the proxy is of that tier); False where it
        failed such a test, None where untested."""
        tier = self._tier_targets()
        works = [self.state.tier_tests.get(a, {}).get(item) for a in tier]
        proxy = self.proxy()
        if proxy in tier:
            works.append(self.state.tool_tests.get(item))
        for a in tier:
            rel = self.graph.relation(a)
            if rel is not None and any(item in (c, *n.alternatives) for c, n in rel.needs.items() if not n.consumed):
                works.append(True)
        return True if True in works else False if False in works else None

    def _frontier(self, action: str) -> str | None:
        """Where a tool may show it digs the newest unlocking tool's tier (:meth:`prove_tier`): the cheapest of
        :meth:`_tier_targets` whose target is cheaper than ``action``'s (less game time to reach its first one); None:
        none; none either where another spending action's target is rarer (:meth:`_rarest`). A block of the tier below
        is worth spending to keep one of the rarest target: even one the next tier is made of (iron ore for an iron
        pickaxe; gold ore for a golden one, which would fail there)."""
        ticks = self.state.target_ticks.get(action)
        if ticks is None or not self._rarest(action):
            return None
        for a in self._tier_targets():
            if a != action and self.state.target_ticks.get(a, ticks) < ticks:
                return a
        return None

    def _rarest(self, action: str) -> bool:
        """Whether no other spending action's first target lay farther from where the agent began than ``action``'s
        (:attr:`LearnerState.target_reach`; game time where a distance is missing): a test that spends a block of the
        tier below is run to keep the rarest target only; a wasted trial on a commoner one costs less."""
        pending = [a for a in self.discoverer.spent if a != action and self.spending(a)]
        reach, ticks = self.state.target_reach, self.state.target_ticks
        if all(a in reach for a in (action, *pending)):
            return all(reach[a] <= reach[action] for a in pending)
        return all(ticks.get(a, 0) <= ticks.get(action, 0) for a in pending)

    def prove_tier(self, action: str) -> list[str]:
        """Before a spending ``action``'s likeliest tool is tried alone on its dear target: the tools newer than the
        newest unlocking one (:meth:`_newest_unlocking`) not known to dig its tier (:meth:`_digs_tier`) are tried
        alone on the :meth:`_frontier`'s cheaper target, newest first, until one digs it (remembered in
        :attr:`LearnerState.tier_tests`). A newer tool that cannot dig the tier below is not the next tier (a golden
        pickaxe, made from gold the iron one dug, digs less than it); the newest that can is tried first
        (:meth:`singles`). Returns the items tested."""
        frontier = self._frontier(action)
        newest = self._newest_unlocking()
        if frontier is None or newest is None:
            return []
        order = self._age()
        tests = self.state.tier_tests.get(frontier, {})
        tested = []
        for item in self._candidates(action):  # newest first
            if order.get(item, 0) <= order.get(newest, 0):
                break
            works = self._digs_tier(item)
            if works:
                break
            if works is False:
                continue
            t = self.discoverer.probe(frontier, {item: 1}, purpose="tier_test")
            if t is None:  # the frontier's target is out of reach now
                break
            tests[item] = t.success
            self.state.tier_tests[frontier] = tests
            tested.append(item)
            if t.success:
                break
        if tested:
            self._note_world()
            log.debug("tier %s for %s: %s", frontier, action, {i: tests[i] for i in tested})
        return tested

    def _candidates(self, action: str) -> list[str]:
        """For a spending action: the known tools of actions that take from the world (:meth:`_taking_tools`; before
        there are any, the items a stack holds one of, :meth:`_tool_like`) that none of its spending trials held,
        newest first (the newest tier is the likeliest to dig what the older ones could not), without those older
        than one made alike that failed alone (a lower tier fails too)."""
        stocks = self.discoverer.spent.get(action, ())
        held_then = self._held_when_spent(action)
        failed_alone = [next(iter(stock)) for stock in stocks if len(stock) == 1]
        order = self._age()
        tools = self._taking_tools() or self._tool_like()

        def outdone(item: str) -> bool:  # an older tool made like one that failed alone: a lower tier fails too
            return any(order.get(item, 0) < order.get(f, 0) and self._made_alike(item, f) for f in failed_alone)

        tried = set(self.state.tried_with.get(action, ())) if action in self.discoverer.spent else set()
        return [
            i
            for i in reversed(self.state.known)
            if i in tools and i not in held_then and i not in tried and not outdone(i)
        ]

    def pressing(self) -> list[str]:
        """The spending action whose trial goes before the cheap actions' retries (none, or one): of those with a likely
        tool new to them that it may try alone (:meth:`_candidates`, or an item made like a tool not tested yet on the
        proxy, kept by :meth:`_pressable`; :meth:`pressed_singles` may still find none at the trial, and the action
        then waits until it knows more items), the one whose first target was cheapest to reach (least game time).
        Leaving every spending action until nothing cheap is left makes better tools first, but each retry of a cheap
        action costs a step; a tool is pressed on a target only where it may dig it: newer than the tools that showed
        their tier on a target no dearer (:meth:`_shown_tier`: a stone pickaxe that unlocked iron is not pressed on a
        diamond), and not held by a trial that broke a target no dearer for nothing (:meth:`_beaten`). A pressed
        trial runs no sample with every known item (``singles_only`` of
        :meth:`causal_graph.discovery.Discoverer.discover`): the target waits for the next tool, or until nothing
        cheap is left. Before any tool is known (the candidates are guesses, :meth:`_tool_like`), only the cheapest
        target is pressed."""
        waiting = [a for a in self.actions if self.spending(a) and self.state.status.get(a) not in WORLD_ENDED]
        tools = self._taking_tools()
        made_like = self._made_like_tools(tools)
        ordered = sorted(waiting, key=lambda a: (self.state.target_ticks.get(a, 0), self.actions.index(a)))
        if not tools:  # no tool known yet: every item a stack holds one of is a guess, on one target
            ordered = ordered[:1]
        for action in ordered:
            if self._pressed.get(action) == len(self.state.known):  # pressed with these items already: no single came
                continue
            held_then = self._held_when_spent(action)
            untested = [
                i for i in self.state.known if i in made_like and i not in self.state.tool_tests and i not in held_then
            ]
            if self._pressable([*self._candidates(action), *untested], action):
                return [action]
        return []

    def _pressable(self, items: list[str], action: str) -> list[str]:
        """``items`` that a pressed trial of ``action`` may try alone: newer than its :meth:`_shown_tier`, and not
        :meth:`_beaten`."""
        order, bar, beaten = self._age(), self._shown_tier(action), self._beaten(action)
        return [i for i in items if order.get(i, -1) > bar and i not in beaten]

    def _beaten(self, action: str) -> set[str]:
        """The items held by a trial that broke another target for nothing where that target was no dearer to reach
        than ``action``'s (:meth:`_no_dearer`): what cannot dig the commoner target is not tried
        alone on the rarer one ahead of the cheap actions."""
        return {
            item
            for other in self.discoverer.spent
            if other != action and self._no_dearer(other, action)
            for item in self._held_when_spent(other)
        }

    def _no_dearer(self, other: str, action: str) -> bool:
        """Whether ``other``'s first target was no dearer than ``action``'s by both measures the learner has: the game
        time reaching it took, and its distance from where the agent began where both are known (one sample each:
        where they disagree, neither target is taken for the commoner)."""
        ticks, reach = self.state.target_ticks, self.state.target_reach
        if ticks.get(other, 0) > ticks.get(action, 0):
            return False
        return other not in reach or action not in reach or reach[other] <= reach[action]

    def _shown_tier(self, action: str) -> int:
        """The age (:meth:`_age`) of the newest tool that showed its tier on a target no dearer than ``action``'s
        (:meth:`_no_dearer`; -1: none): it unlocked that target where a trial holding an older tool had broken it for
        nothing; a tool that was simply the first tried shows nothing (an iron pickaxe may dig coal; an iron pickaxe
        that dug gold first may dig a diamond too). Only a newer tool is pressed on ``action``."""
        order, tools = self._age(), self._taking_tools()

        def shown(rel: CausalRelation, cause: str) -> bool:  # an older tool failed where ``cause`` dug
            return any(t in tools and order.get(t, -1) < order[cause] for t in self._held_when_spent(rel.action))

        return max(
            (
                order.get(cause, -1)
                for rel in self.graph.relations()
                if rel.takes_from_world() and rel.action != action and self._no_dearer(rel.action, action)
                for cause, need in rel.needs.items()
                if not need.consumed and shown(rel, cause)
            ),
            default=-1,
        )

    def pressed_singles(self, action: str) -> list[str]:
        """:meth:`singles` of a pressed ``action``: only those it may dig (:meth:`_pressable`); for the rarest target
        waiting (:meth:`_rarest`), only those shown to dig the tier below (:meth:`_digs_tier`: a golden pickaxe whose
        tier test could not run, its target gone, is not pressed on a diamond)."""
        items = self._pressable(self.singles(action), action)
        return [i for i in items if self._digs_tier(i)] if self._rarest(action) else items

    def singles(self, action: str) -> list[str]:
        """The likely tools of a spending action (:meth:`_candidates`), in the order the discoverer tries them alone
        (the first only, then the action waits): first those that unlocked an action the older tools could not
        (:meth:`_unlocking_tools`) or dug the newest unlocking tool's tier alone (:meth:`_digs_tier`), newest first;
        then the rest; not those that failed that tier (a golden pickaxe that cannot dig gold)."""
        unlocking = self._unlocking_tools()
        tier = {i: self._digs_tier(i) for i in self._candidates(action)}
        # a tool that failed the tier below is left out: it would spend a dearer target for nothing
        return sorted((i for i in tier if tier[i] is not False), key=lambda i: i not in unlocking and not tier[i])

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

    def _likely_tools(self) -> set[str]:
        """Tools that take from the world, and items made like them not shown to fail as one."""
        tools = self._taking_tools()
        return tools | {i for i in self._made_like_tools(tools) if self.state.tool_tests.get(i) is not False}

    def _promising(self, action: str, likely: set[str] | None = None) -> bool:
        """Whether a likely tool (``likely``, default :meth:`_likely_tools`) is known that ``action`` has not been
        tried with since it last spent."""
        likely = self._likely_tools() if likely is None else likely
        held_then = self._held_when_spent(action)
        return any(i in likely and i not in held_then for i in self.state.known)

    def _spending_order(self, actions: list[str]) -> list[str]:
        """Spending actions, the most promising first: those for which a known tool, or an item made like one, is
        new since their last try; then the cheapest target first (the least game time to reach its first target:
        a target far away or deep down is the rarer one, and a cheaper one answers the same question, whether the
        new tool digs what the old could not); then those that spent fewest targets; then the library's order."""
        likely = self._likely_tools()
        rank = {a: i for i, a in enumerate(self.actions)}

        def cost(action: str) -> int:  # game time to reach its first target: a far or deep one is rarer
            return self.state.target_ticks.get(action, 0)

        return sorted(
            actions, key=lambda a: (not self._promising(a, likely), cost(a), self.state.spends.get(a, 0), rank[a])
        )
