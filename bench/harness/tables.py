"""The paper's three tables (and the extended variants) from run folders, through replay's
aggregation: SHD; steps to each milestone as ``mean ± sd (k/n)``; steps and interventions to learn
the whole graph; wall time.

A run that asked for an LLM and never got a valid answer (``result.json``'s ``llm.status`` is
``unavailable``) played the offline agent: it is left out of its LLM method's figures, and the row
says how many of its runs reached the model (``0/10: not an LLM result``); degraded runs are counted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from agent.llm.status import DEGRADED, OK, UNAVAILABLE
from agent.milestones import union
from agent.replay.aggregate import aggregate
from agent.replay.tables import fitted_table

# The paper's own figures (ICLR 2025), printed for reference; steps there are agent iterations.
PAPER_MILESTONES = {
    "original": {"ADAM (paper)": {"diamond": "68±21"}, "ADAM Parallel (paper)": {"diamond": "34±7"},
                 "Voyager (paper)": {"diamond": "113±41"}},
    "adam_modified": {"ADAM (paper)": {"diamond": "109±34"}, "ADAM Parallel (paper)": {"diamond": "61±18 (2/3)"}},
}  # fmt: skip
PAPER_SHD = {"ADAM (paper)": "2±2"}
OUR_UNIT, PAPER_UNIT = "env steps", "agent iterations"  # the paper counts agent iterations, we count env steps
UNITS = "steps: environment steps; the paper's rows: agent iterations"
MODEL_COLUMN = "model reached"


def fmt(stats: Mapping[str, Any] | None, reached: int | None = None, n: int | None = None) -> str:
    if not stats or stats.get("mean") is None:
        text = "-"
    else:
        text = f"{stats['mean']:.0f}±{stats['sd']:.0f}"
    if reached is not None and n is not None:
        text += f" ({reached}/{n})"
    return text


def llm_status(run_dir: str | Path) -> str | None:
    """What came of a finished run's LLM: None when it asked for none, else ``ok``, ``degraded`` or
    ``unavailable`` — ``result.json``'s ``llm.status``; for a result written before that field, no
    successful call is ``unavailable`` and a failure or fallback ``degraded``."""
    try:
        llm = json.loads((Path(run_dir) / "result.json").read_text()).get("llm")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(llm, Mapping) or not llm:
        return None
    if llm.get("status") in (OK, DEGRADED, UNAVAILABLE):
        return str(llm["status"])
    usage = llm.get("usage") if isinstance(llm.get("usage"), Mapping) else {}
    answered = sum(max(0, int(u.get("calls", 0)) - int(u.get("failures", 0))) for u in usage.values())
    if not answered:
        return UNAVAILABLE
    return DEGRADED if any((llm.get("failures") or {}).values()) else OK


def summarise(runs: Mapping[tuple[str, str], Sequence[str]]) -> dict[str, dict[str, dict[str, Any]]]:
    """(method, variant) -> run folders  ==>  method -> variant -> replay aggregate. Runs whose LLM was
    ``unavailable`` are left out of the aggregate; a group with LLM runs gets ``llm``: ``asked``,
    ``reached`` (runs not unavailable), the count per status, and each run's status by name."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (method, variant), folders in sorted(runs.items()):
        status = {str(f): llm_status(f) for f in folders}
        agg = aggregate([f for f in folders if status[str(f)] != UNAVAILABLE])
        asked = {Path(f).name: s for f, s in status.items() if s is not None}
        if asked:
            counts = {s: sum(v == s for v in asked.values()) for s in (OK, DEGRADED, UNAVAILABLE)}
            agg["llm"] = {"asked": len(asked), "reached": len(asked) - counts[UNAVAILABLE], **counts, "runs": asked}
        out.setdefault(method, {})[variant] = agg
    return out


def reached_model(agg: Mapping[str, Any]) -> str:
    """The ``model reached`` cell: ``10/10``, ``7/10, 2 degraded``, ``0/10: not an LLM result``; ''
    for a method without an LLM."""
    llm = agg.get("llm")
    if not llm:
        return ""
    text = f"{llm['reached']}/{llm['asked']}"
    if not llm["reached"]:
        return text + ": not an LLM result"
    return text + (f", {llm[DEGRADED]} degraded" if llm[DEGRADED] else "")


