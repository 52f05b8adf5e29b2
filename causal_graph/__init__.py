"""Causal graph of the Minecraft tech tree, learned by intervention."""

from causal_graph.errors import GraphFileError
from causal_graph.graph import CausalGraph
from causal_graph.metrics import EdgeScores, edge_differences, edge_scores, exact_match, quantity_errors, score, shd
from causal_graph.picture import draw_graph
from causal_graph.relation import CausalRelation, Evidence, Need

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
