"""Re-deriving a run from its event log alone: the causal graph, the milestones, the phases, the LLM
usage, the failures (told apart from normal trial outcomes, see :mod:`.outcomes`) and the environment
goals, checked against the run's own ``graph.json`` and ``result.json``; the scores against the
ground truth are read from ``result.json`` (:mod:`.scores`).

Phases are the controller's; the log does not record them, so they are derived (one pass, in order):

- ``learn``: discovery while a goal is still pending; ``learn_rest``: discovery after every goal of the
  config (item goals, then environment goals) was reached or abandoned; ``pursue``: executing a plan
  or moving toward an environment goal.
- ``intervention``, ``hypothesis``, ``hypothesis_fallback``, ``relation``, ``discovery`` events and
  ``reset`` events with an inventory (a do()-intervention) set the phase to ``learn`` (or ``learn_rest``);
  a ``plan`` event and a ``perception`` event made to navigate set ``pursue``; the ``goal`` or
  ``goal_abandoned`` event that settles the last goal sets ``learn_rest``.
- A transition belongs to a discovery run (``learn``/``learn_rest``) when the first non-transition event
  after it is an ``intervention`` (its trial record; exploration detours included); otherwise it takes
  the current phase. Interventions, trials and ``llm_call`` events take the phase current at that time
  (so a planner call that finds the first plan counts in ``learn``, as the controller's phase then was).
- Limitation: a pursue step followed directly by a discovery run, with no do()-reset or other event
  between them, is counted in ``learn``.

Counts: ``steps`` are transitions (environment steps); ``interventions`` are do()-resets (what
result.json counts); ``trials`` are discovery runs (``intervention`` events).

Live restarts: a ``restart`` event (the bot or the local server died and was restarted during a step,
a reset or an observation) is counted and listed; it does not end a discovery run nor change the phase.
No transition may be lost across restarts, resumes or damage: :func:`transition_check` checks that the
transitions' step numbers run 1, 2, 3, ... each once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.llm.client import RATE_LIMITED, TIMED_OUT
from agent.milestones import recorded_labels
from agent.replay.checks import RETRY_FIELDS, GraphCheck, check_graph, check_result, llm_usage, rebuild_graph
from agent.replay.load import RunFolder, load_run, never_started
from agent.replay.outcomes import Outcomes
from agent.replay.scores import check_score
from agent.resources import LEARNING, PURSUIT, add, resource_table, shown_first
from causal_graph.discovery import SPENDING_FAILURES
from causal_graph.graph import CausalGraph

LEARN, PURSUE, LEARN_REST = "learn", "pursue", "learn_rest"
PHASES = (LEARN, PURSUE, LEARN_REST)
_LEARN_KINDS = frozenset({"intervention", "hypothesis", "hypothesis_fallback", "relation", "discovery"})
_PHASE_FIELDS = ("steps", "failed_steps", "interventions", "trials", "llm_calls", "prompt_tokens", "completion_tokens")
_LLM_FIELDS = ("calls", "prompt_tokens", "completion_tokens", "cached", "errors", "latency", *RETRY_FIELDS)


@dataclass
class Analysis:
    """What replay derived from one run folder (see :func:`analyse`)."""

    run: RunFolder
    graph: CausalGraph
    graph_check: GraphCheck
    milestones: dict[str, dict[str, Any]]
    checks: list[str]  # disagreements with result.json; empty when everything matches
    phases: dict[str, dict[str, int]]
    spans: list[tuple[str, int, int]]  # (phase, first step, last step), contiguous runs of transitions
    llm: dict[str, dict[str, dict[str, float]]]  # role -> phase -> calls/tokens/cached/errors/latency/retries
    failures: dict[str, Any]  # real failures (see agent.replay.outcomes)
    goals: dict[str, int]
    steps: int
    interventions: int
    trials: int
    end: dict[str, Any] | None
    resumes: int = 0
    restarts: list[dict[str, Any]] = field(default_factory=list)  # restart events: what, during, step, error
    transitions: dict[str, Any] = field(default_factory=dict)  # see transition_check
    frame_refs: dict[str, tuple[int, str]] = field(default_factory=dict)  # frame file name -> (step, action)
    trial_outcomes: dict[str, Any] = field(default_factory=dict)  # normal outcomes of learning trials
    environment_goals: dict[str, dict[str, Any]] = field(default_factory=dict)  # goal -> status, step, moves
    perception: dict[str, Any] = field(default_factory=dict)  # frames described per why/source, errors
    milestone_labels: tuple[str, ...] = ()  # the world's milestones, in order (as the run recorded them)
    world: str = ""  # the world's name as the run recorded it ("": a log from before the record)
    resources: dict[str, dict[str, int]] = field(default_factory=dict)  # agent.resources.resource_table

    @property
    def world_label(self) -> str:
        """How reports name the run's world: its recorded name, else (an older log) the config's variant."""
        return self.world or str(self.run.config.get("variant", "?"))

    @property
    def failed_before_start(self) -> bool:
        """A folder a failed command left before its first step (see :func:`.load.never_started`)."""
        return never_started(self.run)

    @property
    def score(self) -> dict[str, Any]:
        """The scores against the ground truth as result.json has them (see :func:`.scores.summary`)."""
        from agent.replay.scores import summary

        return summary(self.run.result)

    @property
    def problems(self) -> list[str]:
        return self.run.problems

    @property
    def restart_counts(self) -> dict[str, int]:
        """Restarts per kind (``bot``, ``server``)."""
        return dict(Counter(str(r.get("what")) for r in self.restarts))

    @property
    def consistent(self) -> bool:
        """The rebuilt graph equals graph.json and the milestones and counters equal result.json."""
        return self.graph_check.equal and not self.checks

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (no graph object)."""
        return {
            "run_dir": str(self.run.path),
            "config": self.run.config,
            "events": len(self.run.events),
            "problems": self.problems,
            "damaged_lines": self.run.damaged_lines,
            "graph": {
                "equal": self.graph_check.equal,
                "saved": self.graph_check.saved,
                "differences": self.graph_check.differences,
                "untried": self.graph_check.untried,
                "explained": len(self.graph.relations()),
                "actions": len(self.graph.actions()),
            },
            "checks": self.checks,
            "consistent": self.consistent,
            "world": self.world_label,
            "milestone_labels": list(self.milestone_labels),
            "milestones": self.milestones,
            "goals": self.goals,
            "steps": self.steps,
            "interventions": self.interventions,
            "trials": self.trials,
            "phases": self.phases,
            "spans": [list(span) for span in self.spans],
            "llm": self.llm,
            "failures": self.failures,
            "trial_outcomes": self.trial_outcomes,
            "environment_goals": self.environment_goals,
            "perception": self.perception,
            "score": self.score,
            "failed_before_start": self.failed_before_start,
            "end": self.end,
            "resumes": self.resumes,
            "restarts": {"count": self.restart_counts, "events": self.restarts},
            "transitions": self.transitions,
            "resources": self.resources,
            "result": self.run.result,
        }


