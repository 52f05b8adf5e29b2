"""Drawing a causal graph as a PNG, laid out left to right by tech level."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import networkx as nx

from causal_graph.graph import CausalGraph

DPI = 120


def draw_graph(
    graph: CausalGraph, path: str | os.PathLike[str], title: str | None = None, item_level: bool = True
) -> Path:
    """Draw ``graph`` to a PNG at ``path`` (parent folders are created) and return the path.

    ``item_level=True`` draws the derived item tree (item -> item, as ADAM draws it); otherwise
    the bipartite item/action graph, with quantities on the edges (held items dashed, yield
    ranges as ``min-max``). Columns are tech levels (items no action is known to yield count as
    given, level 0); nodes of one level are spread vertically.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:  # headless-safe default; never switch a live backend
        matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # items nothing is known to yield are drawn as given, so a half-learned graph still spreads out
    levels = graph.tech_levels(roots=[item for item in graph.items() if not graph.producers(item)])
    if item_level:
        drawn = graph.item_graph()
        columns = {item: levels[item] for item in drawn}
    else:
        drawn = nx.DiGraph(graph.nx_graph)
        columns = _bipartite_columns(graph, levels)
    per_column: dict[int, int] = {}
    for column in columns.values():
        per_column[column] = per_column.get(column, 0) + 1
    width = min(40.0, max(6.0, 2.0 * len(per_column) + 2))
    height = min(40.0, max(4.0, 0.7 * max(per_column.values(), default=1) + 1.5))
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=12)
    if drawn.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "(empty graph)", ha="center", va="center", transform=ax.transAxes)
    else:
        drawn = _ordered(drawn, columns)
        nx.set_node_attributes(drawn, columns, "layer")
        pos = nx.multipartite_layout(drawn, subset_key="layer")
        _draw(ax, drawn, pos, levels, item_level)
        ax.margins(0.12, 0.08)
    fig.savefig(path, format="png", dpi=DPI, bbox_inches="tight")
    return path


def _bipartite_columns(graph: CausalGraph, levels: dict[str, int]) -> dict[str, int]:
    """Items at column 2*level; an action between its needs and its yields (needless ones first)."""
    columns = {item: 2 * levels[item] for item in graph.items()}
    for action in graph.actions():
        needless = graph.explained(action) and not graph.nx_graph.in_degree(action)
        columns[action] = -1 if needless else 2 * levels[action] + 1
    return columns


def _ordered(drawn: nx.DiGraph, columns: dict[str, int]) -> nx.DiGraph:
    """Copy of ``drawn`` with nodes inserted column by column, each column sorted by the mean height of
    its predecessors (the barycenter heuristic), so the layout has fewer crossing edges."""
    height: dict[str, float] = {}
    order: list[str] = []
    for column in sorted(set(columns.values())):

        def key(node: str) -> tuple[float, str]:
            seen = [height[p] for p in drawn.predecessors(node) if p in height]
            return (sum(seen) / len(seen) if seen else 0.5, node)

        nodes = sorted((n for n in drawn if columns[n] == column), key=key)
        height.update((node, i / max(1, len(nodes) - 1)) for i, node in enumerate(nodes))
        order += nodes
    ordered = nx.DiGraph()
    ordered.add_nodes_from((node, drawn.nodes[node]) for node in order)
    ordered.add_edges_from(drawn.edges(data=True))
    return ordered


def _draw(ax: object, drawn: nx.DiGraph, pos: dict, levels: dict[str, int], item_level: bool) -> None:
    """Nodes, edges and labels onto ``ax``."""
    items = [n for n, kind in drawn.nodes(data="kind") if kind == "item"]
    actions = [n for n, kind in drawn.nodes(data="kind") if kind == "action"]
    size = 1800
    nx.draw_networkx_nodes(
        drawn,
        pos,
        nodelist=items,
        node_color=[levels[n] for n in items],
        cmap="YlGn",
        vmin=-1,
        vmax=max(levels.values(), default=0) + 1,
        node_size=size,
        edgecolors="#335533",
        ax=ax,
    )
    if actions:
        explained = ["#9ecae1" if drawn.nodes[n].get("explained") else "#dddddd" for n in actions]
        nx.draw_networkx_nodes(
            drawn, pos, nodelist=actions, node_shape="s", node_color=explained, node_size=size, ax=ax
        )
    held = [(u, v) for u, v, d in drawn.edges(data=True) if d.get("relation") == "needs" and not d["consumed"]]
    solid = [edge for edge in drawn.edges if edge not in set(held)]
    common = {"arrows": True, "arrowstyle": "-|>", "arrowsize": 12, "node_size": size, "ax": ax}
    nx.draw_networkx_edges(drawn, pos, edgelist=solid, edge_color="#555555", **common)
    if held:
        nx.draw_networkx_edges(drawn, pos, edgelist=held, style="dashed", edge_color="#aa5500", **common)
    nx.draw_networkx_labels(drawn, pos, labels={n: _wrap(n) for n in drawn}, font_size=7, ax=ax)
    if not item_level:
        labels = {(u, v): _edge_label(d) for u, v, d in drawn.edges(data=True)}
        nx.draw_networkx_edge_labels(drawn, pos, edge_labels=labels, font_size=7, label_pos=0.5, ax=ax)


def _edge_label(data: dict) -> str:
    """Quantity of a needs edge, or count / ``min-max`` range of a yields edge."""
    span = data.get("range")
    if span is not None and span[0] != span[1]:
        return f"{span[0]}-{span[1]}"
    return str(data["quantity"])


def _wrap(name: str, width: int = 9) -> str:
    """Break long snake_case names onto several lines."""
    lines: list[str] = []
    for word in name.split("_"):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += "_" + word
        else:
            lines.append(word)
    return "\n".join(lines)
