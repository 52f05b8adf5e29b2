"""The causal graph of a world's tech tree, learned by intervention; its metrics and pictures.

Importing the package is cheap: :func:`draw_graph` (matplotlib, igraph) loads on first use."""

from causal_graph.graph import CausalGraph
from causal_graph.graph_file import GraphFileError
from causal_graph.metrics import EdgeScores, edge_differences, edge_scores, exact_match, quantity_errors, score, shd
from env.interface.relation import CausalRelation, Evidence, Need

__all__ = [
    "CausalGraph",
    "CausalRelation",
    "EdgeScores",
    "Evidence",
    "GraphFileError",
    "Need",
    "draw_graph",
    "edge_differences",
    "edge_scores",
    "exact_match",
    "quantity_errors",
    "score",
    "shd",
]


def __getattr__(name: str):
    if name == "draw_graph":  # the picture's libraries load only when a picture is drawn
        from causal_graph.picture import draw_graph

        return draw_graph
    raise AttributeError(f"module 'causal_graph' has no attribute {name!r}")
