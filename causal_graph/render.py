"""Rendering a laid-out picture with matplotlib: boxes with contrasting text, edges as polylines (solid
or dashed) ending in arrowheads, quantities on the edge ends, column headers, a legend and a title.
One layout inch is one figure inch, so every text has its native size."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from causal_graph.layout import Layout

DPI = 100
NODE_FONT = 10.0  # points: 14 px at DPI 100
EDGE_FONT = 9.0  # 12.5 px
LEGEND_FONT = 10.0
TITLE_FONT = 13.0
MIN_FONT_PX = EDGE_FONT * DPI / 72  # the smallest text of a picture, in pixels at its native size
PAD = 0.1  # inches of box around a node's label
BOX_HEIGHT = 0.3
ARROW = 0.08  # length of an arrowhead, inches
MARGIN = 0.25
HEADER_ROOM = 0.35  # above the top box, for the column headers
EDGE_COLOURS = {False: "#4d4d4d", True: "#2c5d8f"}  # used up, held
HEADER_COLOUR = "#666666"
GOAL_COLOUR = "#c0392b"
FADED = 0.18  # the alpha of what the goals do not need
GOAL_LEGEND = "goal (red border): what it needs drawn full, the rest faded"


@dataclass(frozen=True)
class Role:
    """What a node is: its fill, its words in the legend, its shape."""

    fill: str
    legend: str
    shape: str = "round"  # "round" (items) or "square" (actions)
    dashed: bool = False


@dataclass(frozen=True)
class Picture:
    """Everything one picture shows: the layout, each node's role, the roles and edge kinds the legend
    explains (edge kinds keyed by ``held``), the column headers with their x, and the title."""

    layout: Layout
    roles: dict[str, Role]
    legend_roles: list[Role] = field(default_factory=list)
    edge_kinds: dict[bool, str] = field(default_factory=dict)
    headers: list[tuple[str, float]] = field(default_factory=list)
    title: str | None = None
    goals: frozenset[str] = frozenset()  # drawn with a thick border
    focus: frozenset[str] | None = None  # the goals and what they need; the rest is faded (None: nothing faded)

    def faded(self, *nodes: str) -> bool:
        """Whether a node (or an edge, by its two ends) lies outside the goals' subgraph."""
        return self.focus is not None and not all(n in self.focus for n in nodes)

    @property
    def legend(self) -> list[str]:
        """The legend's entries, in order."""
        return [r.legend for r in self.legend_roles] + list(self.edge_kinds.values()) + self.goal_legend

    @property
    def goal_legend(self) -> list[str]:
        return [GOAL_LEGEND] if self.goals else []


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in inches at ``size`` points, in matplotlib's default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return width / 72


def node_width(name: str) -> float:
    """The width of a node's box: its label on one line, padded."""
    return text_width(name, NODE_FONT) + 2 * PAD


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG contrast of relative luminances)."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 else "#000000"


