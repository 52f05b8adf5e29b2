"""Many runs at once: per milestone the mean ± sd of the step (and agent time) over the runs that
reached it and the success count k/n; the same for steps, interventions, SHD and LLM usage. The dict
from :func:`aggregate` is what the benchmark harness reuses; :func:`aggregate_table` and
:func:`aggregate_markdown` render it."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from agent.replay.analysis import MILESTONE_ORDER, Analysis, replay


def stats(values: Sequence[float]) -> dict[str, Any]:
    """``n``, ``mean``, ``sd`` (sample standard deviation; 0.0 for one value), ``min``, ``max``; the
    figures are None when there are no values."""
    if not values:
        return {"n": 0, "mean": None, "sd": None, "min": None, "max": None}
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"n": len(values), "mean": statistics.fmean(values), "sd": sd, "min": min(values), "max": max(values)}


def aggregate(run_dirs: Iterable[str | Path]) -> dict[str, Any]:
    """Replay every run folder in ``run_dirs`` and aggregate them (see :func:`aggregate_analyses`)."""
    return aggregate_analyses([replay(path) for path in run_dirs])


def goal_reached(analysis: Analysis) -> bool:
    """result.json's ``goal_reached``; for an unfinished run, whether the log reached every goal."""
    result = analysis.run.result
    if result is not None and "goal_reached" in result:
        return bool(result["goal_reached"])
    goals = analysis.run.config.get("goals") or []
    return bool(goals) and all(g in analysis.goals for g in goals)


def aggregate_analyses(analyses: Sequence[Analysis]) -> dict[str, Any]:
    """The aggregate as a JSON-able dict: ``n``, ``runs``, ``milestones`` (label -> ``reached``,
    ``step`` stats, ``wall`` stats), ``goal_reached`` and ``consistent`` counts, stats of ``steps``,
    ``interventions``, ``trials``, ``shd`` (runs whose result.json has one), ``alternatives`` (``found``,
    ``total``, ``extra`` stats, from the result's score), ``llm_calls`` and
    ``llm_tokens``, and the ``problems`` of damaged runs (by run name)."""
    n = len(analyses)
    labels = [m for m in MILESTONE_ORDER]
    labels += sorted({label for a in analyses for label in a.milestones} - set(labels))
    milestones = {}
    for label in labels:
        reached = [a.milestones[label] for a in analyses if label in a.milestones]
        milestones[label] = {
            "reached": len(reached),
            "n": n,
            "step": stats([m["step"] for m in reached if isinstance(m.get("step"), int | float)]),
            "wall": stats([m["wall"] for m in reached if isinstance(m.get("wall"), int | float)]),
        }
    shds = [a.run.result["shd"] for a in analyses if a.run.result and isinstance(a.run.result.get("shd"), int)]
    scores = [a.run.result["score"] for a in analyses if a.run.result and isinstance(a.run.result.get("score"), dict)]
    scores = [s for s in scores if isinstance(s.get("alternatives_total"), int)]  # logs from before the count
    return {
        "n": n,
        "runs": [str(a.run.path) for a in analyses],
        "milestones": milestones,
        "goal_reached": {"count": sum(map(goal_reached, analyses)), "n": n},
        "consistent": {"count": sum(a.consistent for a in analyses), "n": n},
        "steps": stats([a.steps for a in analyses]),
        "interventions": stats([a.interventions for a in analyses]),
        "trials": stats([a.trials for a in analyses]),
        "shd": {**stats(shds), "zero": sum(1 for s in shds if s == 0)},
        "alternatives": {
            "found": stats([s["alternatives_found"] for s in scores]),
            "total": stats([s["alternatives_total"] for s in scores]),
            "extra": stats([s["alternatives_extra"] for s in scores]),
        },
        "llm_calls": stats([sum(r["calls"] for per in a.llm.values() for r in per.values()) for a in analyses]),
        "llm_tokens": stats(
            [
                sum(r["prompt_tokens"] + r["completion_tokens"] for per in a.llm.values() for r in per.values())
                for a in analyses
            ]
        ),
        "problems": {a.run.name: a.problems for a in analyses if a.problems},
    }


def _pm(s: dict[str, Any], digits: int = 1) -> str:
    """``mean ± sd`` or ``-``."""
    return "-" if s["mean"] is None else f"{s['mean']:.{digits}f} ± {s['sd']:.{digits}f}"


def _rows(agg: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(what, reached k/n, steps or value mean ± sd, agent time mean ± sd) rows shared by both renderings."""
    n = agg["n"]
    rows = [(label, f"{m['reached']}/{n}", _pm(m["step"]), _pm(m["wall"], 3)) for label, m in agg["milestones"].items()]
    rows.append(("goal reached", f"{agg['goal_reached']['count']}/{n}", "", ""))
    rows.append(("log consistent with files", f"{agg['consistent']['count']}/{n}", "", ""))
    rows.append(("total steps", "", _pm(agg["steps"]), ""))
    rows.append(("interventions", "", _pm(agg["interventions"]), ""))
    shd = agg["shd"]
    rows.append(("SHD (0 in k/n)", f"{shd['zero']}/{shd['n']}" if shd["n"] else "-", _pm(shd, 2), ""))
    rows.append(("LLM calls", "", _pm(agg["llm_calls"]), ""))
    rows.append(("LLM tokens", "", _pm(agg["llm_tokens"]), ""))
    return rows


HEAD = ("", "reached", "step (mean ± sd)", "agent time s (mean ± sd)")


def aggregate_table(agg: dict[str, Any], title: str | None = None) -> Table:
    """The aggregate as a rich table."""
    table = Table(title=title or f"{agg['n']} runs")
    for index, column in enumerate(HEAD):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in _rows(agg):
        table.add_row(*row)
    if agg["problems"]:
        table.caption = f"damaged or incomplete: {', '.join(sorted(agg['problems']))}"
    return table


def aggregate_markdown(agg: dict[str, Any]) -> str:
    """The aggregate as a Markdown table (for BENCHMARKS.md)."""
    lines = ["| " + " | ".join(HEAD) + " |", "| --- | ---: | ---: | ---: |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in _rows(agg)]
    return "\n".join(lines) + "\n"
