"""The paper's three tables (and the extended variants) from run folders, through replay's
aggregation: SHD; steps to each milestone as ``mean ± sd (k/n)``; steps and interventions to learn
the whole graph; wall time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.replay.aggregate import aggregate
from agent.replay.analysis import MILESTONE_ORDER

# The paper's own figures (ICLR 2025), printed for reference; steps there are agent iterations.
PAPER_MILESTONES = {
    "original": {"ADAM (paper)": {"diamond": "68±21"}, "ADAM Parallel (paper)": {"diamond": "34±7"},
                 "Voyager (paper)": {"diamond": "113±41"}},
    "adam_modified": {"ADAM (paper)": {"diamond": "109±34"}, "ADAM Parallel (paper)": {"diamond": "61±18 (2/3)"}},
}  # fmt: skip
PAPER_SHD = {"ADAM (paper)": "2±2"}


def fmt(stats: Mapping[str, Any] | None, reached: int | None = None, n: int | None = None) -> str:
    if not stats or stats.get("mean") is None:
        text = "-"
    else:
        text = f"{stats['mean']:.0f}±{stats['sd']:.0f}"
    if reached is not None and n is not None:
        text += f" ({reached}/{n})"
    return text


def summarise(runs: Mapping[tuple[str, str], Sequence[str]]) -> dict[str, dict[str, dict[str, Any]]]:
    """(method, variant) -> run folders  ==>  method -> variant -> replay aggregate."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (method, variant), folders in sorted(runs.items()):
        out.setdefault(method, {})[variant] = aggregate(folders)
    return out


def milestone_table(summary: Mapping[str, Mapping[str, Any]], variant: str) -> list[list[str]]:
    rows = [["method", *MILESTONE_ORDER, "goal reached"]]
    for method, by_variant in summary.items():
        agg = by_variant.get(variant)
        if agg is None:
            continue
        cells = [fmt(agg["milestones"][m]["step"], agg["milestones"][m]["reached"], agg["n"]) for m in MILESTONE_ORDER]
        rows.append([method, *cells, f"{agg['goal_reached']['count']}/{agg['n']}"])
    for name, figures in PAPER_MILESTONES.get(variant, {}).items():
        rows.append([name, *(figures.get(m, "") for m in MILESTONE_ORDER), ""])
    return rows


def graph_table(summary: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    rows = [
        ["method", "variant", "SHD", "SHD 0 runs", "alternatives found/total", "steps", "interventions",
         "wall s (to diamond)"]
    ]  # fmt: skip
    for method, by_variant in summary.items():
        for variant, agg in by_variant.items():
            shd = agg["shd"]
            rows.append([
                method, variant, fmt(shd) if shd.get("mean") is None else f"{shd['mean']:.1f}±{shd['sd']:.1f}",
                f"{shd.get('zero', 0)}/{shd.get('n', 0)}", _alternatives(agg), fmt(agg["steps"]),
                fmt(agg["interventions"]),
                "-" if agg["milestones"]["diamond"]["wall"]["mean"] is None
                else f"{agg['milestones']['diamond']['wall']['mean']:.2f}",
            ])  # fmt: skip
    for name, figure in PAPER_SHD.items():
        rows.append([name, "original", figure, "", "", "", "", ""])
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