def replay(path: str | Path) -> Analysis:
    """Read the run folder at ``path`` and analyse it."""
    return analyse(load_run(path))


def analyse(run: RunFolder) -> Analysis:
    """One pass over the events; see the module docstring for how phases are assigned."""
    env_goals = [str(g) for g in run.config.get("env_goals") or ()]
    wanted = {str(g) for g in run.config.get("goals") or ()} | set(env_goals)
    n_goals = len(wanted) or None
    phase, settled = LEARN, set()
    phases = {p: dict.fromkeys(_PHASE_FIELDS, 0) for p in PHASES}
    llm: dict[str, dict[str, dict[str, float]]] = {}
    spans: list[list[Any]] = []
    pending: list[dict[str, Any]] = []
    relations: dict[str, dict[str, Any]] = {}
    actions: dict[str, None] = {}
    outcomes = Outcomes(env_goals=list(env_goals))
    milestones: dict[str, dict[str, Any]] = {}
    goals: dict[str, int] = {}
    end, resumes, steps, interventions, trials = None, 0, 0, 0, 0
    frame_refs: dict[str, tuple[int, str]] = {}
    restarts: list[dict[str, Any]] = []
    transition_steps: list[Any] = []
    taken: dict[str, dict[str, Any]] = {}  # agent.resources: successes before the first goal, per phase

    def flush(to: str) -> None:
        nonlocal steps
        for t in pending:
            counted = t.get("success") or t.get("reason") in SPENDING_FAILURES  # a block taken, or broken for nothing
            if to in _TAKEN_PHASES and not goals and isinstance(t.get("added"), dict) and counted:
                add(taken, str(t.get("action")), _TAKEN_PHASES[to], t["added"], spent=not t.get("success"))
            stats, step = phases[to], t.get("step")
            step = step if isinstance(step, int) else steps
            stats["steps"] += 1
            steps = max(steps, step)
            if t.get("frame"):
                frame_refs[str(t["frame"]).rsplit("/", 1)[-1]] = (step, str(t.get("action")))
            if not t.get("success", True):
                stats["failed_steps"] += 1
                outcomes.step(t, pursuing=to == PURSUE)
            if spans and spans[-1][0] == to:
                spans[-1][2] = step
            else:
                spans.append([to, step, step])
        pending.clear()

    for event in run.events:
        kind = event["kind"]
        if kind == "transition":
            pending.append(event)
            transition_steps.append(event.get("step"))
            continue
        if kind == "restart":  # within a step, reset or observation: no new phase, no end of a discovery run
            restarts.append({k: event.get(k) for k in _RESTART_KEYS})
            continue
        try:
            learning = LEARN_REST if n_goals and len(settled) >= n_goals else LEARN
            if pending:
                flush(learning if kind == "intervention" else phase)
            outcomes.add(kind, event)
            if kind in _LEARN_KINDS and not event.get("recheck"):  # a yield re-checked by a plan step: still pursuit
                phase = learning
            if kind == "reset":
                if (event.get("options") or {}).get("inventory") is not None:
                    phase = learning
                    interventions += 1
                    phases[phase]["interventions"] += 1
            elif kind == "intervention":
                trials += 1
                phases[phase]["trials"] += 1
            elif kind == "plan" or (kind == "perception" and event.get("why") == "navigate"):
                phase = PURSUE
            elif kind == "relation":
                relations[str(event.get("action"))] = event
                actions.setdefault(str(event.get("action")))
            elif kind == "relearn":
                relations.pop(str(event.get("action")), None)
            elif kind == "discovery":
                actions.setdefault(str(event.get("action")))
            elif kind == "milestone":
                milestones.setdefault(str(event.get("label")), {k: event.get(k) for k in _MILESTONE_KEYS})
            elif kind in ("goal", "goal_abandoned"):
                if kind == "goal":
                    goals.setdefault(str(event.get("goal")), event.get("step"))
                settled |= {str(event.get("goal"))} & wanted
                if n_goals and len(settled) >= n_goals:
                    phase = LEARN_REST
            elif kind == "llm_call":
                _count_llm(llm, phases[phase], event, phase, outcomes.llm_errors)
            elif kind == "resume":
                resumes += 1
            elif kind == "end":
                end = {k: event.get(k) for k in ("reason", "step", "wall")}
        except (AttributeError, TypeError, ValueError) as err:  # a readable line with fields of the wrong shape
            run.problems.append(f"event {event['seq']} ({kind}): unexpected content, skipped ({err!r})")
    flush(phase)

    graph = rebuild_graph(relations, actions, run.problems)
    table = resource_table(taken, graph)
    item_goals = [str(g) for g in run.config.get("goals") or ()]
    resources = {action: table[action] for action in shown_first(table, graph, item_goals)}
    analysis = Analysis(
        run=run,
        graph=graph,
        graph_check=check_graph(graph, run.graph),
        milestones=milestones,
        checks=[],
        phases=phases,
        spans=[(p, a, b) for p, a, b in spans],
        llm=llm,
        failures=outcomes.failures(run.config, goals, end),
        goals=goals,
        steps=steps,
        interventions=interventions,
        trials=trials,
        end=end,
        resumes=resumes,
        restarts=restarts,
        transitions=transition_check(transition_steps),
        frame_refs=frame_refs,
        trial_outcomes=outcomes.trial_outcomes(graph),
        environment_goals=outcomes.environment_goals(run.config, goals),
        perception=outcomes.perception_counts(),
        milestone_labels=recorded_labels(run.events, run.result),
        world=_world_name(run),
        resources=resources,
    )
    counts = {"steps": steps, "interventions": interventions}
    analysis.checks = check_result(run.result, milestones, counts, llm_usage(llm)) + check_score(run.result)
    if isinstance(run.result, dict) and "resources" in run.result and run.result["resources"] != resources:
        analysis.checks.append(f"resources: {resources} in the log, {run.result['resources']} in result.json")
    return analysis


