"""Checks of a replayed run against its own files: the graph rebuilt from ``relation`` events against
``graph.json``, and the milestones and counters against ``result.json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from causal_graph.graph import CausalGraph
from causal_graph.graph_file import parse_relation
from causal_graph.metrics import edge_differences

_EVENT_KEYS = ("seq", "kind", "t", "recheck")  # recheck: a relation event of Learner.check (its yields re-checked)
RETRY_FIELDS = ("retries", "rate_limited", "timeouts")  # failed attempts of LLM calls, as result.json counts them


@dataclass
class GraphCheck:
    """The graph rebuilt from the log against ``graph.json``. ``untried`` are actions graph.json knows
    (unexplained) that no event names, e.g. when the run stopped before trying them; they do not count
    as a difference."""

    saved: bool
    equal: bool
    differences: list[str] = field(default_factory=list)
    untried: list[str] = field(default_factory=list)


def rebuild_graph(relations: dict[str, dict[str, Any]], actions: dict[str, None], problems: list[str]) -> CausalGraph:
    """The graph from the latest ``relation`` event per action (``relations``: action -> event) and the
    actions the log names; a malformed relation is reported in ``problems`` and skipped."""
    parsed = []
    for event in relations.values():
        try:
            parsed.append(parse_relation({k: v for k, v in event.items() if k not in _EVENT_KEYS}))
        except (ValueError, TypeError) as err:
            problems.append(f"event {event.get('seq')}: malformed relation, skipped ({err})")
    graph = CausalGraph()
    for action in actions:
        _guard(problems, graph.add_action, action)
    for rel in parsed:
        _guard(problems, graph.set_relation, rel)
    return graph


def _guard(problems: list[str], build: Any, arg: Any) -> None:
    """Apply one graph-building step; a conflicting one (an action named like an item) is reported."""
    try:
        build(arg)
    except ValueError as err:
        problems.append(f"graph rebuild: skipped {getattr(arg, 'action', arg)!r} ({err})")


def check_graph(rebuilt: CausalGraph, saved: CausalGraph | None) -> GraphCheck:
    """Compare the rebuilt graph with the saved one and describe every difference."""
    if saved is None:
        return GraphCheck(saved=False, equal=False, differences=["no readable graph.json to compare with"])
    known, saved_actions = set(rebuilt.actions()), set(saved.actions())
    untried = [a for a in saved.actions() if a not in known and not saved.explained(a)]
    widened = rebuilt.copy()
    for action in untried:
        widened.add_action(action)
    if widened == saved:
        return GraphCheck(saved=True, equal=True, untried=untried)
    widened_actions = set(widened.actions())
    scope = sorted(widened_actions | saved_actions)
    raw = edge_differences(widened, saved, scope, overlap=True)
    differences = [
        line.replace("missing: ", "only in graph.json: ", 1).replace("extra: ", "only in the log: ", 1) for line in raw
    ]
    named = {line.split(" ")[1] for line in raw}
    for action in scope:
        if action not in saved_actions:
            differences.append(f"action {action} only in the log")
        elif action not in widened_actions:
            differences.append(f"action {action} only in graph.json")
        elif action not in named and widened.relation(action) != saved.relation(action):
            differences.append(f"{action}: same edges, different quantities, alternatives or evidence")
    return GraphCheck(saved=True, equal=False, differences=differences, untried=untried)


def check_result(
    result: dict[str, Any] | None,
    milestones: dict[str, dict[str, Any]],
    counts: dict[str, int],
    llm: dict[str, dict[str, int]] | None = None,
) -> list[str]:
    """Disagreements between what the log says (``milestones``; ``counts`` such as steps and
    interventions; ``llm`` usage per role, see :func:`llm_usage`) and ``result.json``; empty when
    they agree or there is no result."""
    if result is None:
        return []
    out = []
    steps = result.get("milestones") or {}
    walls = result.get("milestone_wall") or {}
    for label in sorted(set(steps) | set(milestones)):
        mine = milestones.get(label)
        if mine is None or label not in steps:
            out.append(f"milestone {label!r}: {'only in result.json' if mine is None else 'only in the log'}")
        elif mine["step"] != steps[label]:
            out.append(f"milestone {label!r}: step {mine['step']} in the log, {steps[label]} in result.json")
        elif label in walls and not _same_time(mine.get("wall"), walls[label]):
            out.append(f"milestone {label!r}: time {mine['wall']} in the log, {walls[label]} in result.json")
    for key, mine in counts.items():
        if key in result and result[key] != mine:
            out.append(f"{key}: {mine} in the log, {result[key]} in result.json")
    usage = (result.get("llm") or {}).get("usage") if isinstance(result.get("llm"), dict) else None
    if isinstance(usage, dict) and llm is not None:
        for role in sorted(set(usage) | set(llm)):
            theirs = usage.get(role) or {}
            ours = llm.get(role) or dict.fromkeys(theirs, 0)
            for key in ("calls", "prompt_tokens", "completion_tokens", "failures", *RETRY_FIELDS):
                if key in theirs and theirs[key] != ours.get(key):
                    out.append(f"LLM {role} {key}: {ours.get(key)} in the log, {theirs[key]} in result.json")
    return out


def llm_usage(llm: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, int]]:
    """Per role, over all phases: ``calls``, ``failures``, ``prompt_tokens``, ``completion_tokens``,
    ``retries`` (attempts after the first), ``rate_limited`` (attempts answered HTTP 429) and ``timeouts``
    (the shape of result.json's ``llm.usage``)."""
    totals: dict[str, dict[str, int]] = {}
    for role, per_phase in llm.items():
        rows = per_phase.values()
        totals[role] = {
            "calls": int(sum(r["calls"] for r in rows)),
            "prompt_tokens": int(sum(r["prompt_tokens"] for r in rows)),
            "completion_tokens": int(sum(r["completion_tokens"] for r in rows)),
            "failures": int(sum(r["errors"] for r in rows)),
            **{key: int(sum(r[key] for r in rows)) for key in RETRY_FIELDS},
        }
    return totals


def _same_time(x: Any, y: Any) -> bool:
    """Equal agent times (to 1e-9 s); values that are not numbers must be equal as they are."""
    try:
        return abs(float(x) - float(y)) <= 1e-9
    except (TypeError, ValueError):
        return x == y
