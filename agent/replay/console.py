"""What ``adam replay RUN_DIR`` prints: the run in one line, whether the log agrees with its files, the
scores against the ground truth with the per-action differences, the goals, the milestone, phase and
LLM tables (fitted to the terminal's width), the real failures and, apart from them, the normal
trial outcomes."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from agent.replay.analysis import PHASES, Analysis
from agent.replay.scores import difference_rows, headline
from agent.replay.summary import (
    FAILED_BEFORE_START,
    capped,
    failure_lines,
    goal_lines,
    goals_text,
    llm_status,
    transition_line,
    trial_lines,
)
from agent.replay.tables import fitted_table

MILESTONE_HEAD = ("milestone", "item", "step", "agent time (s)", "critical step", "interventions")
MILESTONE_KEYS = ("item", "step", "wall", "critical_step", "interventions")
PHASE_HEAD = ("phase", "steps", "failed", "interventions", "trials", "LLM calls", "LLM tokens")
LLM_HEAD = ("LLM role", "phase", "calls", "prompt tokens", "completion tokens", "cached", "errors", "retries",
            "HTTP 429", "time-outs")  # fmt: skip
LLM_OPTIONAL = (5, 7, 8, 9, 3)  # cached, retries, HTTP 429, time-outs, prompt tokens: left out first when narrow


def header(analysis: Analysis) -> Text:
    """``replay NAME: WORLD seed S, goals G; N events, N steps, N interventions (N trials)``."""
    a, config = analysis, analysis.run.config
    restarts = ", ".join(f"{what} {n}" for what, n in sorted(a.restart_counts.items()))
    return Text.assemble(
        ("replay ", "bold"),
        f"{a.run.name}: {a.world_label} seed {config.get('seed', '?')}, goals {goals_text(config)}; ",
        f"{len(a.run.events)} events, {a.steps} steps, {a.interventions} interventions ({a.trials} trials)",
        f"; {len(a.restarts)} restarts ({restarts})" if a.restarts else "",
    )


def llm_rows(analysis: Analysis) -> list[tuple[Any, ...]]:
    """Per role and phase: calls, tokens, cached, errors, retries, HTTP 429s, time-outs."""
    keys = ("calls", "prompt_tokens", "completion_tokens", "cached", "errors", "retries", "rate_limited", "timeouts")
    return [
        (role, phase, *(int(r[k]) for k in keys))
        for role, per_phase in sorted(analysis.llm.items())
        for phase, r in per_phase.items()
    ]


def phase_row(stats: dict[str, int]) -> tuple[int, ...]:
    return (
        stats["steps"],
        stats["failed_steps"],
        stats["interventions"],
        stats["trials"],
        stats["llm_calls"],
        stats["prompt_tokens"] + stats["completion_tokens"],
    )


def run_view(analysis: Analysis, width: int = 100) -> Group:
    """The console summary of one replayed run, ``width`` columns wide."""
    a = analysis
    parts: list[Any] = [header(a)]
    if a.failed_before_start:
        parts.append(Text(FAILED_BEFORE_START, style="yellow"))
        parts += [Text(f"  {p}", style="dim") for p in capped(a.problems)]
        return Group(*parts)
    parts += [Text(f"damaged/missing: {p}", style="yellow") for p in capped(a.problems)]
    line, no_loss = transition_line(a)
    parts.append(Text(line, style="green" if no_loss else "red"))
    check = a.graph_check
    explained = f"{len(a.graph.relations())}/{len(a.graph.actions())} actions explained"
    if check.equal:
        parts.append(Text(f"graph rebuilt from the log equals graph.json ({explained})", style="green"))
    else:
        parts.append(Text("graph rebuilt from the log differs from graph.json:", style="red"))
        parts += [Text(f"  {line}", style="red") for line in capped(check.differences, "differences")]
    if check.untried:
        parts.append(Text(f"known but never tried: {', '.join(check.untried)}", style="dim"))
    if a.run.result is None:
        parts.append(Text("no result.json: milestones not checked", style="yellow"))
    elif a.checks:
        parts += [Text(f"result.json disagrees: {line}", style="red") for line in a.checks]
    else:
        parts.append(Text("milestones, steps, interventions and LLM usage equal result.json", style="green"))
    parts += score_view(a)
    if llm_status(a):
        parts.append(Text(llm_status(a), style="green" if llm_status(a) == "LLM ok" else "yellow"))
    parts += [Text(line) for line in goal_lines(a)]
    rows = [(label, *(m.get(k) for k in MILESTONE_KEYS)) for label, m in a.milestones.items()]
    milestones = fitted_table("milestones", MILESTONE_HEAD, rows, width) if rows else None
    parts.append(milestones or Text("no milestone reached", style="yellow"))
    parts.append(fitted_table("phases", PHASE_HEAD, [(p, *phase_row(a.phases[p])) for p in PHASES], width))
    llm = llm_rows(a)
    parts.append(
        fitted_table("LLM calls", LLM_HEAD, llm, width, optional=LLM_OPTIONAL)
        if llm
        else Text("no LLM calls", style="dim")
    )
    lines = failure_lines(a)
    parts.append(Text("failures:" if lines else "failures: none", style="bold red" if lines else "bold"))
    if lines:
        parts.append(bullets(lines))
    trials = trial_lines(a)
    if trials:
        parts.append(Text("trial outcomes (normal while learning: a failed do()-test is evidence):", style="bold"))
        parts.append(bullets(trials, style="dim"))
    if a.end:
        parts.append(Text(f"end at step {a.end.get('step')}: {a.end.get('reason')}", style="dim"))
    return Group(*parts)


def bullets(lines: list[str], style: str = "") -> Table:
    """Lines indented by two spaces; a line too long for the terminal wraps under its own start."""
    grid = Table.grid()
    grid.add_column(width=2)
    grid.add_column(style=style)
    for line in lines:
        grid.add_row("", line)
    return grid


def score_view(analysis: Analysis) -> list[Any]:
    """The scores line and the per-action differences from the ground truth (the first few actions)."""
    score = analysis.score
    ok = score["status"] == "scored" and score["shd"] == 0
    parts: list[Any] = [Text.assemble(("scores: ", "bold"), (headline(score), "green" if ok else "yellow"))]
    rows = difference_rows(score)
    if score["status"] == "scored" and score["differences"] == []:
        parts.append(Text("differences from the ground truth: none", style="green"))
    elif rows:
        parts.append(Text("differences from the ground truth, per action:", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(no_wrap=True)
        grid.add_column()
        shown = capped([f"{action}\t{how}" for action, how in rows], "actions")
        for line in shown:
            action, _, how = line.rpartition("\t")
            grid.add_row("", action, how)
        parts.append(grid)
    return parts
