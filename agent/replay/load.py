"""Reading a run folder for replay: the event log (damage reported, not fatal), the config, the saved
graph and result, and the frames if the run kept them. Nothing here needs the simulator."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.runlog import read_events
from causal_graph.errors import GraphFileError
from causal_graph.graph import CausalGraph


class NotARunFolder(ValueError):
    """The path is not a run folder (no ``events.jsonl``)."""


@dataclass
class RunFolder:
    """Everything replay reads from one run folder. ``problems`` lists what was missing or damaged
    (file and line where known); the rest is still usable."""

    path: Path
    events: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    graph: CausalGraph | None = None
    frames: list[Path] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` holds an ``events.jsonl``."""
    return (Path(path) / "events.jsonl").is_file()


def run_folders(path: Path) -> list[Path]:
    """The run folders directly inside ``path`` (sorted by name), or ``[path]`` if it is one itself."""
    path = Path(path)
    if is_run_folder(path):
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and is_run_folder(p)) if path.is_dir() else []


def load_run(path: str | Path) -> RunFolder:
    """Read a run folder. Raises :class:`NotARunFolder` only when there is no event log at all; a
    damaged log line, a missing or unreadable ``config.json``/``graph.json``/``result.json`` become
    entries of ``problems``."""
    path = Path(path)
    if not is_run_folder(path):
        raise NotARunFolder(f"{path}: not a run folder (no events.jsonl)")
    events, problems = read_events(path / "events.jsonl")
    problems += _seq_gaps(events, path / "events.jsonl")
    run = RunFolder(path=path, events=events, problems=problems)
    config = _read_json(path / "config.json", run.problems)
    start = next((e for e in events[:5] if e["kind"] == "start"), None)
    if isinstance(config, dict):
        run.config = config
    elif start is not None and isinstance(start.get("config"), dict):
        run.config = start["config"]
        run.problems.append(f"{path / 'config.json'}: used the config of the start event instead")
    result = _read_json(path / "result.json", run.problems, missing="the run did not finish")
    run.result = result if isinstance(result, dict) else None
    if (path / "graph.json").exists():
        try:
            run.graph = CausalGraph.load(path / "graph.json")
        except GraphFileError as err:
            run.problems.append(str(err))
    else:
        run.problems.append(f"{path / 'graph.json'}: missing")
    frames = path / "frames"
    run.frames = sorted(frames.glob("*.png")) if frames.is_dir() else []
    return run


def _read_json(path: Path, problems: list[str], missing: str = "") -> Any:
    """The JSON content of ``path``, or None with a problem noted."""
    if not path.exists():
        problems.append(f"{path}: missing" + (f" ({missing})" if missing else ""))
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        problems.append(f"{path}: unreadable ({err})")
    except json.JSONDecodeError as err:
        problems.append(f"{path}: line {err.lineno} column {err.colno}: bad JSON ({err.msg})")
    return None


def _seq_gaps(events: list[dict[str, Any]], path: Path) -> list[str]:
    """Problems for event numbers missing from the log (``seq`` runs 1, 2, 3, ... without gaps)."""
    gaps, expected = [], 1
    for event in events:
        seq = event["seq"]
        if isinstance(seq, int) and seq > expected:
            gaps.append(
                f"{path}: events {expected}..{seq - 1} missing"
                if seq - 1 > expected
                else f"{path}: event {expected} missing"
            )
        if isinstance(seq, int):
            expected = max(expected, seq + 1)
    return gaps
