"""The causal graph as an interactive view for a web page: the picture's layout (:func:`causal_graph.picture.picture`:
tech levels as columns, the same routed edges, fills and goal highlight), drawn by Bokeh so that a reader can zoom
(wheel), pan (drag) and find any item or action by name (a search box that selects it and centres the view on it).
Hovering a node says what it is and, for an action, what it needs and yields.

Bokeh renders in the browser from its own JavaScript, shipped in its wheel, which :func:`graph_view_html` embeds in
the page (no network: the report opens offline). Chosen over pyvis (vis.js; older, pulls in IPython) and Plotly (no
search box, a 4 MB script): Bokeh is kept up, has the widgets, and its two scripts the view needs are ~1.7 MB.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from causal_graph.graph import CausalGraph
from causal_graph.picture import picture
from causal_graph.render import EDGE_COLOURS, FADED, GOAL_COLOUR, Picture

PIXELS_PER_INCH = 60  # the view's scale at its first zoom: the whole tree of ADAM's 41 fits a page's width
# what a click in the search box runs in the browser: select the node named and centre the view on it
_FIND = """
const i = nodes.data.name.indexOf(box.value);
if (i < 0) { return; }
nodes.selected.indices = [i];
const x = nodes.data.x[i], y = nodes.data.y[i];
const w = plot.x_range.end - plot.x_range.start, h = plot.y_range.start - plot.y_range.end;
plot.x_range.start = x - w / 2; plot.x_range.end = x + w / 2;
plot.y_range.start = y + h / 2; plot.y_range.end = y - h / 2;
"""


def graph_view(graph: CausalGraph, title: str | None = None, goals: Iterable[str] = ()) -> Any:
    """A Bokeh layout (the search box above the plot) of ``graph``'s item tree, ``goals`` highlighted as in
    ``graph.png``."""
    from bokeh.layouts import column
    from bokeh.models import (
        AutocompleteInput,
        ColumnDataSource,
        CustomJS,
        HoverTool,
        Range1d,
        TapTool,
        WheelZoomTool,
    )
    from bokeh.plotting import figure

    pic = picture(graph, title, item_level=True, goals=goals)
    lay = pic.layout
    names = sorted(lay.boxes)
    nodes = ColumnDataSource(_node_data(graph, pic, names))
    width, height = max(lay.width, 1.0) + 1.0, max(lay.height, 1.0) + 1.0
    plot = figure(
        title=title or "tech tree",
        x_range=Range1d(-0.5, width - 0.5),
        y_range=Range1d(height - 0.5, -0.5),  # the layout's y grows downwards
        width=int(min(width, 24) * PIXELS_PER_INCH),
        height=int(min(height, 16) * PIXELS_PER_INCH),
        tools="pan,box_zoom,reset,save",
        match_aspect=True,
        sizing_mode="stretch_width",
    )
    wheel = WheelZoomTool()
    plot.add_tools(wheel)
    plot.toolbar.active_scroll = wheel
    plot.axis.visible = False
    plot.grid.visible = False
    edges = ColumnDataSource(_edge_data(pic))
    plot.multi_line("xs", "ys", source=edges, line_color="colour", line_alpha="alpha", line_dash="dash", line_width=1.2)
    boxes = plot.rect(
        "x", "y", "w", "h", source=nodes, fill_color="fill", fill_alpha="alpha", line_color="line",
        line_width="line_width", line_alpha="alpha", nonselection_fill_alpha=0.35,
        selection_line_color=GOAL_COLOUR, selection_line_width=3,
    )  # fmt: skip
    plot.text("x", "y", text="name", source=nodes, text_align="center", text_baseline="middle", text_font_size="9pt")
    plot.add_tools(
        HoverTool(renderers=[boxes], tooltips=[("", "@name"), ("what", "@role"), ("relation", "@relation")]),
        TapTool(renderers=[boxes]),
    )
    box = AutocompleteInput(
        title="find an item or action", completions=names, placeholder="e.g. " + (names[-1] if names else ""),
        case_sensitive=False, min_characters=1, sizing_mode="stretch_width",
    )  # fmt: skip
    box.js_on_change("value", CustomJS(args={"nodes": nodes, "plot": plot, "box": box}, code=_FIND))
    return column(box, plot, sizing_mode="stretch_width")


def graph_view_html(graph: CausalGraph, title: str | None = None, goals: Iterable[str] = ()) -> str:
    """An HTML fragment holding the interactive view and Bokeh's JavaScript (inline: the page works offline)."""
    from bokeh.embed import components
    from bokeh.resources import Resources

    script, div = components(graph_view(graph, title, goals))
    js = Resources(mode="inline", components=["bokeh", "bokeh-widgets"]).render_js()  # what the view uses
    return f'<div id="graph-view">{js}{script}{div}</div>'


def _node_data(graph: CausalGraph, pic: Picture, names: list[str]) -> dict[str, list[Any]]:
    boxes = pic.layout.boxes
    data: dict[str, list[Any]] = {k: [] for k in ("name", "x", "y", "w", "h", "fill", "line", "line_width", "alpha")}
    data.update(role=[], relation=[])
    for name in names:
        b, role = boxes[name], pic.roles[name]
        goal = name in pic.goals
        data["name"].append(name)
        data["x"].append(b.x)
        data["y"].append(b.y)
        data["w"].append(b.w)
        data["h"].append(b.h)
        data["fill"].append(role.fill)
        data["line"].append(GOAL_COLOUR if goal else "#333333")
        data["line_width"].append(3.0 if goal else 1.0)
        data["alpha"].append(FADED if pic.faded(name) else 1.0)
        data["role"].append(role.legend)
        data["relation"].append(_made_by(graph, name))
    return data


def _made_by(graph: CausalGraph, item: str) -> str:
    """How ``item`` is made, as the graph says: each producing action with what it needs."""
    parts = []
    for action in graph.producers(item):
        rel = graph.relation(action)
        if rel is None:
            continue
        needs = ", ".join(f"{n.quantity} {i}" + ("" if n.consumed else " (held)") for i, n in rel.needs.items())
        parts.append(f"{action}: {needs or 'nothing'}")
    return "; ".join(parts) or "-"


def _edge_data(pic: Picture) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {"xs": [], "ys": [], "colour": [], "alpha": [], "dash": []}
    for route in pic.layout.routes:
        held = bool(route.data.get("held"))
        xs, ys = zip(*route.points, strict=True)
        data["xs"].append(list(xs))
        data["ys"].append(list(ys))
        data["colour"].append(EDGE_COLOURS[held])
        data["alpha"].append(FADED if pic.faded(route.source, route.target) else 1.0)
        data["dash"].append("dashed" if held else "solid")
    return data