def render(pic: Picture) -> Any:
    """A matplotlib Figure (on the Agg canvas, pyplot untouched) of ``pic``. Its artists carry gids:
    ``box:NAME`` and ``node:NAME`` (a box and its label), ``edge:SOURCE>TARGET`` and ``label:SOURCE>TARGET``."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:  # headless-safe default; never switch a live backend
        matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lay = pic.layout
    width, height = lay.width + 2 * MARGIN, lay.height + HEADER_ROOM + 2 * MARGIN
    fig = Figure(figsize=(max(width, 6.0), height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, width / max(width, 6.0), 1))
    ax.set_axis_off()
    ax.set_xlim(-MARGIN, lay.width + MARGIN)
    ax.set_ylim(lay.height + MARGIN, -HEADER_ROOM - MARGIN)
    if not lay.boxes:
        ax.text(lay.width / 2, lay.height / 2, "(empty graph)", ha="center", va="center", fontsize=NODE_FONT)
    for text, x in pic.headers:
        ax.text(x, -HEADER_ROOM / 2, text, ha="center", va="center", fontsize=NODE_FONT, color=HEADER_COLOUR)
    _edges(ax, pic)
    _boxes(ax, pic)
    top = _legend(fig, pic)  # above the graph, where a reader starts; the title above it
    if pic.title:
        fig.suptitle(pic.title, x=0.01, y=top, ha="left", va="bottom", fontsize=TITLE_FONT)
    return fig


def _boxes(ax: Any, pic: Picture) -> None:
    from matplotlib.patches import FancyBboxPatch

    for name, box in pic.layout.boxes.items():
        role = pic.roles[name]
        style = "round,pad=0,rounding_size=0.08" if role.shape == "round" else "square,pad=0"
        goal, alpha = name in pic.goals, FADED if pic.faded(name) else 1.0
        ax.add_patch(
            FancyBboxPatch(
                (box.x - box.w / 2, box.y - box.h / 2), box.w, box.h, boxstyle=style, facecolor=role.fill,
                edgecolor=GOAL_COLOUR if goal else "#333333", linewidth=2.4 if goal else 0.8,
                linestyle="--" if role.dashed else "-", zorder=3, gid=f"box:{name}", alpha=alpha,
            )
        )  # fmt: skip
        colour = text_colour(role.fill)
        ax.text(
            box.x, box.y, name, ha="center", va="center", fontsize=NODE_FONT, color=colour, zorder=4,
            gid=f"node:{name}", alpha=alpha,
        )  # fmt: skip


def _edges(ax: Any, pic: Picture) -> None:
    from matplotlib.patches import Polygon

    for route in pic.layout.routes:
        held = bool(route.data.get("held"))
        colour = EDGE_COLOURS[held]
        xs, ys = zip(*route.points, strict=True)
        style = (0, (4, 2.5)) if held else "-"
        alpha = FADED if pic.faded(route.source, route.target) else 1.0
        ax.plot(
            xs, ys, color=colour, linewidth=1.1, linestyle=style, zorder=1, gid=f"edge:{route.source}>{route.target}",
            alpha=alpha,
        )  # fmt: skip
        x0, (x1, y1) = route.points[-2][0], route.points[-1]
        direction = 1 if x1 >= x0 else -1
        head = [(x1, y1), (x1 - direction * ARROW, y1 - ARROW / 2.4), (x1 - direction * ARROW, y1 + ARROW / 2.4)]
        ax.add_patch(
            Polygon(head, closed=True, facecolor=colour, edgecolor=colour, linewidth=0.5, zorder=2, alpha=alpha)
        )
        label = route.data.get("label")
        if label:
            x, y = route.label_at
            ax.text(
                x, y, label, ha="center", va="center", fontsize=EDGE_FONT, color=colour, zorder=2,
                gid=f"label:{route.source}>{route.target}", alpha=alpha,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )  # fmt: skip


def _legend(fig: Any, pic: Picture) -> float:
    """The legend, just above the graph; returns the height (in figure fractions) of its top."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=r.fill, edgecolor="#333333", linestyle="--" if r.dashed else "-", label=r.legend)
        for r in pic.legend_roles
    ]
    handles += [
        Line2D([], [], color=EDGE_COLOURS[held], linewidth=1.5, linestyle=(0, (4, 2.5)) if held else "-", label=text)
        for held, text in pic.edge_kinds.items()
    ]
    handles += [Patch(facecolor="#ffffff", edgecolor=GOAL_COLOUR, linewidth=2.4, label=t) for t in pic.goal_legend]
    if not handles:
        return 1.0
    columns = max(1, min(len(handles), int(fig.get_figwidth() // 3.6)))
    legend = fig.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.01, 1), ncols=columns, fontsize=LEGEND_FONT,
        frameon=False, title="columns: tech levels, left to right", title_fontsize=LEGEND_FONT,
        alignment="left", handlelength=2.6, borderaxespad=0,
    )  # fmt: skip
    return legend.get_window_extent(fig.canvas.get_renderer()).y1 / fig.bbox.height + 0.05 / fig.get_figheight()
