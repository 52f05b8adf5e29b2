"""Replay analysis of run folders: rebuild the graph from ``events.jsonl`` alone, milestones, phases,
LLM usage, environment goals, real failures apart from normal trial outcomes (:mod:`.analysis`,
:mod:`.checks`, :mod:`.outcomes`), the scores against the ground truth that the run wrote to
``result.json`` (:mod:`.scores`), two runs side by side (:mod:`.diff`), many runs at once grouped by
configuration (``from agent.replay.aggregate import aggregate, aggregate_groups``), plots and an HTML
page (:mod:`.report`), the console view (:mod:`.console`, :mod:`.summary`, tables that fit the terminal
in :mod:`.tables`) and the ``adam replay``/``adam diff`` commands (:mod:`.command`). Needs nothing but
the run folder: no simulator, server or LLM."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "RunFolder": "load",
    "load_run": "load",
    "run_folders": "load",
    "Analysis": "analysis",
    "analyse": "analysis",
    "replay": "analysis",
    "diff_runs": "diff",
    "write_report": "report",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the submodule on first use, so ``adam --help`` stays fast."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
