"""The controller and lifelong loop (ADAM's ``explore``): learn until the goal is reachable per the
graph, pursue it, then the next goal with the same graph, then keep learning the rest.

The loop advances in ticks (one discovery, or one plan step), and the run is checkpointed after each
tick, so a killed run resumes at a tick boundary with nothing lost or duplicated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from agent.actor import Actor, Chooser
from agent.goals import EnvironmentGoal, Goal, ItemGoal
from agent.memory import MemoryPool
from agent.perceive import Perceiver
from agent.planner import GraphPlanner, Planner, PlanStep
from agent.resources import LEARNING, PURSUIT, add
from causal_graph.discovery import spends
from causal_graph.graph import CausalGraph
from causal_graph.learner import Learner
from env.interface import Transition, World
from perception.navigate import PerceptionNavigator

log = logging.getLogger(__name__)

RELEARN_AFTER = 3  # mismatches of one action before its relation is re-learned
MAX_ENVIRONMENT_MOVES = 300  # movements toward one environment-factor goal before it is abandoned
MAX_RELEARNS = 2  # re-learning an action that still fails after this many times ends the run (stuck)
MAX_UNREACHABLE = 3  # plan steps in a row whose target stayed out of reach after exploring: the world ran out of it
MAX_EXCUSED = 30  # plan-step failures in a row (no run of the step succeeded) the world explained: stuck, abandon
COUNTED_PHASES = {"learn": LEARNING, "pursue": PURSUIT}  # the phases whose successes agent.resources counts


class StepBudgetExhausted(Exception):
    """A world refused a step: the run's step budget is spent (raised from inside a discovery or a plan
    step, so that a run stops at exactly its budget; the controller ends the run saying so)."""

    def __init__(self, max_steps: int) -> None:
        super().__init__(f"step budget exhausted ({max_steps} step{'s' if max_steps != 1 else ''})")
        self.max_steps = max_steps


@dataclass
class ControllerState:
    """Serializable progress of the loop."""

    goal_index: int = 0
    phase: str = "learn"  # learn | pursue | learn_rest | done
    goals_reached: dict[str, int] = field(default_factory=dict)  # goal -> step
    milestones: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> {step, wall, ...}
    end_reason: str = ""
    wall: float = 0.0  # seconds of agent time before this process (resume)
    ticks: int = 0
    plan: list[list] = field(default_factory=list)  # remaining steps of the current plan: [action, count, item]
    relearned: dict[str, int] = field(default_factory=dict)  # action -> times its relation was re-learned
    goals_abandoned: dict[str, str] = field(default_factory=dict)  # goal -> why
    env_moves: dict[str, int] = field(default_factory=dict)  # environment goal -> movements made for it
    # action -> {"learning": n, "pursuit": n, "added": ...}: its successes before the first goal (agent.resources)
    taken: dict[str, dict[str, Any]] = field(default_factory=dict)
    excused: dict[str, int] = field(default_factory=dict)  # action -> plan-step failures in a row the world explained

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ControllerState:
        return cls(**dict(data))


class Controller:
    """Planner + actor + memory around a :class:`Learner`, for a list of goals (items to hold, then places to be)."""

    def __init__(
        self,
        world: World,
        graph: CausalGraph,
        learner: Learner,
        goals: Sequence[Goal],
        milestone_items: Mapping[str, str],
        memory: MemoryPool | None = None,
        planner: Planner | None = None,
        state: ControllerState | None = None,
        max_steps: int = 20_000,
        emit: Callable[..., Any] | None = None,
        chooser: Chooser | None = None,
        learning: bool = True,
        perceiver: Perceiver | None = None,
        perceive_for_actor: bool = False,
    ) -> None:
        self.world = world
        self.graph = graph
        self.learner = learner
        self.goals = list(goals)
        self.milestone_items = dict(milestone_items)  # item (as the agent sees it) -> label
        self.memory = memory or MemoryPool()
        self.planner = planner or GraphPlanner()
        self.feasibility = GraphPlanner()  # is the goal reachable per the graph? (cheap, offline)
        self.actor = Actor(world, graph, self.memory, chooser)
        self.state = state or ControllerState()
        self.max_steps = max_steps
        self.learning = learning
        self.perceiver = perceiver
        self.perceive_for_actor = perceive_for_actor
        self._navigator: tuple[str, PerceptionNavigator] | None = None
        self.emit = emit or (lambda kind, **data: None)
        self._t0 = time.perf_counter()
        self.current = ""  # what the loop is doing, for the live view

    # ------------------------------------------------------------------------------------ loop
    @property
    def wall(self) -> float:
        return self.state.wall + (time.perf_counter() - self._t0)

    def bank_wall(self) -> None:
        """Move the agent time so far into the state (a checkpoint saves it) and time on from now."""
        self.state.wall = self.wall
        self._t0 = time.perf_counter()

    @property
    def goal(self) -> Goal | None:
        return self.goals[self.state.goal_index] if self.state.goal_index < len(self.goals) else None

    def finished(self) -> bool:
        return self.state.phase == "done"

    def tick(self) -> None:
        """One unit of work: a discovery, or one plan step. A world that refuses a step past the budget
        (:class:`StepBudgetExhausted`) ends the run there, with what it was doing in ``end_reason``."""
        self.state.ticks += 1
        goal = self.goal
        if isinstance(goal, ItemGoal) and goal.reached(self.world.inventory()):
            self._goal_reached(goal.name)  # held already (the last step within the budget may have made it)
            return
        if self.world.counters.steps >= self.max_steps:  # spent exactly by the last tick: say what it was
            self._finish(f"{StepBudgetExhausted(self.max_steps)}" + (f" after {self.current}" if self.current else ""))
            return
        try:
            self._work(goal)
        except StepBudgetExhausted as err:
            self._check_milestones()
            self._finish(f"{err} while {self.current}" if self.current else str(err))

    def _work(self, goal: Goal | None) -> None:
        if goal is None:
            self.state.phase = "learn_rest"
            self.learner.start_completing()  # goals reached: alternatives for every cause too
            if not self._learn_next() and not self._explore_next():
                if self.state.goals_abandoned:
                    why = "; ".join(f"{g}: {r}" for g, r in self.state.goals_abandoned.items())
                    self._finish(f"not every goal reached — {why}")
                else:
                    done = "all goals reached; every action explained or tried with every item seen"
                    self._finish(self._learned_all(done))
            return
        if isinstance(goal, EnvironmentGoal):
            self._environment_tick(goal)
            return
        item = goal.item
        if self.feasibility.plan(self.graph, item, self.world.inventory()) is None:
            self.state.phase = "learn"
            self.state.plan = []
            if not self._learn_next():
                why = (
                    self._learned_all(
                        f"every action has been tried with every item seen ({len(self.learner.state.known)} items)"
                    )
                    if self.learning
                    else "this agent does not learn"
                )
                self._abandon(item, f"goal {item!r} is unreachable: {self.graph.why_unobtainable(item)}; {why}")
            return
        self.state.phase = "pursue"
        if not self.state.plan:
            plan = self.planner.plan(self.graph, item, self.world.inventory())
            if plan is None or not plan.steps:
                asked = getattr(self.planner, "source", "offline")
                plan = self.feasibility.plan(self.graph, item, self.world.inventory())
                if asked != plan.source:
                    plan = replace(plan, fallback=f"{asked} planner gave no plan")
            self.emit("plan", **plan.to_dict())  # the plan says what produced it
            self.state.plan = [[s.action, s.count, s.produces] for s in plan.steps]
        action, count, produces = self.state.plan[0]
        step = PlanStep(action, count, produces)
        self.current = f"pursuing {item}: {step.action} x{step.count}"
        if self.perceive_for_actor and self.perceiver is not None:
            seen = self.perceiver.look("actor")
            self.memory.perception = self.perceiver.agent_text(seen) if seen else ""
        result = self.actor.execute(step)
        rechecked: list[str] = []
        if self.learning:  # later evidence: a chance failure marks the world noisy, a success re-checks the yields
            for t in result.transitions:
                rechecked += self.learner.check(t)
        last = result.transitions[-1] if result.transitions else None
        short = set(result.missing)
        if not result.ok and not result.excused and short and short <= set(rechecked) and last and last.success:
            # a success short only of yields the check just dropped or lowered (by-products one trial took for
            # yields): the relation is corrected already, not counted against it
            result.excused = f"a yield re-checked: {', '.join(dict.fromkeys(rechecked))}"
            self.memory.forget_last_failure(step.action)
        self._check_milestones()
        if result.ok:
            self.state.plan.pop(0)
            self.state.excused.pop(step.action, None)
            self.state.excused.pop(f"{step.action} (unreachable)", None)
            return
        self.state.plan = []  # re-plan from what the world really did
        if result.excused:  # the world, not the relation: the plan is simply re-made
            # in a row: a step whose earlier runs succeeded made progress, so the count starts again
            key = f"{step.action} (unreachable)" if result.why == "unreachable" else step.action  # counted apart
            excused = 1 if result.runs > 1 else self.state.excused.get(key, 0) + 1
            self.state.excused[key] = excused
            self.emit("mismatch", action=step.action, why=result.why, runs=result.runs, excused=result.excused)
            if excused >= (MAX_UNREACHABLE if result.why == "unreachable" else MAX_EXCUSED):
                why = f"stuck: {step.action} failed {excused} times in a row for reasons of the world ({result.why})"
                self._abandon(item, why)
            return
        self.state.excused.pop(step.action, None)
        self.emit("mismatch", action=step.action, why=result.why, runs=result.runs)
        if not self.learning and self.memory.failures_of(step.action) >= RELEARN_AFTER:
            self._abandon(item, f"stuck: {step.action} failed {RELEARN_AFTER} times ({result.why}); no learning")
            return
        if self.memory.failures_of(step.action) >= RELEARN_AFTER and result.why != "unreachable":
            if self.state.relearned.get(step.action, 0) >= MAX_RELEARNS:
                self._abandon(
                    item,
                    f"stuck: {step.action} keeps failing ({result.why}) although its relation was re-learned "
                    f"{MAX_RELEARNS} time(s): the learned graph does not match the world",
                )
                return
            self.state.relearned[step.action] = self.state.relearned.get(step.action, 0) + 1
            self._retest(step.action)

    def _retest(self, action: str) -> None:
        """Re-test the relation of ``action`` that plans keep contradicting: discovery runs again with every item
        known (what the agent holds now included), and its result replaces the relation; the relation stays in the
        graph until then. Only a re-test that does not reproduce the action at all (not ``unreachable``: the world
        may have run out of the target) drops it (``relearn``), for learning to learn it again when more is known."""
        self.emit("retest", action=action)
        self.state.phase = "learn"
        self.current = f"re-testing {action}"
        self.memory.forget_failures(action)
        self.learner.observe(self.world.inventory())
        outcome = self.learner.learn(action)
        if outcome.relation is None and outcome.status != "unreachable":
            self.emit("relearn", action=action)
            self.graph.remove_relation(action)
            self.learner.forget_tries(action)

    def count_taken(self, t: Transition) -> None:
        """Count a successful transition, or one that broke its target for nothing, toward :mod:`agent.resources`
        (before the first goal is reached, while learning or pursuing it); called for every transition of the run."""
        phase = COUNTED_PHASES.get(self.state.phase)
        if phase and not self.state.goals_reached and (t.success or spends(t)):
            add(self.state.taken, t.action, phase, t.added, spent=not t.success)

    def _learned_all(self, line: str) -> str:
        """``line``, saying also how many never-working actions were held with every pair of items (a pair sweep,
        :mod:`causal_graph.sweeps`, where one try cannot hold every known item)."""
        swept = [a for a in self.learner.state.swept if not self.graph.explained(a)]
        return f"{line}; {len(swept)} never worked, held with every pair of items too" if swept else line

    def _learn_next(self) -> bool:
        """Learn one unexplained action, else refine one whose cause cannot be made; False if neither."""
        if not self.learning:
            return False
        candidates = self.learner.worth_trying()
        if candidates:
            self.current = f"learning {candidates[0]}"
            self.learner.learn(candidates[0])
            return True
        refinable = self.learner.worth_refining()
        if refinable:
            self.current = f"refining {refinable[0]}"
            self.learner.refine(refinable[0])
            return True
        return False

    def _explore_next(self) -> bool:
        """Lifelong, once nothing is left to learn: one exploring trial looking for items never seen
        (:meth:`causal_graph.learner.Learner.explore`); False when exploring is over."""
        if not self.learning:
            return False
        self.current = "exploring for items not seen yet"
        return self.learner.explore()

    def _goal_reached(self, goal: str) -> None:
        self.state.goals_reached[goal] = self.world.counters.steps
        self.emit("goal", goal=goal, step=self.world.counters.steps, wall=round(self.wall, 4))
        log.info("goal %s reached at step %d", goal, self.world.counters.steps)
        self.state.goal_index += 1
        self.state.plan = []

    def _environment_tick(self, goal: EnvironmentGoal) -> None:
        """One movement toward an environment-factor goal (``near:water``), chosen from perception."""
        text = goal.name
        seen = self.perceiver.last if self.perceiver else None
        if goal.kind == "see":
            done = seen is not None and seen.sees(goal.block)
        else:
            done = goal.satisfied(tuple(getattr(self.world, "nearby", ())))
        if done:
            moves = self.state.env_moves.get(text, 0)
            self._goal_reached(text)
            self.emit("environment_goal", goal=text, moves=moves, step=self.world.counters.steps)
            return
        moves = self.state.env_moves.get(text, 0)
        if moves >= MAX_ENVIRONMENT_MOVES:
            self._abandon(text, f"environment goal {text!r} not reached in {moves} moves")
            return
        self.state.phase = "pursue"
        if self._navigator is None or self._navigator[0] != text:
            self._navigator = (text, PerceptionNavigator())
        move = self._navigate(goal, moves)
        if not move:
            self._abandon(text, f"environment goal {text!r}: {self.world.spec.name} has no movements")
            return
        self.current = f"pursuing {text}: {move}"
        self.memory.remember(self.world.act(move), f"toward {text}")
        self.state.env_moves[text] = moves + 1

    def _navigate(self, goal: EnvironmentGoal, moves: int) -> str:
        """The next movement toward ``goal``: the perception navigator's role as the world's action (a world that
        moves forward and turns), else, without perception or without such movements (a compass world), or for a
        role the world lacks, the next move of the world's exploration spiral."""
        movements = self.world.spec.movements
        spiral = movements.explore(moves) or ""
        if movements.kind != "relative" or self.perceiver is None:
            return spiral
        description = self.perceiver.look("navigate")
        if description is None:
            return spiral
        role = self._navigator[1].next_move(description, goal.block)
        return movements.roles.get(role) or spiral

    def _abandon(self, goal: str, reason: str) -> None:
        """Give up this goal (saying why), go on with the next one and with learning."""
        self.state.goals_abandoned[goal] = reason
        self.emit("goal_abandoned", goal=goal, reason=reason, step=self.world.counters.steps)
        log.warning("%s", reason)
        self.state.goal_index += 1
        self.state.plan = []

    def _check_milestones(self) -> None:
        inventory = self.world.inventory()
        for item, label in self.milestone_items.items():
            if label not in self.state.milestones and inventory.get(item, 0) > 0:
                record = {
                    "step": self.world.counters.steps,
                    "critical_step": self.world.counters.critical_steps,
                    "interventions": self.world.counters.interventions,
                    "wall": round(self.wall, 4),
                }
                self.state.milestones[label] = record
                self.emit("milestone", label=label, item=item, **record)

    def _finish(self, reason: str) -> None:
        self.state.phase = "done"
        self.state.end_reason = reason
        self.current = reason
        self.emit("end", reason=reason, step=self.world.counters.steps, wall=round(self.wall, 4))
