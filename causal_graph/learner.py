"""What to learn next: no unlock table, only what the agent has seen.

The agent knows its actions' names, not their requirements. An unexplained action is worth trying
when the agent knows items it has not tried it with; learning ends when every action is explained
or has been tried with every item the agent could obtain.

When the world's interventions hold fewer item kinds than the agent knows (``World.capacity``), a
try stocks the most promising ones (:meth:`Learner.priority`: a few not yet tried with this action,
the causes of learned relations, then the newest) and the action stays worth trying until every
known item has been in one of its tries.

**Noise.** Once the world has shown a chance failure (:attr:`LearnerState.noisy`: a discovery trial or a
transition passed to :meth:`Learner.check` failed for a reason the world caused), an action whose try ended
``no_effect``, ``unverified`` or ``world_failed`` is tried again later (after the actions with new items), up
to ``noisy_tries`` tries with the same items: one unlucky sample is not final. A world that never shows
one is learned exactly as before.

**Trials that cost the world a target** (:mod:`causal_graph.spending`) and **exploring for new items**
(:mod:`causal_graph.exploring`) are the learner's too, each in its own module (a mixin of :class:`Learner`).

**Yields re-checked.** :meth:`Learner.check` takes any later transition (the controller's own steps): a
success of a learned action that did not add a learned yield drops it (a by-product the discovery runs
happened to share, :func:`causal_graph.proposer.recheck_yields`).
"""

from __future__ import annotations

import logging
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from causal_graph.beliefs import Beliefs
from causal_graph.discovery import WORLD_ENDED, Discoverer, DiscoveryOutcome, shows_noise, spends, wants_tool
from causal_graph.exploring import EXPLORE_PATIENCE, Exploring
from causal_graph.graph import CausalGraph
from causal_graph.proposer import recheck_yields
from causal_graph.spending import SpendingTrials
from causal_graph.sweeps import PairSweeps
from env.interface import Transition

log = logging.getLogger(__name__)
# More actions than this waiting for a retry (each failed, each with items new since): the most promising spending
# action goes ahead of them (:meth:`Learner.worth_trying`). ADAM's 41 never has more than 32 waiting (seeds 0-9, every
# variant): its runs are unchanged; the overworld's had ~200, and its spending actions waited ~10 000 steps.
RETRIES_WAIT = 48


