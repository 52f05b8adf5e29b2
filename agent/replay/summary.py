"""The lines people read about one replayed run, shared by the console view and the HTML page: the
goals (item and environment), the real failures, the trial outcomes (neutral counts), the live
restarts and whether any transition was lost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.replay.analysis import Analysis
from agent.resources import resource_text

MAX_LINES_LISTED = 12  # problems or graph differences shown to people
MAX_RESTARTS_LISTED = 8
MAX_NAMES = 8  # action names listed in one line
FAILED_BEFORE_START = "failed before start: no step was taken (the command that made this folder stopped with an error)"


def capped(lines: Sequence[str], noun: str = "problems", limit: int = MAX_LINES_LISTED) -> list[str]:
    """At most ``limit`` lines for people, then how many more (the JSON output lists them all)."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], f"… {len(lines) - limit} more {noun} (replay --json lists them all)"]


def _names(actions: Sequence[str]) -> str:
    more = len(actions) - MAX_NAMES
    return ", ".join(actions[:MAX_NAMES]) + (f", … ({more} more)" if more > 0 else "")


def _top(counts: dict[str, int], limit: int = 4) -> str:
    return ", ".join(f"{action} x{n}" for action, n in list(counts.items())[:limit])


def goals_text(config: dict[str, Any]) -> str:
    """``diamond; environment goal near:water`` (the config's item goals, then environment goals)."""
    text = ", ".join(map(str, config.get("goals") or [])) or "none"
    env = [str(g) for g in config.get("env_goals") or []]
    return text + (f"; environment goal{'s' if len(env) > 1 else ''} {', '.join(env)}" if env else "")


def llm_status(analysis: Analysis) -> str:
    """``LLM ok``/``LLM degraded (why)``/``LLM unavailable (why)`` from result.json, '' when it has none."""
    llm = (analysis.run.result or {}).get("llm")
    if not isinstance(llm, dict) or not llm.get("status"):
        return ""
    return f"LLM {llm['status']}" + (f" ({llm['reason']})" if llm.get("reason") else "")


def goal_lines(analysis: Analysis) -> list[str]:
    """One line per goal of the run: the item goals (reached at which step, abandoned and why, or not
    reached), then the environment goals (:func:`environment_goal_lines`)."""
    abandoned = {str(x["goal"]): x for x in analysis.failures["abandoned_goals"]}
    lines = []
    for goal in map(str, analysis.run.config.get("goals") or []):
        if goal in analysis.goals:
            lines.append(f"goal {goal}: reached at step {analysis.goals[goal]}")
        elif goal in abandoned:
            lines.append(f"goal {goal}: abandoned at step {abandoned[goal]['step']} ({abandoned[goal]['reason']})")
        else:
            lines.append(f"goal {goal}: not reached")
    return [*lines, *environment_goal_lines(analysis), resource_text(analysis.resources)]


def environment_goal_lines(analysis: Analysis) -> list[str]:
    """One line per environment goal: reached at which step after how many moves (and the looks
    perception made for it), abandoned and why, or not reached."""
    lines = []
    for goal, g in analysis.environment_goals.items():
        looks = ", ".join(f"{n} {source}" for source, n in g["looks"].items())
        looked = f"; perception looked {sum(g['looks'].values())} times ({looks})" if looks else ""
        if g["status"] == "reached":
            moves = f" after {g['moves']} moves" if g["moves"] is not None else ""
            lines.append(f"environment goal {goal}: reached at step {g['step']}{moves}{looked}")
        elif g["status"] == "abandoned":
            lines.append(f"environment goal {goal}: abandoned at step {g['step']} ({g['reason']}){looked}")
        else:
            lines.append(f"environment goal {goal}: not reached{looked}")
    return lines


