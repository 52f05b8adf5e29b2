"""The methods compared, and one grid cell = one run folder (the same simulator, action library and
step accounting for all).

1. ``ours`` — offline proposer, adaptive do()-tests.
2. ``ours_llm`` — the same with an LLM (only when an endpoint is configured).
3. ``adam`` — ADAM's per-action procedure (5 samples with 32 of each item, one-at-a-time removal);
   ``adam_llm``: the same with the LLM proposing the causes to verify (only with an endpoint).
4. ``intervention_only`` — no proposer: every known item is a candidate, pruned by group testing.
5. ``ours_prior`` — ``ours`` with Minecraft 1.19's relations as beliefs (``adam run --prior``): they steer what
   is tried first, each verified; entries naming what the world lacks are left out (``--prior-unknown skip``:
   in ``obfuscated`` that is every entry, so the row shows what a prior of the wrong names costs).
6. ``prior`` — no learning: plans from the real Minecraft 1.19 recipes (a Voyager-style reliance on
   priors); it should do well on ``original`` and fail where the tree was changed or renamed.
7. ``live`` — ``ours`` in the live game: each cell starts its own local flying-squid server on a free
   127.0.0.1 port of its worker (variant ``original`` only; slow — minutes per run).

A cell's folder is named after the cell, so a cell is idempotent: finished -> skipped, checkpointed
-> resumed (after a dead worker), never run twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from agent.run import RunConfig, new_run, resume_run
from causal_graph.graph import CausalGraph

METHODS = ("ours", "ours_llm", "ours_prior", "adam", "adam_llm", "intervention_only", "prior", "live")
PRIOR_FILE = "minecraft-1.19-prior.json"  # written once into a sweep's runs folder for the ours_prior cells


@dataclass(frozen=True)
class Cell:
    method: str
    variant: str
    seed: int
    out: str  # the folder holding the cells' run folders
    llm: str | None = None
    base_url: str | None = None
    max_steps: int = 20_000

    @property
    def name(self) -> str:
        model = f"-{self.llm.partition(':')[2].replace('/', '_')}" if self.llm_bound and self.llm else ""
        return f"{self.method}{model}-{self.variant.replace(':', '')}-s{self.seed}"

    @property
    def folder(self) -> Path:
        return Path(self.out) / self.name

    @property
    def llm_bound(self) -> bool:
        """Mostly waiting on an LLM endpoint: may share a CPU with other cells."""
        return self.method in ("ours_llm", "adam_llm")

    @property
    def cpus(self) -> float:
        """Scheduling hint: LLM-bound cells oversubscribe; a live cell runs a server and a bot process."""
        return 0.25 if self.llm_bound else 2.0 if self.method == "live" else 1.0


def prior_graph() -> CausalGraph:
    """The real game's tech tree (Minecraft 1.19 rules, as the simulator's original variant has them)
    — what an agent with Minecraft knowledge brings. Used by the ``prior`` baseline only."""
    from env.rules import base_rules
    from env.techtree import true_relations

    return CausalGraph.from_relations(true_relations(base_rules()))


def cell_config(cell: Cell) -> RunConfig:
    config = RunConfig(
        variant=cell.variant, seed=cell.seed, out=cell.out, name=cell.name, picture=False, max_steps=cell.max_steps
    )
    if cell.method == "ours":
        return config
    if cell.method == "ours_llm":
        return replace(config, llm=cell.llm, base_url=cell.base_url)
    if cell.method in ("adam", "intervention_only"):
        return replace(config, discovery=cell.method)
    if cell.method == "adam_llm":
        return replace(config, discovery="adam", llm=cell.llm, base_url=cell.base_url, llm_roles=("hypothesis",))
    if cell.method == "live":
        if cell.variant != "original":
            raise ValueError(f"the live game plays the original rules only, not {cell.variant!r}")
        return replace(config, env_id="adam/MinecraftLive-v0", env_kwargs={"server_seed": cell.seed})
    if cell.method == "prior":
        return replace(config, learning=False, prior="minecraft-1.19 recipes")
    if cell.method == "ours_prior":
        # the 1.19 names are a foreign file's in the obfuscated world: every entry left out, said in result.json;
        # elsewhere an entry naming what the world lacks stays an error (a broken file must not shorten silently)
        unknown = "skip" if cell.variant == "obfuscated" else "error"
        return replace(config, prior_file=str(prior_file(Path(cell.out).resolve())), prior_unknown=unknown)
    raise ValueError(f"unknown method {cell.method!r}; methods: {', '.join(METHODS)}")


def prior_file(runs: Path) -> Path:
    """The 1.19 prior file of a sweep (``adam prior``'s content), written once (atomically) in its runs folder."""
    from env.prior import minecraft_relations

    path = runs / PRIOR_FILE
    if not path.exists():
        runs.mkdir(parents=True, exist_ok=True)
        CausalGraph.from_relations(minecraft_relations()).save(path)
    return path


def cell_state(cell: Cell) -> str:
    """``done`` (result.json written), ``partial`` (a checkpoint to resume), or ``new``."""
    if (cell.folder / "result.json").exists():
        return "done"
    if (cell.folder / "checkpoint.json").exists():
        return "partial"
    return "new"


def run_cell(cell: Cell) -> str:
    """Run (or resume, or skip) one cell to completion; returns its run folder."""
    state = cell_state(cell)
    if state == "done":
        return str(cell.folder)
    if state == "partial":
        resume_run(cell.folder).loop()
        return str(cell.folder)
    if cell.folder.exists():  # died before its first checkpoint: nothing worth keeping
        for path in sorted(cell.folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
    run = new_run(cell_config(cell), prior_graph=prior_graph() if cell.method == "prior" else None, folder=cell.folder)
    run.loop()
    return str(cell.folder)
