"""The methods compared, each one run = one run folder (the same simulator, action library and step
accounting for all).

1. ``ours`` — offline proposer, adaptive do()-tests.
2. ``ours_llm`` — the same with an LLM (only when an endpoint is configured).
3. ``adam`` — ADAM's per-action procedure (5 samples with 32 of each item, one-at-a-time removal).
4. ``intervention_only`` — no proposer: every known item is a candidate, pruned by group testing.
5. ``prior`` — no learning: plans from the real Minecraft 1.19 recipes (a Voyager-style reliance on
   priors); it should do well on ``original`` and fail where the tree was changed or renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph

METHODS = ("ours", "ours_llm", "adam", "intervention_only", "prior")


@dataclass(frozen=True)
class Cell:
    method: str
    variant: str
    seed: int
    out: str
    llm: str | None = None
    base_url: str | None = None

    @property
    def name(self) -> str:
        return f"{self.method}-{self.variant.replace(':', '')}-s{self.seed}"


def prior_graph() -> CausalGraph:
    """The real game's tech tree (Minecraft 1.19 rules, as the simulator's original variant has them)
    — what an agent with Minecraft knowledge brings. Used by the ``prior`` baseline only."""
    from env.rules import base_rules
    from env.techtree import true_relations

    return CausalGraph.from_relations(true_relations(base_rules()))


def run_cell(cell: Cell) -> str:
    """Run one cell to completion; returns its run folder."""
    config = RunConfig(variant=cell.variant, seed=cell.seed, out=cell.out, name=cell.name, picture=False)
    prior = None
    if cell.method == "ours_llm":
        config = RunConfig(**{**config.__dict__, "llm": cell.llm, "base_url": cell.base_url})
    elif cell.method in ("adam", "intervention_only"):
        config = RunConfig(**{**config.__dict__, "discovery": cell.method})
    elif cell.method == "prior":
        config = RunConfig(**{**config.__dict__, "learning": False, "prior": "minecraft-1.19 recipes"})
        prior = prior_graph()
    elif cell.method != "ours":
        raise ValueError(f"unknown method {cell.method!r}; methods: {', '.join(METHODS)}")
    run = new_run(config, prior_graph=prior)
    run.loop()
    return str(Path(run.folder))