def failure_lines(analysis: Analysis) -> list[str]:
    """The real failures as short readable lines (plan steps that failed while pursuing a goal,
    abandoned goals, re-learning, LLM failures and fallbacks, perception errors, restarts, damage)."""
    f = analysis.failures
    lines = [f"goal {g['goal']} not reached: the run ended ({g['reason']})" for g in f["goals_not_reached"]]
    lines += [f"goal {a['goal']} abandoned at step {a['step']}: {a['reason']}" for a in f["abandoned_goals"]]
    for reason, actions in f["plan_steps"].items():
        lines.append(f"failed plan steps ({reason}): {sum(actions.values())} — {_top(actions)}")
    lines += [f"plan step did not do what the graph predicts: {m['action']} x{m['count']}: {m['why']}"
              for m in f["mismatches"]]  # fmt: skip
    lines += [f"relation re-tested or re-learned (the plan kept failing): {action}" for action in f["relearned"]]
    lines += [f"LLM unavailable after {u['failures']} failed calls: {u['error']}" for u in f["llm_unavailable"]]
    lines += [f"LLM call failed ({why}): {n}" for why, n in f["llm_errors"].items()]
    lines += [f"LLM {x['role']} reply rejected ({x['failure']}): {x['count']}" for x in f["llm_failures"]]
    lines += [f"LLM {role} fell back to the offline component: {n}" for role, n in f["llm_fallbacks"].items()]
    lines += [f"plan made offline ({why}): {n}" for why, n in f["plan_fallbacks"].items()]
    lines += [f"hypothesis made offline ({why}): {n}" for why, n in f["hypothesis_fallbacks"].items()]
    lines += [f"perception failed ({why}): {n} frames not described" for why, n in f["perception_errors"].items()]
    lines += restart_lines(analysis)
    if analysis.run.damaged_lines:
        lines.append(f"damaged log lines: {len(analysis.run.damaged_lines)} (see damage below)")
    return lines


def trial_lines(analysis: Analysis) -> list[str]:
    """The normal outcomes of learning as neutral counts: failed trial steps (a do()-test that fails is
    evidence), discovery outcomes other than explained, actions never explained."""
    t = analysis.trial_outcomes
    lines = []
    steps = t["failed_steps"]
    if steps:
        total = sum(sum(actions.values()) for actions in steps.values())
        by_reason = ", ".join(f"{reason} {sum(actions.values())}" for reason, actions in steps.items())
        lines.append(f"trial steps without the effect: {total} ({by_reason})")
    for status, actions in t["discovery"].items():
        lines.append(f"discovery {status}: {sum(actions.values())} runs over {len(actions)} actions")
    by_status: dict[str, list[str]] = {}
    for action, status in t["unexplained"].items():
        by_status.setdefault(status, []).append(action)
    for status, actions in sorted(by_status.items()):
        lines.append(f"never explained, last {status} ({len(actions)}): {_names(actions)}")
    return lines


def restart_lines(analysis: Analysis) -> list[str]:
    """The live game's restarts: the count per kind, then each (the first few; ``step`` is the number of
    steps done when it happened)."""
    restarts = analysis.restarts
    if not restarts:
        return []
    counts = ", ".join(f"{what} x{n}" for what, n in sorted(analysis.restart_counts.items()))
    lines = [f"restarts: {counts}"]
    for r in restarts[:MAX_RESTARTS_LISTED]:
        lines.append(f"restart: {r.get('what')} during {r.get('during')} after step {r.get('step')} ({r.get('error')})")
    if len(restarts) > MAX_RESTARTS_LISTED:
        lines.append(f"… {len(restarts) - MAX_RESTARTS_LISTED} more restarts (replay --json lists them all)")
    return lines


def transition_line(analysis: Analysis) -> tuple[str, bool]:
    """One line on lost transitions, and whether none was lost (step numbers 1, 2, 3, ... each once)."""
    t = analysis.transitions
    if not t.get("count"):
        return "transitions: none in the log", True
    if t.get("contiguous", True):
        return f"transitions: {t.get('count', 0)}, steps 1..{t.get('last', 0)} each once (no lost transition)", True
    parts = []
    for key, what in (("lost", "lost"), ("repeated", "repeated")):
        spans = [f"{a}" if a == b else f"{a}..{b}" for a, b in t[key]]
        if spans:
            shown = ", ".join(spans[:5]) + (", …" if len(spans) > 5 else "")
            parts.append(f"{what} steps {shown} ({sum(b - a + 1 for a, b in t[key])})")
    if t.get("unnumbered"):
        parts.append(f"{t['unnumbered']} without a step number")
    if not t.get("in_order", True):
        parts.append("steps out of order")
    return f"transitions: {t['count']}, " + "; ".join(parts), False
