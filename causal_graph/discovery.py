"""Causal discovery for one action by do()-interventions.

1. **Sample** the action with every known item in stock (``reset`` to that inventory, run, repeat).
2. **Propose** a hypothesis (:mod:`causal_graph.proposer`): consumed items are inputs (the data proves
   it); held-but-unconsumed items are candidate tools/stations; reproducible additions are effects.
3. **Verify and minimise** by intervention: run with only the consumed items (no tool needed?), then
   beside them the likeliest held cause alone (a station other actions need), then a binary search over
   the held candidates, oldest first, for the shortest stock that works (adaptive group testing: about
   log2(n) + 1 runs per needed item instead of n one-at-a-time removals); no stock is tested twice.
4. **Alternatives**: remove each cause in turn with everything else in stock; if the action still
   works, what it used instead (another fuel, another pickaxe) is recorded as an alternative.

Actions that report ``unreachable`` (nothing to gather in reach) are retried after exploring, a
bounded number of times: a missing target is not a missing cause.

Where the world limits how many item kinds one intervention may set (``World.capacity``: the live
game's inventory slots), "every known item" becomes the first ``capacity`` items of a priority order
(the caller's, else tools seen serving other actions and then the newest items); the outcome says
which items were stocked (``sampled``), so a learner can try again with the ones left out. Placed
things (``placed:workbench``: the world's state next to the agent, see :mod:`env.interface.world`) are
stocked, tested and learned like items, but take no slot.

Where the world caps a stack (``World.stack_limit``), an item is stocked at half its stack
(:meth:`Discoverer.stock`), so that what an action uses is there and what it adds stays visible. A world
that does not declare its caps shows them when it trims an intervention (reset info ``trimmed``: item ->
how many did not fit): the discoverer remembers what fitted as the item's cap (:attr:`Discoverer.caps`),
redoes the intervention at one less than it, and stocks the item so from then on.

**A world that weighs in.** A trial that fails for a reason the world gives that has nothing to do with
the causes (:data:`WORLD_FAILURES`, or the world took something during the step: ``Transition.lost``) is
no evidence: it is retried, a bounded number of times (``DiscoveryConfig.world_retries``). Once the world
has shown such a chance failure (:attr:`Discoverer.noisy`), no cause is accepted on one observation: a
do()-test that fails is repeated, and the majority of up to ``DiscoveryConfig.confirm`` runs decides. A
world that never shows one gets exactly one run per test.

Yields are re-checked against every later success of the action (the alternatives' trials, the trials of
:meth:`Discoverer.refine`): a learned yield a success did not add is dropped
(:func:`causal_graph.proposer.recheck_yields`).

**Trials that cost the world a target.** A failure in :data:`SPENDING_FAILURES` (``no_drop``: the target broke and
gave nothing, as ore dug without the right pickaxe) used up a block the world may have few of; one in
:data:`TOOL_FAILURES` (``no_tool`` too: the live bot leaves such a block undug) shows the action's targets need a
tool, and each success takes one. The stock of every such trial is remembered (:attr:`Discoverer.spent`): a
do()-test whose stock holds no more than one that spent a target is known to fail (more items never stop a dig), so
it is not run. For an action that has spent a target the caller may name the new items most likely to be its missing
tool (``singles`` of :meth:`Discoverer.discover`): each is tried alone first, and the first that works is both the
sample and the verified cause, one trial instead of a sample and a removal test per candidate; and the search for
alternatives can be left for later (``alternatives=False``: each of its trials would dig another target).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from causal_graph.proposer import (
    HypothesisProposer,
    OfflineProposer,
    consistent_consumption,
    recheck_yields,
    reproducible_effects,
)
from env.interface import Transition, World, is_placed
from env.interface.relation import CausalRelation, Evidence, Need

log = logging.getLogger(__name__)

EventSink = Callable[[str, dict[str, Any]], None]

# Failure reasons a world gives that have nothing to do with the action's causes, so never evidence against one:
# "unreachable" (nothing to act on within reach: exploring answers it, see Discoverer._act) and "lost_way" (the agent
# lost its way: a noisy world's chance failure). A failed step in which the world took something (Transition.lost:
# a station blown up) is world-caused too. Of these, all but "unreachable" are chance: a world that gives one is noisy.
WORLD_FAILURES = ("unreachable", "lost_way")
MAP_FAILURES = ("unreachable",)  # a fact of the map, not chance: a deterministic world gives it too
# Failures in which the world lost the action's target for nothing: "no_drop" (the block broke and dropped nothing).
SPENDING_FAILURES = ("no_drop",)
# Failures for want of the target's harvest tool: it broke for nothing ("no_drop"), or the agent left it undug
# ("no_tool": the live bot does not dig what would drop nothing). Either way the action's targets are dear: every
# success takes one, so its trials are those of a spending action (Discoverer.spent).
TOOL_FAILURES = (*SPENDING_FAILURES, "no_tool")
# How many of the likeliest held causes a discovery tries one at a time beside what the action used up, before
# group testing: a craft's station is usually the one other crafts need (one do()-test instead of a bisection).
SINGLE_TRIES = 2


def world_caused(t: Transition) -> bool:
    """Whether ``t`` failed for a reason the world caused (:data:`WORLD_FAILURES`, or something lost in the step)."""
    return not t.success and (t.reason in WORLD_FAILURES or bool(t.lost))


def spends(t: Transition) -> bool:
    """Whether ``t`` failed in a way that cost the world its target (:data:`SPENDING_FAILURES`)."""
    return not t.success and t.reason in SPENDING_FAILURES


def wants_tool(t: Transition) -> bool:
    """Whether ``t`` failed for want of its target's harvest tool (:data:`TOOL_FAILURES`)."""
    return not t.success and t.reason in TOOL_FAILURES