_TAKEN_PHASES = {LEARN: LEARNING, PURSUE: PURSUIT}  # the phases agent.resources counts (not learn_rest)
_MILESTONE_KEYS = ("item", "step", "wall", "critical_step", "interventions")


def _world_name(run: RunFolder) -> str:
    """The world's name from the start event (``world.name``) or result.json (``world``); "" when not recorded."""
    start = next((e for e in run.events[:5] if e.get("kind") == "start"), None)
    world = start.get("world") if start else None
    if isinstance(world, dict) and isinstance(world.get("name"), str):
        return world["name"]
    return str(run.result.get("world") or "") if isinstance(run.result, dict) else ""


_RESTART_KEYS = ("what", "during", "step", "error")


def transition_check(steps: list[Any]) -> dict[str, Any]:
    """Whether no transition was lost: the transitions' step numbers (in log order) run 1, 2, 3, ...
    each once. ``count``, ``last`` (the highest step), ``lost`` and ``repeated`` (``[first, last]``
    ranges of step numbers), ``unnumbered`` (transitions without a whole-number step), ``in_order``,
    and ``contiguous`` (all of it holds)."""
    numbers = [s for s in steps if isinstance(s, int) and not isinstance(s, bool)]
    seen = Counter(numbers)
    last = max(numbers, default=0)
    lost = _ranges(s for s in range(1, last + 1) if s not in seen)
    repeated = _ranges(sorted(s for s, n in seen.items() if n > 1))
    in_order = all(a < b for a, b in zip(numbers, numbers[1:], strict=False))
    unnumbered = len(steps) - len(numbers)
    return {
        "count": len(steps),
        "last": last,
        "lost": lost,
        "repeated": repeated,
        "unnumbered": unnumbered,
        "in_order": in_order,
        "contiguous": not (lost or repeated or unnumbered) and in_order,
    }