def llm_notes(summary: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per group whose LLM did not always answer: what was left out, what was degraded."""
    notes = []
    for method, by_variant in summary.items():
        for variant, agg in by_variant.items():
            llm = agg.get("llm")
            if not llm or llm[OK] == llm["asked"]:
                continue
            parts = [f"{method} on {variant}: {llm['reached']}/{llm['asked']} runs reached the model"]
            if llm[UNAVAILABLE]:
                what = "not an LLM result" if not llm["reached"] else f"{llm[UNAVAILABLE]} left out"
                parts[0] += f" ({what}: runs without a valid LLM answer played offline and are not averaged)"
            if llm[DEGRADED]:
                parts.append(f"{llm[DEGRADED]} degraded (some LLM calls failed or fell back to offline)")
            notes.append("; ".join(parts))
    return notes


def _has_llm(summary: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(agg.get("llm") for by_variant in summary.values() for agg in by_variant.values())


def milestone_table(summary: Mapping[str, Mapping[str, Any]], variant: str) -> list[list[str]]:
    """Steps to each milestone on ``variant``: ours in environment steps, the paper's rows (labelled so) in
    agent iterations."""
    llm = _has_llm(summary)
    aggs = [by_variant[variant] for by_variant in summary.values() if variant in by_variant]
    labels = union(agg["milestones"] for agg in aggs)  # the world's milestones, in order (replay's aggregate)
    rows = [["method", *labels, MILESTONES_END, *([MODEL_COLUMN] if llm else [])]]
    for method, by_variant in summary.items():
        agg = by_variant.get(variant)
        if agg is None:
            continue
        reached = agg["milestones"]
        cells = [
            fmt(reached[m]["step"], reached[m]["reached"], agg["n"]) if m in reached else fmt(None, 0, agg["n"])
            for m in labels
        ]
        model = [reached_model(agg)] if llm else []
        rows.append([method, *cells, f"{agg['goal_reached']['count']}/{agg['n']}", *model])
    for name, figures in PAPER_MILESTONES.get(variant, {}).items():
        label = f"{name.removesuffix(')')}, {PAPER_UNIT})"
        rows.append([label, *(figures.get(m, "") for m in labels), "", *([""] if llm else [])])
    return rows


def graph_table(summary: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    llm = _has_llm(summary)
    rows = [
        ["method", "variant", "SHD", "SHD 0 runs", "alternatives found/total", OUR_UNIT, "interventions",
         "wall s (to diamond)", *([MODEL_COLUMN] if llm else [])]
    ]  # fmt: skip
    for method, by_variant in summary.items():
        for variant, agg in by_variant.items():
            shd = agg["shd"]
            rows.append([
                method, variant, fmt(shd) if shd.get("mean") is None else f"{shd['mean']:.1f}±{shd['sd']:.1f}",
                f"{shd.get('zero', 0)}/{shd.get('n', 0)}", _alternatives(agg), fmt(agg["steps"]),
                fmt(agg["interventions"]),
                _diamond_wall(agg),
                *([reached_model(agg)] if llm else []),
            ])  # fmt: skip
    for name, figure in PAPER_SHD.items():
        rows.append([name, "original", figure, "", "", "", "", "", *([""] if llm else [])])
    return rows


def sweep_table(summary: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """One row per (method, variant): runs, goal reached, diamond step, steps, interventions, SHD."""
    llm = _has_llm(summary)
    rows = [["method", "variant", "runs", "goal reached", "diamond (env step)", OUR_UNIT, "interventions", "SHD",
             *([MODEL_COLUMN] if llm else [])]]  # fmt: skip
    for method, by_variant in summary.items():
        for variant, agg in by_variant.items():
            d = agg["milestones"].get("diamond", {})
            reached = f"{agg['goal_reached']['count']}/{agg['n']}"
            figures = [fmt(d.get("step")), fmt(agg["steps"]), fmt(agg["interventions"]), fmt(agg["shd"])]
            rows.append([method, variant, str(agg["n"]), reached, *figures, *([reached_model(agg)] if llm else [])])
    return rows


def _alternatives(agg: Mapping[str, Any]) -> str:
    alts = agg.get("alternatives") or {}
    found, total = (alts.get(k) or {} for k in ("found", "total"))
    if found.get("mean") is None or total.get("mean") is None:
        return "-"
    return f"{found['mean']:.1f}/{total['mean']:.0f}"


def markdown(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


# Columns a narrow terminal leaves out first (by header); tables.md and the JSON keep every column.
OPTIONAL_COLUMNS = ("wall s (to diamond)", "alternatives found/total", "interventions", "SHD 0 runs", "runs",
                    "goal reached")  # fmt: skip
WRAPPED_COLUMNS = ("method", MODEL_COLUMN, "diamond (env step)")  # and a milestone table's milestone columns
MILESTONES_END = "goal reached"  # the column after a milestone table's milestones


def terminal_table(rows: list[list[str]], title: str, width: int) -> Table:
    """``rows`` (header first) as a rich table that fits ``width`` columns: cells wrap at spaces (a
    method's name also after its first colon: ``ours_llm:`` ``openai:MODEL``) and fold only when that
    is not enough; at narrow widths the :data:`OPTIONAL_COLUMNS` go first (the caption names them)."""
    head, *body = rows
    body = [[row[0].replace(":", ": ", 1), *row[1:]] for row in body]
    milestones = head[1 : head.index(MILESTONES_END)] if head[0] == "method" and MILESTONES_END in head else []
    wrap = [i for i, h in enumerate(head) if h in WRAPPED_COLUMNS or h in milestones]
    optional = [head.index(h) for h in OPTIONAL_COLUMNS if h in head]
    return fitted_table(title, head, body, width, wrap=wrap, optional=optional)


def _diamond_wall(agg: dict) -> str:
    """The mean agent time to the diamond milestone of a group, '-' when none reached it (or none ran)."""
    mean = ((agg["milestones"].get("diamond") or {}).get("wall") or {}).get("mean")
    return "-" if mean is None else f"{mean:.2f}"
