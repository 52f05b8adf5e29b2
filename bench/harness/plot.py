"""The bench plot: environment steps to a milestone, per variant and method, averaged over the runs that
reached it, with how many did (``k/n``); a method that never got there is drawn as a failure at the top of
the plot, never as a bar of 0 steps."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DPI = 110
FAILED = "#b00020"
FONT = 9.0


def milestone_figure(
    summary: Mapping[str, Mapping[str, Mapping[str, Any]]], milestone: str = "diamond", variants: Sequence[str] = ()
) -> Any:
    """A matplotlib Figure (Agg canvas, pyplot untouched) of ``summary`` (method -> variant -> replay
    aggregate). Bars: mean steps over the runs that reached ``milestone``, ± their sd, labelled ``k/n``;
    no run reached it: a cross at the top labelled ``0/n``. Artists carry gids ``bar:METHOD:VARIANT``,
    ``failed:METHOD:VARIANT`` and ``count:METHOD:VARIANT``. ``variants`` orders the x axis (default: as
    they first appear)."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:  # headless-safe default; never switch a live backend
        matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    methods = list(summary)
    variants = list(variants) or list(dict.fromkeys(v for by in summary.values() for v in by))
    fig = Figure(figsize=(max(7.0, 1.1 * len(variants) * max(1, len(methods)) ** 0.5 + 3), 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    top = blended_transform_factory(ax.transData, ax.transAxes)  # x in data, y in axes (the failure row)
    width = 0.8 / max(len(methods), 1)
    colours = matplotlib.colormaps["tab10"].colors
    highest = 0.0
    for i, method in enumerate(methods):
        colour = colours[i % len(colours)]
        for j, variant in enumerate(variants):
            agg = summary[method].get(variant)
            if agg is None:
                continue
            x = j - 0.4 + width * (i + 0.5)
            reached, n, step = _reached(agg, milestone)
            tag = f"{method}:{variant}"
            if reached and step.get("mean") is not None:
                sd = step.get("sd") or 0.0
                ax.bar(x, step["mean"], width * 0.9, yerr=sd, color=colour, capsize=2, gid=f"bar:{tag}")
                ax.annotate(
                    f"{reached}/{n}", (x, step["mean"] + sd), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=FONT, color="black" if reached == n else FAILED,
                    gid=f"count:{tag}",
                )  # fmt: skip
                highest = max(highest, step["mean"] + sd)
            else:
                ax.plot(x, 0.93, marker="X", markersize=11, color=colour, markeredgecolor=FAILED, transform=top,
                        gid=f"failed:{tag}")  # fmt: skip
                llm = agg.get("llm")
                label = "no LLM answer" if llm and not llm.get("reached") else f"0/{n}"
                ax.text(x, 0.86, label, transform=top, ha="center", va="top", fontsize=FONT, color=FAILED,
                        rotation=90 if len(label) > 5 else 0, gid=f"count:{tag}")  # fmt: skip
    ax.set_ylim(0, max(highest, 1.0) * 1.3)  # the top band stays free for failures and counts
    ax.set_xticks(range(len(variants)), variants, rotation=20, ha="right")
    ax.set_xlim(-0.6, len(variants) - 0.4)
    ax.set_xlabel("variant")
    ax.set_ylabel(f"environment steps to {milestone}")
    fig.suptitle(
        f"Environment steps to {milestone}\nmean ± sd over the runs that reached it; k/n: how many of n runs did",
        fontsize=11,
    )
    handles = [
        Line2D([], [], color=colours[i % len(colours)], linewidth=8, label=method) for i, method in enumerate(methods)
    ]
    handles.append(
        Line2D([], [], color="#999999", markeredgecolor=FAILED, marker="X", markersize=11, linestyle="",
               label="no run reached it\n(in the method's colour)")
    )  # fmt: skip
    ax.legend(handles=handles, fontsize=FONT, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    return fig


def milestone_plot(
    summary: Mapping[str, Mapping[str, Mapping[str, Any]]],
    path: str | Path,
    milestone: str = "diamond",
    variants: Sequence[str] = (),
) -> Path:
    """Save :func:`milestone_figure` as a PNG at ``path``; returns the path."""
    path = Path(path)
    milestone_figure(summary, milestone, variants).savefig(path, format="png", dpi=DPI)
    return path


def _reached(agg: Mapping[str, Any], milestone: str) -> tuple[int, int, Mapping[str, Any]]:
    """How many runs reached ``milestone``, of how many, and the stats of their steps."""
    m = agg.get("milestones", {}).get(milestone, {})
    return int(m.get("reached", 0)), int(m.get("n", agg.get("n", 0))), m.get("step") or {}