def _ranges(numbers: Any) -> list[list[int]]:
    """Ascending integers as ``[first, last]`` runs: 3, 4, 5, 9 -> [[3, 5], [9, 9]]."""
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _count_llm(
    llm: dict[str, dict[str, dict[str, float]]],
    stats: dict[str, int],
    event: dict[str, Any],
    phase: str,
    errors: Counter,
) -> None:
    """Add one ``llm_call`` event to the per-role/per-phase table and the phase totals."""
    row = llm.setdefault(str(event.get("role")), {}).setdefault(phase, dict.fromkeys(_LLM_FIELDS, 0))
    prompt, completion = int(event.get("prompt_tokens") or 0), int(event.get("completion_tokens") or 0)
    row["calls"] += 1
    row["prompt_tokens"] += prompt
    row["completion_tokens"] += completion
    row["cached"] += bool(event.get("cached"))
    row["latency"] = round(row["latency"] + float(event.get("latency") or 0.0), 6)
    attempts, failed = event.get("attempts"), event.get("attempt_errors") or ()
    row["retries"] += max(0, int(attempts) - 1) if attempts is not None else 0  # an older log: not recorded
    row["rate_limited"] += sum(e == RATE_LIMITED for e in failed)
    row["timeouts"] += sum(e == TIMED_OUT for e in failed)
    if event.get("ok") is False:
        row["errors"] += 1
        errors[str(event.get("error"))] += 1
    stats["llm_calls"] += 1
    stats["prompt_tokens"] += prompt
    stats["completion_tokens"] += completion
