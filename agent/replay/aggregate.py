"""Many runs at once: per milestone the mean ± sd of the step (and agent time) over the runs that
reached it and the success count k/n; the same for steps, interventions, SHD and LLM usage. The dict
from :func:`aggregate` is what the benchmark harness reuses; :func:`aggregate_table` and
:func:`aggregate_markdown` render it.

``adam replay RUNS_DIR`` never averages different configurations: :func:`aggregate_groups` groups the
runs by their configuration (:data:`GROUP_KEYS`: variant, goals, LLM setting and what came of it,
discovery method, world, …; not the seed) and aggregates each group; folders a failed command left
before its first step are listed apart ("failed before start"), not averaged and not called damaged."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from agent.milestones import union
from agent.replay.analysis import Analysis, replay
from agent.replay.load import half_made_folders
from agent.replay.tables import fitted_table
from agent.worlds import is_minecraft

# The settings that make runs comparable (the seed excepted); an LLM run also by what came of its LLM.
GROUP_KEYS = ("variant", "goals", "env_goals", "llm", "llm_roles", "discovery", "learning", "env_id", "env_kwargs",
              "samples", "max_steps", "perception", "conditions")  # fmt: skip
LABEL_KEYS = ("variant", "goals", "env_goals", "llm", "discovery", "env_id")  # always in a group's label


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
    labels = list(union(a.milestone_labels for a in analyses))  # the worlds' milestones, in their order
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


def configuration(analysis: Analysis) -> dict[str, Any]:
    """The run's values of :data:`GROUP_KEYS`, normalised (``llm``: ``offline`` or ``openai:MODEL``;
    ``llm_roles`` only with an LLM), with ``llm_status`` (result.json's ``llm.status``) for LLM runs."""
    config = analysis.run.config
    out = {key: config.get(key) for key in GROUP_KEYS}
    out["goals"] = list(out["goals"] or [])
    out["env_goals"] = list(out["env_goals"] or [])
    out["conditions"] = ",".join(map(str, out["conditions"] or [])) or "none"  # a log from before them: none
    llm = config.get("llm") or (f"replay of {config['replay_llm']}" if config.get("replay_llm") else None)
    out["llm"] = llm or "offline"
    if llm:
        status = ((analysis.run.result or {}).get("llm") or {}).get("status")
        out["llm_status"] = status if isinstance(status, str) else None
    else:
        out["llm_roles"] = []
    if out["learning"] is False:
        out["discovery"] = "none (no learning)"
    if out["env_id"] and not is_minecraft(str(out["env_id"])):  # a variant names only a Minecraft world
        out["variant"] = None
    out["world"] = analysis.world_label
    return out


def group_label(config: dict[str, Any], varying: Sequence[str] = ()) -> str:
    """``original · goals diamond · offline · discovery ours · adam/Minecraft-v0``, then the other keys
    in ``varying`` (those that differ between groups)."""
    goals = ", ".join(config["goals"]) + "".join(f", {g}" for g in config["env_goals"])
    llm = config["llm"]
    if llm != "offline":
        llm += f" ({', '.join(config['llm_roles'] or [])})" if config.get("llm_roles") else ""
        llm += f", LLM {config['llm_status']}" if config.get("llm_status") else ""
    world = config["variant"] or config.get("world") or "?"
    parts = [str(world), f"goals {goals or 'none'}", llm, f"discovery {config['discovery']}"]
    parts.append(str(config["env_id"] or "?"))
    parts += [f"{key.replace('_', ' ')} {config.get(key)}" for key in varying if key not in (*LABEL_KEYS, "llm_roles")]
    return " · ".join(parts)


def aggregate_groups(run_dirs: Iterable[str | Path], folders: Iterable[Path] = ()) -> dict[str, Any]:
    """Replay every run folder and aggregate them per configuration: ``n`` (runs), ``groups`` (each
    with its ``configuration``, ``label`` and the :func:`aggregate_analyses` dict), ``failed_before_start``
    (names of folders a failed command left, including those in ``folders`` with only a config.json)."""
    analyses = [replay(path) for path in run_dirs]
    failed = [a.run.name for a in analyses if a.failed_before_start]
    failed += [p.name for folder in folders for p in half_made_folders(Path(folder))]
    groups: dict[str, tuple[dict[str, Any], list[Analysis]]] = {}
    for analysis in analyses:
        if not analysis.failed_before_start:
            config = configuration(analysis)
            groups.setdefault(repr(sorted(config.items())), (config, []))[1].append(analysis)
    varying = [k for k in (*GROUP_KEYS, "llm_status") if len({repr(c.get(k)) for c, _ in groups.values()}) > 1]
    return {
        "n": sum(len(members) for _, members in groups.values()),
        "groups": [
            {"configuration": config, "label": group_label(config, varying), **aggregate_analyses(members)}
            for config, members in groups.values()
        ],
        "failed_before_start": sorted(failed),
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
    rows.append(
        (
            "SHD (0 in k/n)",
            f"{shd['zero']}/{shd['n']}" if shd["n"] else "-",
            _pm(shd, 2) if shd["n"] else "not scored",
            "",
        )
    )
    rows.append(("LLM calls", "", _pm(agg["llm_calls"]), ""))
    rows.append(("LLM tokens", "", _pm(agg["llm_tokens"]), ""))
    return rows


HEAD = ("", "reached", "step (mean ± sd)", "agent time s (mean ± sd)")


def aggregate_table(agg: dict[str, Any], title: str | None = None, width: int = 120) -> Table:
    """The aggregate as a rich table, ``width`` columns at most."""
    caption = f"damaged or incomplete: {', '.join(sorted(agg['problems']))}" if agg["problems"] else None
    return fitted_table(title or f"{agg['n']} runs", HEAD, _rows(agg), width, wrap=(0,), caption=caption)


def aggregate_markdown(agg: dict[str, Any]) -> str:
    """The aggregate as a Markdown table (for BENCHMARKS.md)."""
    lines = ["| " + " | ".join(HEAD) + " |", "| --- | ---: | ---: | ---: |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in _rows(agg)]
    return "\n".join(lines) + "\n"


def groups_markdown(grouped: dict[str, Any]) -> str:
    """One Markdown table per configuration (under its label), then the folders that failed before start."""
    parts = [f"**{group['label']}** ({group['n']} runs)\n\n{aggregate_markdown(group)}" for group in grouped["groups"]]
    if grouped["failed_before_start"]:
        parts.append(f"failed before start (not aggregated): {', '.join(grouped['failed_before_start'])}\n")
    return "\n".join(parts)
