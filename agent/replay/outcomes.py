"""What went wrong in a run, told apart from what learning is expected to produce.

A do()-intervention trial that fails (``cannot_craft`` without the candidate cause, ``no_drop`` with
the wrong tool) is evidence, not a fault; so are ``no_effect``/``refined`` discovery outcomes and the
actions a run never explained. Those are **trial outcomes** (counts, shown neutrally). **Failures** are
what a person should look at: a plan step that failed while pursuing a goal (and the mismatch the
controller logged for it), an abandoned goal, a relation re-learned because the plan kept failing, LLM
failures, fallbacks and an unavailable LLM, plans and hypotheses the offline component had to make,
frames that could not be described, and live restarts (listed by the analysis itself).

:class:`Outcomes` collects them in the analysis' one pass over the events; it also follows the
environment goals (``near:water``: the ``goal``/``environment_goal``/``goal_abandoned`` events and the
``perception`` looks made for them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from agent.goals import EnvironmentGoal
from causal_graph.graph import CausalGraph

ABANDONED, REACHED, PENDING = "abandoned", "reached", "not reached"


def is_environment_goal(goal: str, item_goals: Collection[str] = ()) -> bool:
    """Whether a goal the log names is an environment goal (``near:water``, :class:`agent.goals.EnvironmentGoal`'s
    form) rather than one of the run's ``item_goals`` (an item's name may hold a ``:`` too: ``placed:bench``)."""
    if goal in item_goals:
        return False
    try:
        EnvironmentGoal.parse(goal)
    except ValueError:
        return False
    return True


@dataclass
class Outcomes:
    """Failures and trial outcomes of one run, filled event by event (see the module docstring).
    ``env_goals``: the config's environment goals, pursued in that order after the item goals."""

    env_goals: list[str] = field(default_factory=list)
    trial_steps: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # reason -> action
    plan_steps: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # reason -> action
    discovery: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # status -> action
    final_status: dict[str, str] = field(default_factory=dict)
    mismatches: Counter[tuple[str, str]] = field(default_factory=Counter)
    relearned: list[str] = field(default_factory=list)
    abandoned: list[dict[str, Any]] = field(default_factory=list)
    reached: dict[str, dict[str, Any]] = field(default_factory=dict)  # environment goal -> step, moves
    looks: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # env goal -> source
    hypothesis_fallbacks: Counter[str] = field(default_factory=Counter)
    plan_fallbacks: Counter[str] = field(default_factory=Counter)
    llm_errors: Counter[str] = field(default_factory=Counter)
    llm_failures: Counter[tuple[str, str]] = field(default_factory=Counter)  # (role, failure kind)
    llm_fallbacks: Counter[str] = field(default_factory=Counter)  # role
    llm_unavailable: list[dict[str, Any]] = field(default_factory=list)
    perception: Counter[tuple[str, str]] = field(default_factory=Counter)  # (why, source)
    perception_errors: Counter[str] = field(default_factory=Counter)  # why

    def step(self, event: dict[str, Any], pursuing: bool) -> None:
        """A failed transition: a plan step while ``pursuing`` a goal, else a learning trial's step."""
        counts = self.plan_steps if pursuing else self.trial_steps
        counts[str(event.get("reason"))][str(event.get("action"))] += 1

    def add(self, kind: str, event: dict[str, Any]) -> None:
        """Take in one event of the kinds this class follows; any other kind is ignored."""
        if kind == "discovery":
            action, status = str(event.get("action")), str(event.get("status"))
            self.final_status[action] = status
            if status != "explained":
                self.discovery[status][action] += 1
        elif kind == "mismatch":
            why = str(event.get("why"))
            excused = str(event.get("excused") or "")
            if excused.startswith("a yield re-checked"):  # a by-product yield the check corrected at once
                why += f" (not counted: {excused})"
            elif excused:  # the world explained it: not counted against the relation
                why += f" (the world's doing, not counted: {excused})"
            self.mismatches[(str(event.get("action")), why)] += 1
        elif kind in ("relearn", "retest"):
            self.relearned.append(str(event.get("action")))
        elif kind == "goal_abandoned":
            self.abandoned.append({k: event.get(k) for k in ("goal", "reason", "step")})
            self._settled(str(event.get("goal")))
        elif kind == "goal":
            self._settled(str(event.get("goal")))
        elif kind == "environment_goal":
            self.reached[str(event.get("goal"))] = {k: event.get(k) for k in ("step", "moves")}
        elif kind == "hypothesis_fallback":
            self.hypothesis_fallbacks[str(event.get("reason"))] += 1
        elif kind == "plan" and event.get("fallback"):
            self.plan_fallbacks[str(event.get("fallback"))] += 1
        elif kind == "llm_failure":
            self.llm_failures[(str(event.get("role")), str(event.get("failure")))] += 1
        elif kind == "llm_fallback":
            self.llm_fallbacks[str(event.get("role"))] += 1
        elif kind == "llm_unavailable":
            self.llm_unavailable.append({k: event.get(k) for k in ("failures", "error")})
        elif kind == "perception":
            why, source = str(event.get("why")), str(event.get("source"))
            self.perception[(why, source)] += 1
            if why == "navigate" and self.env_goals:  # the looks made to reach the current environment goal
                self.looks[self.env_goals[0]][source] += 1
        elif kind == "perception_error":
            self.perception_errors[str(event.get("why"))] += 1

    def _settled(self, goal: str) -> None:
        if goal in self.env_goals:
            self.env_goals.remove(goal)

    def failures(self, config: dict[str, Any], goals: dict[str, Any], end: dict[str, Any] | None) -> dict[str, Any]:
        """The real failures, JSON-able. ``goals_not_reached``: the goals (item, then environment) a run
        that ended (``end``) neither reached (``goals``) nor abandoned, with the end's reason."""
        abandoned = {str(a.get("goal")) for a in self.abandoned}
        wanted = [str(g) for g in [*(config.get("goals") or ()), *(config.get("env_goals") or ())]]
        missed = [g for g in wanted if g not in goals and g not in abandoned] if end is not None else []
        return {
            "goals_not_reached": [{"goal": g, "reason": end.get("reason") if end else None} for g in missed],
            "plan_steps": _nested(self.plan_steps),
            "mismatches": [{"action": a, "why": w, "count": n} for (a, w), n in sorted(self.mismatches.items())],
            "abandoned_goals": list(self.abandoned),
            "relearned": list(self.relearned),
            "llm_errors": dict(self.llm_errors),
            "llm_failures": [{"role": r, "failure": f, "count": n} for (r, f), n in sorted(self.llm_failures.items())],
            "llm_fallbacks": dict(sorted(self.llm_fallbacks.items())),
            "llm_unavailable": list(self.llm_unavailable),
            "hypothesis_fallbacks": dict(self.hypothesis_fallbacks),
            "plan_fallbacks": dict(self.plan_fallbacks),
            "perception_errors": dict(sorted(self.perception_errors.items())),
        }

    def trial_outcomes(self, graph: CausalGraph) -> dict[str, Any]:
        """The normal outcomes of learning, JSON-able: failed trial steps (reason -> action -> count),
        discovery outcomes other than ``explained`` (status -> action -> count), and the actions never
        explained with their last status."""
        return {
            "failed_steps": _nested(self.trial_steps),
            "discovery": {status: dict(sorted(c.items())) for status, c in sorted(self.discovery.items())},
            "unexplained": {a: s for a, s in sorted(self.final_status.items()) if not graph.explained(a)},
        }

    def environment_goals(self, config: dict[str, Any], goals: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Per environment goal (the config's ``env_goals`` and any the log names): ``status``
        (reached, abandoned, not reached), ``step``, ``moves``, ``reason`` (when abandoned), and the
        ``looks`` perception made to navigate toward it (by source). ``goals``: the ``goal`` events'
        steps."""
        names = [str(g) for g in config.get("env_goals") or ()]
        items = {str(g) for g in config.get("goals") or ()}
        names += [g for g in [*goals, *(a["goal"] for a in self.abandoned)] if is_environment_goal(str(g), items)]
        out: dict[str, dict[str, Any]] = {}
        for name in dict.fromkeys(map(str, names)):
            gave_up = next((a for a in self.abandoned if a.get("goal") == name), None)
            if name in goals:
                got = self.reached.get(name, {})
                out[name] = {"status": REACHED, "step": goals[name], "moves": got.get("moves"), "reason": None}
            elif gave_up is not None:
                step, reason = gave_up.get("step"), gave_up.get("reason")
                out[name] = {"status": ABANDONED, "step": step, "moves": None, "reason": reason}
            else:
                out[name] = {"status": PENDING, "step": None, "moves": None, "reason": None}
            out[name]["looks"] = dict(sorted(self.looks.get(name, Counter()).items()))
        return out

    def perception_counts(self) -> dict[str, Any]:
        """Frames described, per reason (``navigate``, ``actor``) and source, and the failed ones."""
        looks: dict[str, dict[str, int]] = defaultdict(dict)
        for (why, source), n in sorted(self.perception.items()):
            looks[why][source] = n
        return {"looks": dict(looks), "errors": dict(sorted(self.perception_errors.items()))}


def _nested(counts: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    """reason -> action -> count, reasons sorted, actions most frequent first."""
    return {reason: dict(c.most_common()) for reason, c in sorted(counts.items())}