def shows_noise(t: Transition) -> bool:
    """Whether ``t`` is a world-caused failure that chance decided (not a fact of the map): the world is noisy."""
    return world_caused(t) and (t.reason not in MAP_FAILURES or bool(t.lost))


@dataclass(frozen=True)
class DiscoveryConfig:
    """``samples`` per action; ``stock`` count of each known item when sampling (in a world whose stacks cap,
    at most half the item's stack, see :meth:`Discoverer.stock`); ``max_detours`` explorations when a
    target is out of reach; ``max_alternatives`` per cause; ``world_retries``: how often a trial that failed for
    a reason the world caused (:func:`world_caused`) is run again before the discovery ends ``world_failed``;
    ``confirm``: in a noisy world, the most runs of one failing do()-test (the majority decides; 1: never
    repeat)."""

    samples: int = 1
    stock: int = 32
    max_detours: int = 24
    max_alternatives: int = 4
    find_alternatives: bool = True
    world_retries: int = 4
    confirm: int = 3

    def __post_init__(self) -> None:
        for name, low in (("samples", 1), ("stock", 1), ("max_detours", 0), ("world_retries", 0), ("confirm", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"DiscoveryConfig.{name} must be an integer >= {low}, got {value!r}")


@dataclass
class DiscoveryOutcome:
    """``status``: ``explained``, ``no_effect`` (nothing reproducible with the known items),
    ``unreachable`` (no target found even after exploring), ``unverified`` (the hypothesis alone
    did not reproduce the effect), ``world_failed`` (a trial kept failing for reasons the world caused)."""

    action: str
    status: str
    relation: CausalRelation | None = None
    runs: list[Transition] = field(default_factory=list)
    interventions: int = 0
    steps: int = 0
    sampled: list[str] = field(default_factory=list)  # the items stocked when sampling
    # a belief's own trial: "" none, "held" (it worked), "failed", or "known to fail" (a spent trial covered it)
    belief: str = ""
    # cause -> how many of the known items (oldest first) its search for stand-ins went through to the end
    searched: dict[str, int] = field(default_factory=dict)


WORLD_ENDED = ("unreachable", "world_failed")  # outcome statuses where the world, not the stock, ended the try


class Unreachable(Exception):
    """The action's target stayed out of reach after exploring."""


class WorldFailed(Exception):
    """A trial kept failing for reasons the world caused (``DiscoveryConfig.world_retries`` exhausted)."""


class Discoverer:
    """Runs the discovery procedure against a :class:`env.interface.World`."""

    def __init__(
        self,
        world: World,
        proposer: HypothesisProposer | None = None,
        config: DiscoveryConfig | None = None,
        on_event: EventSink | None = None,
    ) -> None:
        self.world = world
        self.proposer = proposer or OfflineProposer()
        self.config = config or DiscoveryConfig()
        self.on_event = on_event or (lambda kind, data: None)
        self.fallback = OfflineProposer()
        self._priority: list[str] = []  # which items to stock first when over capacity (per discovery)
        self._counts: dict[str, int] = {}  # how many of some items a sample stocks, in place of stock() (per discovery)
        self.noisy = False  # the world has shown a chance failure (shows_noise): confirm failing do()-tests
        self.world_failures = 0  # trials retried because the world caused their failure
        self._discovering = False  # inside discover(): it restores the agent's inventory itself, at its end
        self.caps: dict[str, int] = {}  # item -> the most of it an intervention was seen to hold (reset "trimmed")
        # action -> the stocks of its trials that failed for want of a tool (TOOL_FAILURES), the largest only
        self.spent: dict[str, list[dict[str, int]]] = {}

    # ------------------------------------------------------------------------------ running
    def _act(self, action: str) -> Transition:
        moves = self.world.movement_actions
        for detour in range(self.config.max_detours + 1):
            t = self.world.act(action)
            if t.reason != "unreachable":
                return t
            if detour < self.config.max_detours and moves:
                self.world.act(self.world.spec.movements.explore(detour))
        raise Unreachable(action)

    def _trial(self, action: str, inventory: Mapping[str, int], purpose: str, note: bool = True) -> Transition:
        """Run ``action`` from ``inventory`` (counts over a learned cap lowered, see :meth:`_within_caps`); a
        failure the world caused is retried up to ``world_retries`` times, then :class:`WorldFailed`."""
        inventory = self._within_caps(inventory)
        for attempt in range(self.config.world_retries + 1):
            if self.world.inventory() != inventory:
                self.world.intervene(inventory)
                if self._learn_caps(inventory):
                    inventory = self._within_caps(inventory)
                    self.world.intervene(inventory)
            t = self._act(action)
            event = {"action": action, "purpose": purpose, "inventory": dict(inventory), "success": t.success}
            event["step"] = t.step
            if not world_caused(t):
                self.on_event("intervention", event)
                if wants_tool(t) and note:
                    self._note_spent(action, t.before)  # what was held, after the world trimmed the stock
                return t
            self.world_failures += 1
            self.noisy = self.noisy or shows_noise(t)
            self.on_event("intervention", {**event, "world_failure": t.reason, "attempt": attempt + 1})
            log.debug("%s: the world failed the trial (%s, lost %s); again", action, t.reason, dict(t.lost))
        raise WorldFailed(action)

    def _note_spent(self, action: str, inventory: Mapping[str, int]) -> None:
        """Remember that a trial of ``action`` from ``inventory`` spent a target (kept: the stocks no other holds)."""
        stock = {i: q for i, q in inventory.items() if q > 0}
        known = self.spent.setdefault(action, [])
        if any(_within(stock, other) for other in known):
            return
        known[:] = [other for other in known if not _within(other, stock)] + [stock]

    def known_to_fail(self, action: str, inventory: Mapping[str, int]) -> bool:
        """Whether a trial of ``action`` from ``inventory`` is known to fail: some trial that spent a target held at
        least as much of everything (more items never stop a dig, so fewer do not make it work)."""
        return any(_within(inventory, stock) for stock in self.spent.get(action, ()))

    def _confirmed(self, action: str, inventory: Mapping[str, int], purpose: str, runs: list[Transition]) -> bool:
        """Whether ``action`` works from ``inventory``: one run; in a noisy world a failure is run again, and where
        the two disagree the majority of up to ``confirm`` runs decides. Every run is appended to ``runs``. A test
        :meth:`known_to_fail` is not run."""
        if self.known_to_fail(action, inventory):
            log.debug("%s: a trial with no more than %s spent a target already; not run", action, dict(inventory))
            return False
        t = self._trial(action, inventory, purpose)
        runs.append(t)
        if t.success or not self.noisy or self.config.confirm < 2:
            return t.success
        fails, wins = 1, 0
        need = self.config.confirm // 2 + 1
        while fails < need and wins < need and fails + wins < self.config.confirm:
            t = self._trial(action, inventory, purpose)
            runs.append(t)
            wins, fails = wins + t.success, fails + (not t.success)
            if fails == 2 and wins == 0:  # two failures agree: no flip, no third run
                return False
        return wins > fails

    # ---------------------------------------------------------------------------- capacity
    def stock(self, item: str) -> int:
        """How many of ``item`` a trial stocks: :attr:`DiscoveryConfig.stock`, or where the world caps the
        item's stack (``World.stack_limit``), half the stack rounded up, so that what an action adds to the
        item (up to the other half) stays visible and what it uses (up to half a stack) is there. Where the cap
        is one an intervention showed (:attr:`caps`, lower than the declared one), one less than the cap: an
        action may use all but one of a stack (a furnace takes 8 of a 9-stack), one more stays visible, and the
        count of what it adds comes from the do()-tests, which hold only what the action uses."""
        seen = self.caps.get(item)
        limit = self.cap(item)
        if seen is not None and seen == limit:
            return max(1, min(self.config.stock, seen - 1))
        return self.config.stock if limit is None else max(1, min(self.config.stock, limit - limit // 2))

    def cap(self, item: str) -> int | None:
        """The most of ``item`` the world holds as far as known: its declared stack limit, or what an intervention
        was seen to hold (:attr:`caps`), whichever is lower; None when neither is known."""
        limit = self.world.stack_limit(item) if hasattr(self.world, "stack_limit") else None
        seen = self.caps.get(item)
        return seen if limit is None else limit if seen is None else min(limit, seen)

    def room(self, item: str, held: int) -> bool:
        """Whether one more ``item`` fits beside ``held``, as far as the caps an intervention showed tell
        (:attr:`caps`). A declared stack size is no such cap: a full stack goes on in the next slot."""
        limit = self.caps.get(item)
        return limit is None or held < limit

    def _within_caps(self, inventory: Mapping[str, int]) -> dict[str, int]:
        """``inventory`` with every count over an item's learned cap lowered to the item's stock."""
        return {i: (min(q, self.stock(i)) if i in self.caps and q > self.caps[i] else q) for i, q in inventory.items()}

    def _learn_caps(self, asked: Mapping[str, int]) -> bool:
        """Remember what fitted of the items the last intervention trimmed (reset info ``trimmed``: item -> how many
        did not fit); True when a cap was learned or lowered."""
        info = getattr(self.world, "last_info", None) or {}
        trimmed = info.get("trimmed") or {}
        held = info.get("inventory") or {}
        learned = False
        for item, cut in trimmed.items():
            if item not in asked or not cut:
                continue
            fitted = int(held.get(item, asked[item] - int(cut)))
            if fitted >= 1 and fitted < self.caps.get(item, fitted + 1):
                self.caps[item] = fitted
                learned = True
                log.debug(
                    "%s: an intervention held %d, not %d; stocking %d", item, fitted, asked[item], self.stock(item)
                )
        return learned

    @property
    def capacity(self) -> int | None:
        """The most item kinds one intervention may set (None: no limit)."""
        return getattr(self.world, "capacity", None)

    def _fit(self, items: Sequence[str], priority: Sequence[str], room: int | None = None) -> list[str]:
        """``items`` as they are when they fit in ``room`` (default: the capacity), else the first
        ``room`` of them in ``priority`` order (items missing from ``priority`` last, newest first), and
        every placed thing (``placed:`` names are set next to the agent, not in the inventory)."""
        room = self.capacity if room is None else room
        held = [i for i in items if not is_placed(i)]  # placed things take no inventory slot: they always fit
        if room is None or len(held) <= room:
            return list(items)
        wanted = set(held)
        ordered = [i for i in dict.fromkeys([*priority, *reversed(items)]) if i in wanted]
        return [*ordered[: max(room, 0)], *(i for i in items if is_placed(i))]

    # ---------------------------------------------------------------------------- procedure
    def discover(
        self,
        action: str,
        known: Sequence[str],
        likely_held: Sequence[str] = (),
        priority: Sequence[str] | None = None,
        singles: Sequence[str] | Callable[[], Sequence[str]] = (),
        alternatives: bool = True,
        singles_first: bool = False,
        lower: Callable[[str, Transition], Sequence[str]] | None = None,
        belief: Sequence[str] | None = None,
        singles_only: bool = False,
        counts: Mapping[str, int] | None = None,
    ) -> DiscoveryOutcome:
        """Learn what ``action`` needs and yields, using only ``known`` items (oldest first).

        ``likely_held``: items already seen serving as tools or stations for other actions; they are
        tested first (one run keeps only them), which usually saves most of the pruning runs.
        ``priority``: which items to stock first when the world's capacity cannot hold them all
        (default: ``likely_held``, then the newest). ``singles``: likely tools, the likeliest first: where a sample
        took from the world (consumed nothing, added something), the first that was stocked is tried alone, so one
        trial verifies the cause instead of a removal test per item; with ``singles_first`` (an action whose trials
        cost the world a target) before any sample, and if it fails alone the try ends there (one target spent).
        ``alternatives``: look for alternatives to the causes now (else :meth:`refine` may later). ``lower``: asked
        with the single that worked and its trial, the other items to try alone in its place, in order (lower
        tiers: the first that works is the cause); default, where ``alternatives``, the rest of ``singles`` oldest
        first, else none. ``singles`` may be a callable, asked once, when they are first wanted (it may run trials of
        its own: tool tests on a cheaper target). ``singles_only``: with ``singles_first``, where no single is worth a
        trial the try ends without one (no sample with every known item: a trial pressed ahead of others).
        ``belief``: the items a prior believes the action needs (None: no belief); the first trial holds exactly
        them, and where it works it is the sample the do()-tests start from (``purpose`` of its ``intervention``
        event: ``belief``). ``counts``: how many of some items the sample stocks in place of :meth:`stock` (two of
        an item a slot holds one of, in a pair sweep's try)."""
        start_steps, start_iv = self.world.counters.steps, self.world.counters.interventions
        saved = self.world.inventory()
        outcome = DiscoveryOutcome(action, "no_effect")
        self._priority = list(priority) if priority is not None else list(likely_held)
        self._counts = dict(counts or {})
        self._discovering = True
        try:
            outcome = self._discover(
                action,
                list(known),
                outcome,
                list(likely_held),
                singles=_once(lambda: [i for i in (singles() if callable(singles) else singles) if i in known]),
                alternatives=alternatives,
                singles_first=singles_first,
                lower=lower,
                belief=None if belief is None else [i for i in belief if i in known],
                singles_only=singles_only,
            )
        except Unreachable:
            outcome.status = "unreachable"
        except WorldFailed:
            outcome.status, outcome.relation = "world_failed", None
        finally:
            self._discovering = False
            if self.world.inventory() != saved:
                self.world.intervene(saved)
        outcome.steps = self.world.counters.steps - start_steps
        outcome.interventions = self.world.counters.interventions - start_iv
        return outcome

    def _discover(
        self,
        action: str,
        known: list[str],
        outcome: DiscoveryOutcome,
        likely_held: Sequence[str] = (),
        singles: Callable[[], list[str]] = list,
        alternatives: bool = True,
        singles_first: bool = False,
        lower: Callable[[str, Transition], Sequence[str]] | None = None,
        belief: Sequence[str] | None = None,
        singles_only: bool = False,
    ) -> DiscoveryOutcome:
        verified: set[tuple[str, ...]] = set()
        if lower is None and alternatives:
            lower = lambda item, _added: list(reversed(singles()[singles().index(item) + 1 :]))  # noqa: E731
        samples: list[Transition] = []
        believed = {item: self.stock(item) for item in belief or ()}
        if belief is not None and self.known_to_fail(action, believed):
            outcome.belief = "known to fail"
        elif belief is not None:
            # a trial holding exactly what is believed to be needed: where it works, it is the sample
            t = self._trial(action, believed, "belief")
            outcome.runs.append(t)
            outcome.belief = "held" if t.success else "failed"
            if t.success:
                samples, outcome.sampled = [t], list(belief)
                verified.add(tuple(sorted(belief)))  # the do() of exactly the believed needs: they suffice
        if not samples:
            samples = self._singles(action, singles(), outcome, lower) if singles_first else []
            if samples is None:  # the likeliest tool failed alone
                outcome.sampled = singles()[:1]
                return outcome
            if samples:
                verified.add(tuple(outcome.sampled))  # it worked alone: the do()-test of exactly this cause
            elif singles_only:  # no likely tool to try alone, and no sample with every known item wanted
                return outcome
            else:
                stock = {item: self._counts.get(item) or self.stock(item) for item in self._fit(known, self._priority)}
                outcome.sampled = list(stock)
                with self.world.counters.parallel():  # the N samples are independent: N copies may run them at once
                    for _ in range(self.config.samples):
                        with self.world.counters.branch():
                            t = self._trial(action, stock, "sample")
                        samples.append(t)
                        if not t.success:
                            break
                outcome.runs.extend(samples)
                if samples[-1].success and not samples[-1].consumed and samples[-1].added and singles():
                    # it took from the world: a likely tool alone verifies it in one trial, not a removal test per item
                    stocked = list(outcome.sampled)
                    alone = self._singles(action, [i for i in singles() if i in stocked], outcome, lower)
                    if alone:
                        samples = alone
                        verified.add(tuple(outcome.sampled))  # the do()-test of exactly this cause
                    outcome.sampled = stocked
        if not samples[-1].success:
            return outcome
        hyp = self._propose(action, samples, known)
        if hyp is None:
            return outcome
        self.on_event("hypothesis", {"action": action, "source": hyp.source, **_hyp_dict(hyp)})

        core = list(outcome.runs)
        answers: dict[frozenset[str], bool] = {}  # held set -> whether the do()-test worked: none is run twice
        for stock in verified:  # a belief's or a single's trial held exactly these, and worked
            answers[frozenset(i for i in stock if i not in hyp.consumed)] = True

        def works(held: Sequence[str]) -> bool:
            key = frozenset(held)
            if key not in answers:
                answers[key] = self._confirmed(action, {**hyp.consumed, **{i: 1 for i in held}}, "do", core)
            if answers[key]:
                verified.add(tuple(held))
            return answers[key]

        kept: list[str] = []
        if not works(()):
            likely = [i for i in dict.fromkeys([*hyp.likely, *likely_held]) if i in hyp.held]
            single = self._single_cause(likely, works) if hyp.consumed else None
            if single is not None:
                kept = [single]
            elif likely and len(likely) < len(hyp.held) and works(likely):
                kept = self._minimise([i for i in hyp.held if i in likely], works)
            else:
                kept = self._minimise(list(hyp.held), works)
        sufficient = tuple(kept) in verified or tuple(sorted([*kept, *hyp.consumed])) in verified
        if not sufficient and not works(kept):
            # sufficiency: exactly the hypothesis must reproduce the effect
            outcome.runs = core
            outcome.status = "unverified"
            return outcome
        consumed = consistent_consumption(core)
        effects, ranges = reproducible_effects(core, self.room if self.caps else None)
        outcome.runs = core
        if not effects:
            return outcome
        found: dict[str, tuple[str, ...]] = {}
        tested = len(core)  # the alternatives' trials come after
        if self.config.find_alternatives and alternatives:
            varying = {i for i, r in ranges.items() if r[0] != r[1]}
            found = self._alternatives(
                action, consumed, kept, known, outcome.runs, effect=(effects, varying), searched=outcome.searched
            )
        if self.noisy:  # a success without a kept cause (nor any alternative of it) outweighs the failures
            kept = [i for i in kept if not _worked_without(action, i, consumed, kept, found, outcome.runs)]
        needs = {i: Need(q, True, found.get(i, ())) for i, q in consumed.items()}
        needs.update({i: Need(1, False, found.get(i, ())) for i in kept})
        wins = sum(1 for t in core if t.success)
        relation = CausalRelation(
            action,
            needs,
            effects,
            {i: r for i, r in ranges.items() if r[0] != r[1]},
            Evidence(samples=len(samples), interventions=len(core) - len(samples), confirmations=wins),
            confidence=wins / len(core),
        )
        relation = recheck_yields(relation, outcome.runs[tested:], self.room)  # the alternatives' successes
        outcome.relation, outcome.status = relation, "explained"
        self.on_event("relation", relation.to_dict())
        return outcome

    def _singles(
        self,
        action: str,
        singles: Sequence[str],
        outcome: DiscoveryOutcome,
        lower: Callable[[str, Transition], Sequence[str]] | None = None,
    ) -> list[Transition] | None:
        """Try ``action`` with the first of ``singles`` (likely tools, the likeliest first) alone. Where it works, the
        items ``lower`` names for it (lower tiers worth a trial, in order; none without ``lower``) are tried alone,
        and the first that works is the cause instead (the newer one may be found as its alternative later):
        returns ``[the run that worked]`` (``outcome.sampled`` names its item). Where it fails, None: the try ends
        there (the likeliest tool failed; one target spent, not more). ``[]`` when no single is worth a trial (none,
        or the first :meth:`known_to_fail`). Every run goes into ``outcome.runs``."""
        if not singles:
            return []
        t = self._alone(action, singles[0], outcome)
        if t is None:
            return []
        if not t.success:
            return None
        item = singles[0]
        for candidate in lower(item, t) if lower is not None else ():
            other = self._alone(action, candidate, outcome)
            if other is not None and other.success:
                item, t = candidate, other
                break
        outcome.sampled = [item]
        return [t]

    def _alone(self, action: str, item: str, outcome: DiscoveryOutcome) -> Transition | None:
        """One trial of ``action`` with ``item`` alone (None: known to fail, not run)."""
        inventory = {item: self.stock(item)}
        if self.known_to_fail(action, inventory):
            return None
        t = self._trial(action, inventory, "single")
        outcome.runs.append(t)
        return t

    def probe(self, action: str, inventory: Mapping[str, int], purpose: str = "explore") -> Transition | None:
        """Run ``action`` once from ``inventory`` (to see what it brings now: lifelong exploration; or whether an item
        serves as its tool: ``purpose="tool_test"``), the inventory restored afterwards; None when its target stayed
        out of reach or the world kept failing it. Inside :meth:`discover` (a tool test its likely tools asked for) the
        inventory is left as it is: discover restores the agent's own at its end, and the sample's may not fit an
        intervention."""
        saved = self.world.inventory()
        try:
            return self._trial(action, inventory, purpose, note=False)  # a learned action: no spending try
        except (Unreachable, WorldFailed):
            return None
        finally:
            if not self._discovering and self.world.inventory() != saved:
                self.world.intervene(saved)

    def _propose(self, action: str, samples: list[Transition], known: list[str]):
        hyp = self.proposer.propose(action, samples, known)
        if hyp is None and self.proposer is not self.fallback:
            self.on_event("hypothesis_fallback", {"action": action, "reason": "proposer gave no hypothesis"})
            hyp = self.fallback.propose(action, samples, known)
        return hyp

    @staticmethod
    def _single_cause(likely: Sequence[str], works: Callable[[Sequence[str]], bool]) -> str | None:
        """For an action that used items up and did not work with them alone: the first of the :data:`SINGLE_TRIES`
        likeliest held causes (a station other actions need, the most used first) that makes it work beside them,
        one do()-test each; None when none does (group testing then finds the causes)."""
        return next((item for item in likely[:SINGLE_TRIES] if works([item])), None)

    @staticmethod
    def _minimise(held: list[str], works: Callable[[Sequence[str]], bool]) -> list[str]:
        """The held candidates needed, found by binary search over prefixes of ``held`` (oldest first): the shortest
        prefix that works ends with a needed item (kept); then the search goes on among the items before it, beside
        the kept ones, until those alone work. About log2(n) + 1 do()-tests per needed item (removing halves and
        testing both costs about twice that), and where several items serve alike the oldest is kept (the lowest
        tier: a wooden pickaxe rather than an iron one).

        ``works(held)`` is known to be True for the full list and False for the empty one (asking it again of a set
        it has answered costs no trial: the caller remembers)."""
        kept: list[str] = []
        pool = list(held)  # works(kept + pool) holds
        while pool and not works(kept):
            low, high = 1, len(pool)  # the shortest working prefix has a length in [low, high]
            while low < high:
                mid = (low + high) // 2
                if works([*kept, *pool[:mid]]):
                    high = mid
                else:
                    low = mid + 1
            kept.append(pool[low - 1])
            pool = pool[: low - 1]
        return sorted(kept, key=held.index)

    def refine(
        self,
        relation: CausalRelation,
        known: Sequence[str],
        causes: Sequence[str],
        priority: Sequence[str] | None = None,
        searched: Mapping[str, int] | None = None,
    ) -> DiscoveryOutcome:
        """Look again for alternatives to some causes of an explained action, with the items known now
        (an ingredient first seen only as a by-product may have a substitute the agent can make).
        ``priority`` as for :meth:`discover`; ``searched``: cause -> how many of ``known`` (oldest first) an earlier
        search went through to the end: only the items after them are tried (in a deterministic world an item that
        did not serve then does not now); the outcome's ``searched`` says how far this one went."""
        start_steps, start_iv = self.world.counters.steps, self.world.counters.interventions
        saved = self.world.inventory()
        self._priority = list(priority or ())
        outcome = DiscoveryOutcome(relation.action, "explained", relation)
        try:
            found = self._alternatives(
                relation.action,
                relation.consumed(),
                list(relation.held()),
                list(known),
                outcome.runs,
                only=causes,
                already={cause: need.alternatives for cause, need in relation.needs.items()},
                effect=(relation.yields, set(relation.yield_range)),
                searched=outcome.searched,
                skip=searched,
            )
        except (Unreachable, WorldFailed):
            found = {}
        finally:
            if self.world.inventory() != saved:
                self.world.intervene(saved)
        needs = dict(relation.needs)
        for cause, alts in found.items():
            old = needs[cause]
            needs[cause] = Need(old.quantity, old.consumed, tuple(dict.fromkeys((*old.alternatives, *alts))))
        outcome.relation = recheck_yields(replace(relation, needs=needs), outcome.runs, self.room)
        outcome.steps = self.world.counters.steps - start_steps
        outcome.interventions = self.world.counters.interventions - start_iv
        if found or outcome.relation.yields != relation.yields:
            if outcome.relation.yields != relation.yields:
                log.info(
                    "%s: yields %s re-checked to %s",
                    relation.action,
                    dict(relation.yields),
                    dict(outcome.relation.yields),
                )
            self.on_event("relation", outcome.relation.to_dict())
        return outcome

    def _alternatives(
        self,
        action: str,
        consumed: dict[str, int],
        kept: list[str],
        known: list[str],
        runs: list[Transition],
        only: Sequence[str] | None = None,
        already: Mapping[str, Sequence[str]] | None = None,
        effect: tuple[Mapping[str, int], set[str]] = ({}, set()),
        searched: dict[str, int] | None = None,
        skip: Mapping[str, int] | None = None,
    ) -> dict[str, tuple[str, ...]]:
        """For each cause (or each of ``only``), the other known items seen to serve in its place; those ``already``
        found for a cause are not looked for again (a refine after a new item finds only new ones). ``effect``: the
        learned yields and those of them that vary; a stand-in serves only where the action yields the same (nine
        ingots from a block are another way to craft an ingot, not a stand-in for nine nuggets). ``skip``: cause ->
        how many of ``known`` (oldest first) not to try again; ``searched`` gets, per cause, how many of ``known`` its
        search went through to the end (a search cut short by ``max_alternatives`` or by room is not recorded)."""
        out: dict[str, tuple[str, ...]] = {}
        causes = set(consumed) | set(kept)
        with self.world.counters.parallel():  # the searches for different causes are independent
            for cause in [*consumed, *kept]:
                if only is not None and cause not in only:
                    continue
                fresh = known[(skip or {}).get(cause, 0) :]
                done = (already or {}).get(cause, ())
                with self.world.counters.branch():
                    found, complete = self._alternatives_of(
                        action, cause, consumed, kept, fresh, causes, runs, done, effect
                    )
                if complete and searched is not None:
                    searched[cause] = len(known)
                if found:
                    out[cause] = tuple(found)
        return out

    def _alternatives_of(
        self,
        action: str,
        cause: str,
        consumed: dict[str, int],
        kept: list[str],
        known: list[str],
        causes: set[str],
        runs: list[Transition],
        already: Sequence[str] = (),
        effect: tuple[Mapping[str, int], set[str]] = ({}, set()),
    ) -> tuple[list[str], bool]:
        """The known items seen to serve in place of ``cause`` (each found one is excluded next); in place of a
        used-up cause, with the same ``effect`` (:meth:`_alternatives`): a success that used up something else and
        yields otherwise shows another way (a recipe's output is fixed; a dig's varies with what the way there
        breaks), whose items are excluded. Also whether the search went through every candidate.

        Where the world's capacity cannot stock every candidate at once, a failed trial rules out only
        the candidates it stocked: the next trial stocks the next ones, until every candidate has been in
        a trial (the learner records the search as done with every known item)."""
        # the action's own yield never shows standing in (one taken, one given: charcoal burnt to make charcoal)
        excluded = {cause, *already, *effect[0]}
        ruled_out: set[str] = set()
        found: list[str] = []
        base = {i: q for i, q in consumed.items() if i != cause}
        base.update({i: 1 for i in kept if i != cause})
        room = None if self.capacity is None else self.capacity - sum(1 for i in base if not is_placed(i))
        successes = 0
        while successes < self.config.max_alternatives:
            candidates = [i for i in known if i not in causes and i not in excluded and i not in ruled_out]
            if not candidates:  # every candidate tried (or none new since the last search)
                return found, True
            stocked = self._fit(candidates, self._priority, room)
            if not stocked:  # no room beside the other causes
                return found, False
            others = {i: self.stock(i) for i in stocked}
            t = self._trial(action, {**others, **base}, "alternative")
            runs.append(t)
            if not t.success:
                if len(stocked) < len(candidates):  # over capacity: try the candidates not stocked yet
                    ruled_out.update(stocked)
                    continue
                return found, True
            successes += 1
            if cause in consumed:
                new = [i for i in t.consumed if i not in consumed]
                if new and not same_effect(t, effect):  # another way: its inputs stand in for nothing here
                    log.debug("%s: %s yield otherwise (%s): another way, not for %s", action, new, t.added, cause)
                    excluded.update(new)
                    continue
                if len(new) > 1 or any(i not in t.consumed for i in base if i in consumed):
                    # more than the cause was swapped (coal for charcoal beside oak wood for logs): which one alone
                    # stands in for the cause, with the other inputs used up
                    new = self._which_one(action, base, new, runs)
            else:
                new = self._which_one(action, base, [i for i in others if i not in t.consumed], runs)
            if not new:
                return found, False
            found.extend(new)
            excluded.update(new)
        return found, False

    def _which_one(self, action: str, base: dict[str, int], candidates: list[str], runs: list[Transition]) -> list[str]:
        """Bisect ``candidates`` for one item that makes the action work on top of ``base`` (verified), each stocked as
        a try stocks it (three oak wood stand in for three logs; one would not)."""
        while len(candidates) > 1:
            half = candidates[: len(candidates) // 2]
            t = self._trial(action, {**base, **{i: self.stock(i) for i in half}}, "alternative")
            runs.append(t)
            candidates = half if t.success else candidates[len(candidates) // 2 :]
        if not candidates:
            return []
        t = self._trial(action, {**base, candidates[0]: self.stock(candidates[0])}, "alternative")
        runs.append(t)
        return candidates if t.success else []


def same_effect(t: Transition, effect: tuple[Mapping[str, int], set[str]]) -> bool:
    """Whether ``t`` added each learned yield of ``effect`` (yields, those that vary): a fixed yield in its
    learned count, a varying one at all. No learned yields: any effect."""
    yields, varying = effect
    return all(t.added.get(i, 0) == q or (i in varying and t.added.get(i, 0) > 0) for i, q in yields.items())


def _worked_without(
    action: str,
    cause: str,
    consumed: Mapping[str, int],
    kept: Sequence[str],
    alternatives: Mapping[str, Sequence[str]],
    runs: Sequence[Transition],
) -> bool:
    """Whether some success of ``action`` in ``runs`` held neither ``cause`` nor any of its alternatives, and
    nothing but the other causes and their alternatives (so nothing unnamed could have served in its place)."""
    allowed = {*consumed, *kept, *(a for alts in alternatives.values() for a in alts)} - {
        cause,
        *alternatives.get(cause, ()),
    }
    return any(t.success and t.action == action and {i for i, n in t.before.items() if n} <= allowed for t in runs)


def _once(make: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """``make``, called at most once: its list, every time after the first."""
    made: list[list[str]] = []

    def get() -> list[str]:
        if not made:
            made.append(make())
        return made[0]

    return get


def _within(inventory: Mapping[str, int], stock: Mapping[str, int]) -> bool:
    """Whether ``stock`` holds at least as much of every item of ``inventory`` (counts of 0 ignored)."""
    return all(q <= stock.get(i, 0) for i, q in inventory.items() if q > 0)


def _hyp_dict(hyp) -> dict[str, Any]:
    return {
        "effects": dict(hyp.effects),
        "consumed": dict(hyp.consumed),
        "held": list(hyp.held),
        "likely": list(hyp.likely),
    }
