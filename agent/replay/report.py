"""The replay report: the graph picture, a milestone timeline plot (tech level against environment step,
as in the paper's figure) and one self-contained HTML page (images embedded as data URLs) showing them
with the milestone, phase, LLM and failure tables and the run's frames, if it kept any."""

from __future__ import annotations

import base64
import html
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.milestones import union
from agent.replay.analysis import LEARN, LEARN_REST, PHASES, PURSUE, Analysis
from agent.replay.scores import HEAD as SCORE_HEAD
from agent.replay.scores import SCORED, difference_lines, headline, score_row
from agent.replay.summary import (
    capped,
    failure_lines,
    goal_lines,
    goals_text,
    llm_status,
    transition_line,
    trial_lines,
)

PHASE_COLOURS = {LEARN: "#cfe3ff", PURSUE: "#ffd9a8", LEARN_REST: "#dff2d8"}
LINE_COLOURS = ("#1f5fbf", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085")
DPI = 110
MAX_FRAMES = 48
LLM_HEAD = ("role", "phase", "calls", "prompt tokens", "completion tokens", "cached", "errors", "retries",
            "HTTP 429", "time-outs")  # fmt: skip
RESTART_COLOUR = "#b00020"


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure on the Agg canvas, without touching pyplot's global state."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def milestone_levels(analysis: Analysis, order: Sequence[str] | None = None) -> list[tuple[int, int, str]]:
    """``(step, level, label)`` per milestone reached, by step; levels follow the milestone order (``order``,
    default the run's world's: Minecraft's wooden tool 1, stone tool 2, iron tool 3, diamond 4), so runs of any
    variant compare."""
    order = tuple(analysis.milestone_labels if order is None else order)
    points = [
        (int(m["step"]), order.index(label) + 1, label)
        for label, m in analysis.milestones.items()
        if label in order and isinstance(m.get("step"), int)
    ]
    return sorted(points)


def timeline_png(analyses: Sequence[Analysis], path: str | Path, title: str | None = None) -> Path:
    """Plot the tech level of the newest milestone item obtained against the environment step, one line
    per run (levels: the runs' milestone orders as one); with one run, the learn/pursue phases shade the
    background."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    order = union(a.milestone_labels for a in analyses)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = _figure(9.0, 4.2)
    ax = fig.add_subplot()
    if len(analyses) == 1:
        for phase, first, last in analyses[0].spans:
            ax.axvspan(first - 0.5, last + 0.5, color=PHASE_COLOURS[phase], linewidth=0, zorder=0)
        handles = [Patch(color=PHASE_COLOURS[p], label=p.replace("_", " ")) for p in PHASES]
        restarts = [r["step"] for r in analyses[0].restarts if isinstance(r.get("step"), int | float)]
        for step in restarts:
            ax.axvline(step, color=RESTART_COLOUR, linestyle="--", linewidth=1, zorder=2)
        if restarts:
            handles.append(Line2D([], [], color=RESTART_COLOUR, linestyle="--", label="restart"))
    else:
        handles = []
    for index, analysis in enumerate(analyses):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        points = milestone_levels(analysis, order)
        xs = [0] + [p[0] for p in points] + [max(analysis.steps, points[-1][0] if points else 0)]
        ys = [0] + [p[1] for p in points] + [points[-1][1] if points else 0]
        (line,) = ax.step(xs, ys, where="post", color=colour, linewidth=2, zorder=3, label=analysis.run.name)
        ax.scatter([p[0] for p in points], [p[1] for p in points], color=colour, zorder=4, s=28)
        if len(analyses) == 1:
            for step, level, _ in points:
                ax.annotate(str(step), (step, level), textcoords="offset points", xytext=(4, -12), fontsize=8)
        handles.append(line)
    ax.set_yticks(range(len(order) + 1), ["none", *order])
    ax.set_ylim(-0.3, len(order) + 0.4)
    ax.set_xlim(left=0)
    ax.set_xlabel("environment step")
    ax.set_ylabel("tech level reached")
    ax.set_title(title or "milestone timeline", fontsize=11)
    ax.grid(axis="y", color="#dddddd", zorder=1)
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=DPI)
    return path


def graph_png(analysis: Analysis, path: str | Path) -> Path:
    """The tech tree rebuilt from the log, drawn by :func:`causal_graph.picture.draw_graph`."""
    from causal_graph.picture import draw_graph

    title = f"tech tree rebuilt from the log ({analysis.world_label})"
    return draw_graph(analysis.graph, path, title=title, goals=run_goals(analysis))


def run_goals(analysis: Analysis) -> list[str]:
    """The run's item goals as its config names them (an obfuscated run's shown names match nothing: no highlight)."""
    return [str(g) for g in analysis.run.config.get("goals") or ()]


def write_report(analysis: Analysis, out_dir: str | Path | None = None, max_frames: int = MAX_FRAMES) -> Path:
    """Write ``graph.png``, ``timeline.png`` and ``index.html`` to ``out_dir`` (default: the run
    folder's ``report/``); returns the HTML page's path."""
    out = Path(out_dir) if out_dir is not None else analysis.run.path / "report"
    out.mkdir(parents=True, exist_ok=True)
    graph = graph_png(analysis, out / "graph.png")
    timeline = timeline_png([analysis], out / "timeline.png", title=f"milestones of {analysis.run.name}")
    page = out / "index.html"
    page.write_text(report_html(analysis, graph, timeline, max_frames), encoding="utf-8")
    return page


def _data_url(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _graph_html(graph: Path) -> str:
    """The graph picture at its native size, so its labels stay legible, in a box that scrolls when the
    picture is larger than the window."""
    from PIL import Image

    with Image.open(graph) as image:
        width, height = image.size
    return (
        f'<div id="graph-box"><img id="graph" src="{_data_url(graph)}" width="{width}" height="{height}" '
        'alt="the tech tree rebuilt from the log"></div>'
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _items(lines: Sequence[str], empty: str = "none") -> str:
    if not lines:
        return f"<p class='muted'>{html.escape(empty)}</p>"
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def _frames_html(analysis: Analysis, max_frames: int) -> str:
    frames = analysis.run.frames
    if not frames:
        return "<p class='muted'>this run kept no frames</p>"
    stride = max(1, -(-len(frames) // max_frames))
    shown = frames[::stride]
    cards = []
    for frame in shown:
        step, action = analysis.frame_refs.get(frame.name, (None, ""))
        caption = f"step {step}: {action}" if step is not None else frame.name
        cards.append(
            f"<figure><img src='{_data_url(frame)}' alt='{html.escape(frame.name)}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    note = f"<p class='muted'>{len(shown)} of {len(frames)} frames</p>" if len(shown) < len(frames) else ""
    return note + "<div class='frames'>" + "".join(cards) + "</div>"


def _findings_html(a: Analysis) -> str:
    """The scores with the per-action differences, the goals, the real failures and the trial outcomes."""
    score = a.score
    if score["status"] == SCORED:
        lines = difference_lines(score)
        differences = _items(lines, "none: the learned graph equals the ground truth")
        scores = _table(SCORE_HEAD, [score_row(score)]) + "<h3>Differences from the ground truth</h3>" + differences
    else:
        scores = f"<p class='muted'>{html.escape(headline(score))}</p>"
    return f"""<h2>Scores against the ground truth</h2>{scores}
<h2>Goals</h2>{_items(goal_lines(a), "no goals")}
<h2>Failures</h2>{_items(failure_lines(a))}
<h2>Trial outcomes</h2><p class='muted'>normal while learning: a do()-test that fails is evidence, not a fault</p>
{_items(trial_lines(a))}"""


def report_html(analysis: Analysis, graph: Path, timeline: Path, max_frames: int = MAX_FRAMES) -> str:
    """The self-contained HTML page."""
    from causal_graph.graph_view import graph_view_html  # Bokeh: imported only for a report

    a, config = analysis, analysis.run.config
    check = a.graph_check
    status = "consistent" if a.consistent else "INCONSISTENT"
    milestones = [
        (label, m.get("item"), m.get("step"), m.get("wall"), m.get("critical_step"), m.get("interventions"))
        for label, m in a.milestones.items()
    ]
    phases = [(p, *(a.phases[p][k] for k in ("steps", "failed_steps", "interventions", "trials"))) for p in PHASES]
    llm = [
        (
            role,
            phase,
            *(int(r[k]) for k in ("calls", "prompt_tokens", "completion_tokens", "cached", "errors")),
            *(int(r[k]) for k in ("retries", "rate_limited", "timeouts")),
        )  # fmt: skip
        for role, per_phase in sorted(a.llm.items())
        for phase, r in per_phase.items()
    ]
    graph_lines = ["rebuilt graph equals graph.json"] if check.equal else capped(check.differences, "differences")
    if check.untried:
        graph_lines.append(f"known but never tried: {', '.join(check.untried)}")
    end = a.end or {}
    transitions, no_loss = transition_line(a)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ADAM replay: {html.escape(a.run.name)}</title>
<style>
body {{ font-family: sans-serif; margin: 16px; color: #222; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }} h2 {{ font-size: 16px; margin: 18px 0 6px; }}
h3 {{ font-size: 14px; margin: 10px 0 4px; }} #score {{ font-size: 15px; }}
.muted {{ color: #777; }} .bad {{ color: #b00020; font-weight: bold; }} .ok {{ color: #1b7f3b; }}
.pictures {{ display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }}
#timeline {{ max-width: min(100%, 760px); border: 1px solid #ccc; }}
#graph-box {{ overflow: auto; max-width: 100%; max-height: 85vh; margin-top: 12px; border: 1px solid #ccc; }}
#graph {{ display: block; max-width: none; }}
table {{ border-collapse: collapse; font-size: 13px; }} td, th {{ border: 1px solid #ccc; padding: 2px 8px; }}
.frames {{ display: flex; flex-wrap: wrap; gap: 8px; }} .frames img {{ width: 160px; }}
figure {{ margin: 0; font-size: 11px; }}
</style></head><body>
<h1>ADAM replay: {html.escape(a.run.name)}</h1>
<p>{html.escape(a.world_label)} seed {html.escape(str(config.get("seed", "?")))},
goals {html.escape(goals_text(config))}; {len(a.run.events)} events,
{a.steps} steps, {a.interventions} interventions ({a.trials} trials);
<span class="{"ok" if a.consistent else "bad"}">{status}</span>; end: {html.escape(str(end.get("reason", "-")))}</p>
<p id="score" class="{"ok" if a.score.get("shd") == 0 else "bad"}">{html.escape(headline(a.score))}</p>
{f"<p id='llm-status'>{html.escape(llm_status(a))}</p>" if llm_status(a) else ""}
<div class="pictures"><img id="timeline" src="{_data_url(timeline)}" alt="milestone timeline"></div>
{_graph_html(graph)}
<h2>The graph, to zoom and search</h2>
{graph_view_html(a.graph, f"tech tree rebuilt from the log ({a.world_label})", run_goals(a))}
{_findings_html(a)}
<h2>Milestones</h2>{
        _table(("milestone", "item", "step", "agent time (s)", "critical step", "interventions"), milestones)
    }
<h2>Phases</h2>{_table(("phase", "steps", "failed steps", "interventions", "trials"), phases)}
<h2>LLM calls</h2>{_table(LLM_HEAD, llm) if llm else "<p class='muted'>no LLM calls</p>"}
<h2>Graph check</h2>{_items(graph_lines)}
<h2>Transitions</h2><p class="{"ok" if no_loss else "bad"}">{html.escape(transitions)}</p>
<h2>Result check</h2>{_items(a.checks, "milestones, steps, interventions and LLM usage equal result.json")}
<h2>Damage and missing files</h2>{_items(capped(a.problems))}
<h2>Frames</h2>{_frames_html(a, max_frames)}
</body></html>
"""