@dataclass
class LearnerState:
    """Serializable state of the curriculum (goes into the run checkpoint)."""

    known: list[str] = field(default_factory=list)  # items seen, oldest first
    tried_with: dict[str, list[str]] = field(default_factory=dict)  # action -> known items at last try
    status: dict[str, str] = field(default_factory=dict)  # action -> last discovery status
    refined_with: dict[str, list[str]] = field(default_factory=dict)  # action -> known items at last refine
    # True once the goals are reached: look for alternatives to every cause, not only those the agent cannot make
    completing: bool = False
    noisy: bool = False  # the world has shown a chance failure: single outcomes are not final
    tries: dict[str, int] = field(default_factory=dict)  # action -> tries in a row with the same items (noisy only)
    caps: dict[str, int] = field(default_factory=dict)  # item -> what an intervention was seen to hold of it
    # action -> the stocks of its trials that spent a target (Discoverer.spent), and how many trials did
    spent: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    spends: dict[str, int] = field(default_factory=dict)
    # action -> game ticks its first trial that reached a target took (dug it or broke it): how far or deep it lies
    target_ticks: dict[str, int] = field(default_factory=dict)
    # where the agent stood before its first trial, and action -> how far from there its first target lay (blocks):
    # unlike game time, not shortened by a tunnel an earlier trial dug nearby
    origin: list[int] | None = None
    target_reach: dict[str, int] = field(default_factory=dict)
    explore_left: list[str] = field(default_factory=list)  # actions left in this round of exploring
    dry_rounds: int = 0  # rounds of exploring in a row that brought no new item
    explore_rounds: int = 0  # rounds of exploring so far
    explored: int = 0  # exploring trials so far
    explore_gone: list[str] = field(default_factory=list)  # actions whose exploring trial found no target in reach
    tool_tests: dict[str, bool] = field(default_factory=dict)  # item -> whether it served as the proxy's tool
    # action -> item -> whether it served alone as that action's tool (a newer tool tried on a tier's frontier)
    tier_tests: dict[str, dict[str, bool]] = field(default_factory=dict)
    last_stocked: dict[str, list[str]] = field(default_factory=dict)  # action -> what its last try stocked (capacity)
    # action -> what its tries stocked since one stocked an item new to it (capacity): each known item must have been
    # in a try beside the newest ones (an old item may be needed with a new one: a wooden shovel beside diamonds)
    since_new: dict[str, list[str]] = field(default_factory=dict)
    # action -> the items new to it that started that coverage: held in every try of it (a chest beside a minecart)
    newcomers: dict[str, list[str]] = field(default_factory=dict)
    # sweeps (causal_graph.sweeps): action -> the items of its sweep under way (those held in every try first),
    # how many of its tries are done, and, for the actions whose last sweep is over, how many items it went over
    sweep_items: dict[str, list[str]] = field(default_factory=dict)
    sweep_done: dict[str, int] = field(default_factory=dict)
    swept: dict[str, int] = field(default_factory=dict)
    # action -> cause -> how many known items (oldest first) its last full search for stand-ins went through: a
    # refine tries only the items after them (a deterministic world's answer does not change)
    searched: dict[str, dict[str, int]] = field(default_factory=dict)
    beliefs_confirmed: list[str] = field(default_factory=list)  # actions whose belief a trial confirmed (beliefs)
    beliefs_refuted: list[str] = field(default_factory=list)  # actions whose belief a trial refuted

    def to_dict(self) -> dict:
        data = {
            "known": list(self.known),
            "tried_with": dict(self.tried_with),
            "status": dict(self.status),
            "refined_with": dict(self.refined_with),
            "completing": self.completing,
        }
        if self.noisy:  # written only when used: a deterministic world's checkpoint reads as before
            data["noisy"] = True
        if self.tries:
            data["tries"] = dict(self.tries)
        if self.caps:
            data["caps"] = dict(self.caps)
        if self.explored:
            data["explore"] = {
                "left": list(self.explore_left),
                "dry_rounds": self.dry_rounds,
                "trials": self.explored,
                "rounds": self.explore_rounds,
                "gone": list(self.explore_gone),
            }
        if self.tool_tests:
            data["tool_tests"] = dict(self.tool_tests)
        if self.tier_tests:
            data["tier_tests"] = {a: dict(items) for a, items in self.tier_tests.items()}
        if self.last_stocked:
            data["last_stocked"] = {a: list(items) for a, items in self.last_stocked.items()}
        if self.since_new:
            data["since_new"] = {a: list(items) for a, items in self.since_new.items()}
        if self.newcomers:
            data["newcomers"] = {a: list(items) for a, items in self.newcomers.items()}
        if self.spent:
            data["spent"] = {a: [dict(stock) for stock in stocks] for a, stocks in self.spent.items()}
            data["spends"] = dict(self.spends)
        if self.target_ticks:
            data["target_ticks"] = dict(self.target_ticks)
        if self.origin is not None:
            data["origin"] = list(self.origin)
        if self.target_reach:
            data["target_reach"] = dict(self.target_reach)
        if self.searched:
            data["searched"] = {a: dict(causes) for a, causes in self.searched.items()}
        if self.sweep_items or self.swept:
            data["sweeps"] = {
                "items": {a: list(items) for a, items in self.sweep_items.items()},
                "done": dict(self.sweep_done),
                "swept": dict(self.swept),
            }
        if self.beliefs_confirmed or self.beliefs_refuted:
            data["beliefs"] = {"confirmed": list(self.beliefs_confirmed), "refuted": list(self.beliefs_refuted)}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> LearnerState:
        explore = data.get("explore") or {}
        sweeps = data.get("sweeps") or {}
        return cls(
            known=list(data.get("known", [])),
            tried_with=dict(data.get("tried_with", {})),
            status=dict(data.get("status", {})),
            refined_with=dict(data.get("refined_with", {})),
            completing=bool(data.get("completing", False)),
            noisy=bool(data.get("noisy", False)),
            tries={str(k): int(v) for k, v in (data.get("tries") or {}).items()},
            caps={str(k): int(v) for k, v in (data.get("caps") or {}).items()},
            spent={
                str(a): [{str(i): int(q) for i, q in stock.items()} for stock in stocks]
                for a, stocks in (data.get("spent") or {}).items()
            },
            spends={str(k): int(v) for k, v in (data.get("spends") or {}).items()},
            target_ticks={str(k): int(v) for k, v in (data.get("target_ticks") or {}).items()},
            origin=[int(c) for c in data["origin"]] if data.get("origin") else None,
            target_reach={str(k): int(v) for k, v in (data.get("target_reach") or {}).items()},
            explore_left=[str(a) for a in explore.get("left", [])],
            dry_rounds=int(explore.get("dry_rounds", 0)),
            explore_rounds=int(explore.get("rounds", 0)),
            explored=int(explore.get("trials", 0)),
            explore_gone=[str(a) for a in explore.get("gone", [])],
            tool_tests={str(k): bool(v) for k, v in (data.get("tool_tests") or {}).items()},
            tier_tests={
                str(a): {str(i): bool(v) for i, v in items.items()}
                for a, items in (data.get("tier_tests") or {}).items()
            },
            last_stocked={str(a): [str(i) for i in items] for a, items in (data.get("last_stocked") or {}).items()},
            since_new={str(a): [str(i) for i in items] for a, items in (data.get("since_new") or {}).items()},
            newcomers={str(a): [str(i) for i in items] for a, items in (data.get("newcomers") or {}).items()},
            sweep_items={str(a): [str(i) for i in items] for a, items in sweeps.get("items", {}).items()},
            sweep_done={str(a): int(n) for a, n in sweeps.get("done", {}).items()},
            swept={str(a): int(n) for a, n in sweeps.get("swept", {}).items()},
            searched={
                str(a): {str(c): int(n) for c, n in causes.items()}
                for a, causes in (data.get("searched") or {}).items()
            },
            beliefs_confirmed=[str(a) for a in (data.get("beliefs") or {}).get("confirmed", [])],
            beliefs_refuted=[str(a) for a in (data.get("beliefs") or {}).get("refuted", [])],
        )


RETRY_STATUSES = ("no_effect", "unverified", "world_failed")  # outcomes a noisy world may have caused


class Learner(SpendingTrials, Exploring, Beliefs, PairSweeps):
    """Chooses the next action to learn and grows the graph with :class:`Discoverer` outcomes."""

    def __init__(
        self,
        discoverer: Discoverer,
        graph: CausalGraph,
        actions: Sequence[str],
        state: LearnerState | None = None,
        on_outcome: Callable[[DiscoveryOutcome], None] | None = None,
        order_seed: int = 0,
        noisy_tries: int = 2,
        explore_patience: int = EXPLORE_PATIENCE,
        beliefs: CausalGraph | None = None,
        goals: Sequence[str] = (),
        belief_sources: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(noisy_tries, bool) or not isinstance(noisy_tries, int) or noisy_tries < 1:
            raise ValueError(f"noisy_tries must be a positive integer, got {noisy_tries!r}")
        if isinstance(explore_patience, bool) or not isinstance(explore_patience, int) or explore_patience < 0:
            raise ValueError(f"explore_patience must be an integer >= 0, got {explore_patience!r}")
        self.discoverer = discoverer
        self.beliefs = beliefs  # beliefs: what to try first and with what stock (causal_graph.beliefs)
        self.belief_sources = dict(belief_sources or {})  # action -> where its belief comes from (default: prior)
        self.goals = list(goals)  # the goal items a prior's route leads to
        self.noisy_tries = noisy_tries
        self.explore_patience = explore_patience
        self.graph = graph
        # The library's order must not act as an unlock table: try actions in a seeded random order.
        self.actions = [a for a in actions if a not in discoverer.world.movement_actions]
        random.Random(order_seed).shuffle(self.actions)
        self.state = state or LearnerState()
        self._pressed: dict[str, int] = {}  # action -> how many items were known when pressed without a trial
        self.on_outcome = on_outcome or (lambda o: None)
        for action in self.actions:
            graph.add_action(action)
        discoverer.noisy = discoverer.noisy or self.state.noisy
        discoverer.caps.update(self.state.caps)
        for action, stocks in self.state.spent.items():
            discoverer.spent.setdefault(action, [dict(stock) for stock in stocks])

    def observe(self, items: Iterable[str]) -> None:
        known = self.state.known
        for item in items:
            if item not in known:
                known.append(item)

    def observe_transition(self, t: Transition) -> None:
        self.observe(t.after)

    def worth_trying(self) -> list[str]:
        """Unexplained actions not yet tried with every known item; in a noisy world, then those whose last try
        may have been the world's doing (:data:`RETRY_STATUSES`), until ``noisy_tries`` tries with the same items.
        Spending actions (:mod:`causal_graph.spending`) are held back: the one with the cheapest target goes after the
        actions never tried where a likely tool is new to it (:meth:`pressing`); only when nothing cheap is left,
        the most promising one alone (with new items, or a likely tool it has not tried alone). With a trusted
        believed route (:meth:`route`), the route orders the trials, a spending action on it among them as soon as its
        believed tool is known (its belief trial holds exactly that tool)."""
        fresh, cheap, again = self._cheap()
        if cheap or again:
            route = self.route()
            if route:  # a trusted route orders the trials itself: a spending action on it too, once its belief can be
                # held (a trial holding exactly the believed tool, as a pressed one; seed 0 of random:3 had waited 90
                # steps to dig stone with the wooden pickaxe the prior named, its first sample having failed without)
                ready = [
                    a
                    for a in self.actions  # the library's order: the route is a dict built from sets
                    if a in route
                    and self.spending(a)
                    and self.belief_stock(a) is not None
                    and self.state.status.get(a) not in WORLD_ENDED  # not the world's failure again
                ]
                return self.goal_directed([*cheap, *ready], route) + again if ready else cheap + again
            pressing = self.pressing()
            if pressing:  # after the actions never tried, before the retries
                tried = self.state.tried_with
                first = [a for a in cheap if a not in tried]
                return [*first, *pressing, *(a for a in cheap if a in tried), *again]
            if self._only_many_retries(cheap, again):
                # only retries are left: the most promising spending action goes first, so the retries of every
                # action that failed wait for what it brings and cover it in one try each (at the overworld's size,
                # each item a retry made sent ~100 failed actions back for a retry of one new item, and the spending
                # actions that open the next tier waited behind ~10 000 of them)
                return [*self._next_spending(fresh, promising=True), *cheap, *again]
            return cheap + again
        ordered = self._next_spending(fresh)
        if ordered:
            return ordered
        sweeping = self.sweeping()[:1]  # nothing else left: a sweep's try of an action that never worked
        if sweeping and sweeping[0] not in self.state.sweep_items:
            self.start_sweep(sweeping[0])
        return sweeping

    def _only_many_retries(self, cheap: list[str], again: list[str]) -> bool:
        """Whether the cheap actions worth a try are all retries, and more than :data:`RETRIES_WAIT` of them."""
        return not again and len(cheap) > RETRIES_WAIT and all(a in self.state.tried_with for a in cheap)

    def _next_spending(self, fresh: list[str], promising: bool = False) -> list[str]:
        """The most promising spending action worth a try (:meth:`_spending_order`), if any: one with items new since
        its last try (``fresh``) or a likely tool not tried alone yet (none after a try the world ended: out of reach,
        or failing it). With ``promising``, only one never tried or with a likely tool new to it, and none the world
        ended (a try spends a target: a new flower is no reason to dig another ore)."""
        spending = [
            a
            for a in self.actions
            if self.spending(a) and (a in fresh or (self.singles(a) and self.state.status.get(a) not in WORLD_ENDED))
        ]
        if promising:
            likely = self._likely_tools()
            spending = [
                a
                for a in spending
                if self.state.status.get(a) not in WORLD_ENDED
                and (a not in self.state.tried_with or self._promising(a, likely))
            ]
        return self._spending_order(spending)[:1]

    def _cheap(self) -> tuple[list[str], list[str], list[str]]:
        """The unexplained actions with items new since their last try (``fresh``), those of them that are not
        spending, in the order they are worth trying (``cheap``), and in a noisy world the retries (``again``)."""
        known = set(self.state.known)
        since_new = self.state.since_new
        fresh = [
            a
            for a in self.actions
            if not self.graph.explained(a)
            and (
                a not in self.state.tried_with
                or known - set(self.state.tried_with[a])
                or (a in since_new and known - set(since_new[a]))
            )
        ]
        # the most items new since its last try first (never tried: first of all): an action that just failed waits
        # while others have more to try, and meanwhile more items come, so one retry covers several
        tried = self.state.tried_with
        newness = {a: len(known) + 1 if a not in tried else len(known - set(tried[a])) for a in fresh}
        fresh.sort(key=lambda a: -newness[a])
        cheap = self.goal_directed(a for a in fresh if not self.spending(a))
        again = []
        if self.state.noisy:
            again = [
                a
                for a in self.actions
                if a not in fresh
                and not self.graph.explained(a)
                and not self.spending(a)
                and self.state.status.get(a) in RETRY_STATUSES
                and self.state.tries.get(a, 1) < self.noisy_tries
            ]
        return fresh, cheap, again

    def check(self, t: Transition) -> list[str]:
        """Weigh a transition seen after learning (the controller calls this with each of its own steps): a chance
        failure the world caused marks the world noisy; a success of a learned action that did not add a learned
        yield (where the stack had room) drops that yield, a smaller count lowers it, with a ``relation`` event.
        Returns the yields dropped or lowered (empty: the graph is unchanged)."""
        if shows_noise(t) and not self.state.noisy:
            log.info(
                "%s failed for a reason the world caused (%s): from now on no single outcome is final",
                t.action,
                t.reason,
            )
            self.state.noisy = self.discoverer.noisy = True
        rel = self.graph.relation(t.action)
        if rel is None or not t.success:
            return []
        checked = recheck_yields(rel, [t], self.discoverer.room)
        if checked is rel:
            return []
        changed = sorted(i for i, q in rel.yields.items() if checked.yields.get(i) != q)
        log.info("%s: yields %s re-checked to %s", t.action, dict(rel.yields), dict(checked.yields))
        self.graph.set_relation(checked)
        self.discoverer.on_event("relation", {**checked.to_dict(), "recheck": True})  # not a discovery: no trial
        return changed

    def done(self) -> bool:
        return not self.worth_trying()

    def unmakeable_causes(self, action: str) -> list[str]:
        """Causes of an explained action that the learned graph cannot make from nothing, nor any of their
        alternatives (an item some relation yields is not makeable when that relation needs what cannot be made: a
        by-product dropped from a relation may leave a circle, coal made only with an iron pickaxe made with coal)."""
        rel = self.graph.relation(action)
        if rel is None:
            return []
        makeable = self.graph.obtainable()
        return [i for i, n in rel.needs.items() if not ({i, *n.alternatives} & makeable)]

    def refinable_causes(self, action: str) -> list[str]:
        """The causes whose alternatives are worth looking for: those the agent cannot make; once
        :attr:`LearnerState.completing` (the goals are reached), every cause (a better pickaxe serves too)."""
        rel = self.graph.relation(action)
        if rel is None:
            return []
        return list(rel.needs) if self.state.completing else self.unmakeable_causes(action)

    def worth_refining(self) -> list[str]:
        """Explained actions with a refinable cause, and items known since they were tried or refined:
        another known item may serve in its place."""
        known = set(self.state.known)
        return [
            a
            for a in self.actions
            if self.graph.explained(a)
            and self.refinable_causes(a)
            and known - set(self.state.refined_with.get(a, self.state.tried_with.get(a, [])))
        ]

    def priority(self, action: str) -> list[str]:
        """Which known items to stock first when an intervention cannot hold them all: a quarter of the
        capacity (at least one) for items not yet tried with ``action`` (newest first: every try then
        covers something new), then an eighth for items its last try left out that no relation has been seen to
        need (oldest first: the tries rotate through them, so an odd cause is held beside the new items some
        time; once a try held an item new to the action, those items (:attr:`LearnerState.newcomers`, a quarter) in
        every try of the series, and a quarter of those not in a try since, :attr:`LearnerState.since_new`, so that
        each is held beside the new ones in a bounded number of tries), then every cause of a learned relation and its
        alternatives (what actions have been seen to need; the most needed first), then the rest, newest first."""
        known = self.state.known
        capacity = self.discoverer.capacity or len(known)
        tried = set(self.state.tried_with.get(action, ()))
        untried = [i for i in reversed(known) if action in self.state.tried_with and i not in tried]
        causes = self.needed()
        # the most needed first (a station, sticks), newest first among equals: at the overworld's size, newest first
        # alone left the crafting table out of every 32-kind try once 30 newer causes were known
        useful = sorted((i for i in reversed(known) if i in causes), key=lambda i: -causes[i])
        head = untried[: max(1, capacity // 4)]
        last = set(self.state.last_stocked.get(action, known))
        left_out = [i for i in known if i in tried and i not in last and i not in causes][: capacity // 8]
        beside: list[str] = []
        if action in self.state.since_new:  # those not in a try since one held an item new to it, oldest first
            covered = set(self.state.since_new[action])
            beside = self.state.newcomers.get(action, [])[: max(1, capacity // 4)]  # in every try of the series
            left_out = [i for i in known if i not in covered][: max(1, capacity // 4)]
        sweep = self.sweep_stock(action) or []  # a sweep under way (causal_graph.sweeps) decides first
        return list(dict.fromkeys([*sweep, *head, *beside, *left_out, *useful, *untried, *reversed(known)]))

    def _note_searched(self, action: str, outcome: DiscoveryOutcome) -> None:
        """Remember how far each cause's search for stand-ins went (:attr:`LearnerState.searched`); a relation
        learned anew starts over."""
        if outcome.status == "explained":
            self.state.searched.pop(action, None)
        if outcome.searched:
            self.state.searched.setdefault(action, {}).update(outcome.searched)

    def needed(self) -> Counter[str]:
        """How many learned relations need each item (as a cause or an alternative of one)."""
        return Counter(
            item
            for rel in self.graph.relations()
            for cause, need in rel.needs.items()
            for item in (cause, *need.alternatives)
        )

    def _priority_if_limited(self, action: str) -> list[str] | None:
        """:meth:`priority`, only where interventions hold a limited number of item kinds (else unused)."""
        return self.priority(action) if self.discoverer.capacity is not None else None

    def refine(self, action: str) -> DiscoveryOutcome:
        rel = self.graph.relation(action)
        assert rel is not None
        self.state.refined_with[action] = list(self.state.known)
        # in a noisy world a stand-in that failed once may serve: every refine tries every item again
        searched = None if self.state.noisy else self.state.searched.get(action)
        outcome = self.discoverer.refine(
            rel,
            self.state.known,
            self.refinable_causes(action),
            priority=self._priority_if_limited(action),
            searched=searched,
        )
        self._note_searched(action, outcome)
        self._note_world()
        if outcome.relation is not None:
            self.graph.set_relation(outcome.relation)
        outcome.status = "refined"
        self.on_outcome(outcome)
        return outcome

    def learn(self, action: str) -> DiscoveryOutcome:
        known = list(self.state.known)
        # items held (not used up) by learned relations: how many each serves, the most used first (a craft's station)
        tools = Counter(i for rel in self.graph.relations() for i, need in rel.needs.items() if not need.consumed)
        priority = self._priority_if_limited(action)
        same = set(known) == set(self.state.tried_with.get(action, ()))
        spending = action in self.discoverer.spent
        fresh, cheap, again = self._cheap()
        # ahead of cheap actions: only a likely tool alone; not where only retries wait behind it (worth_trying)
        ahead = self._only_many_retries(cheap, again) and action in self._next_spending(fresh, promising=True)
        pressed = self.spending(action) and bool(cheap or again) and not ahead

        def likely_tools() -> list[str]:  # asked before a spending action's try, or once a sample took from the world
            self.prove_tools()
            self.prove_tier(action)
            return self.pressed_singles(action) if pressed else self.singles(action)

        where = getattr(self.discoverer.world, "last_info", {}).get("position")
        if self.state.origin is None and where is not None:  # where the world placed the agent
            self.state.origin = [int(c) for c in where]
        believed, belief_stock = self.belief(action), self.belief_stock(action)
        outcome = self.discoverer.discover(
            action,
            known,
            sorted((i for i in known if i in tools), key=lambda i: -tools[i]),
            priority=priority,
            belief=belief_stock,
            singles=likely_tools,
            # a dig's alternatives each cost a target, a belief's delay the goal: both wait until the goals are reached
            alternatives=self.state.completing,
            singles_first=spending,
            singles_only=pressed,
            lower=lambda tool, t: self._lower_tiers(action, tool, t.ticks),
            counts=self.sweep_counts(action),
        )
        if outcome.belief in ("failed", "known to fail"):  # its own trial failed: weighed whatever came after
            why = f"the believed stock did not do it ({outcome.belief})"
            self.weigh_belief(action, believed, outcome.relation, why=why)
        elif outcome.belief and outcome.status not in WORLD_ENDED:
            self.weigh_belief(action, believed, outcome.relation)
        if pressed and not outcome.runs:  # no likely tool came to try alone: it waits, as if not pressed
            self._pressed[action] = len(known)
            log.debug("%s: pressed, but no likely tool to try alone", action)
            self.on_outcome(outcome)
            return outcome
        spent = [t for t in outcome.runs if spends(t)]
        if spent:
            self.state.spends[action] = self.state.spends.get(action, 0) + len(spent)
        reached = [t for t in outcome.runs if wants_tool(t) or (t.success and t.added and not t.consumed)]
        if self.state.origin is None:  # a world that reports no position before a step: where the first trial ended
            self.state.origin = next((list(t.position) for t in outcome.runs if t.position is not None), None)
        if reached:  # it took from the world (or broke its target): how long reaching that target took, how far
            self.state.target_ticks.setdefault(action, reached[0].ticks)
            where, origin = reached[0].position, self.state.origin
            if where is not None and origin is not None:
                self.state.target_reach.setdefault(action, round(math.dist(origin, where)))
        self._note_world()
        if self.state.noisy:
            self.state.tries[action] = self.state.tries.get(action, 1) + 1 if same else 1
        if self.discoverer.capacity is not None and outcome.sampled:
            self.state.last_stocked[action] = list(outcome.sampled)
        partial = outcome.relation is None and bool(outcome.sampled) and len(outcome.sampled) < len(known)
        if partial and (self.discoverer.capacity is not None or spending):
            # over capacity, or a likely tool that failed alone: remember only what this try stocked
            before = self.state.tried_with.get(action, [])
            self.state.tried_with[action] = list(dict.fromkeys([*before, *outcome.sampled]))
            if self.discoverer.capacity is not None and not spending:
                new = [i for i in outcome.sampled if i not in before]  # the coverage starts again beside them
                since = [] if new else self.state.since_new.get(action, [])
                self.state.since_new[action] = list(dict.fromkeys([*since, *outcome.sampled]))
                if new:
                    self.state.newcomers[action] = new
        else:
            self.state.tried_with[action] = known
        for t in outcome.runs:
            self.observe(t.after)
        self.state.status[action] = outcome.status
        if outcome.relation is not None:
            self.graph.set_relation(outcome.relation)
            self.observe(outcome.relation.yields)
        self.advance_sweep(action, outcome.relation is not None)
        self._note_searched(action, outcome)
        log.debug("%s: %s (%d steps, %d interventions)", action, outcome.status, outcome.steps, outcome.interventions)
        self.on_outcome(outcome)
        return outcome

    def _note_world(self) -> None:
        """Keep what the discoverer saw of the world (noise, caps) in the state, for a resumed run."""
        if self.discoverer.noisy and not self.state.noisy:
            log.info("the world failed a trial for a reason of its own: from now on no single outcome is final")
            self.state.noisy = True
        if self.discoverer.caps != self.state.caps:
            self.state.caps = dict(self.discoverer.caps)
        if self.discoverer.spent != self.state.spent:
            self.state.spent = {a: [dict(stock) for stock in stocks] for a, stocks in self.discoverer.spent.items()}

    def learn_round(self, stop: Callable[[], bool] | None = None) -> int:
        """Try every action worth trying once (in library order); returns how many were explained."""
        explained = 0
        for action in self.worth_trying():
            if stop and stop():
                break
            if self.graph.explained(action):
                continue
            if self.learn(action).status == "explained":
                explained += 1
        return explained

    def learn_all(self, stop: Callable[[], bool] | None = None, max_rounds: int = 100) -> None:
        for _ in range(max_rounds):
            if self.done() or (stop and stop()):
                return
            self.learn_round(stop)

    def complete(self, stop: Callable[[], bool] | None = None, max_rounds: int = 100) -> None:
        """Look for alternatives to every cause of every learned relation (a better pickaxe, any fuel), as
        the controller does once its goals are reached (:meth:`learn_all` first learns the relations); then explore
        for items not seen yet (:meth:`explore`), learning and refining again with any that turn up."""
        self.state.completing = True
        for _ in range(max_rounds):
            todo = self.worth_refining()
            if not todo or (stop and stop()):
                break
            for action in todo:
                if stop and stop():
                    return
                self.refine(action)
        for _ in range(max_rounds * max(len(self.actions), 1) * 8):  # bounded: each pass learns, refines or explores
            if stop and stop():
                return
            learn, refine = self.worth_trying(), self.worth_refining()
            if learn:
                self.learn(learn[0])
            elif refine:
                self.refine(refine[0])
            elif not self.explore():
                return

    def start_completing(self) -> None:
        """From now on refine every cause of every learned relation, not only the ones that cannot be made (the
        controller's goals are reached; :meth:`complete` does the same in one go)."""
        self.state.completing = True

    def forget_tries(self, action: str) -> None:
        """Forget with which items ``action`` was tried, so that it is worth trying again (its relation was
        removed to be re-learned)."""
        self.state.tried_with.pop(action, None)
