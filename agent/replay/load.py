"""Reading a run folder for replay: the event log (damage reported, not fatal), the config, the saved
graph and result, and the frames if the run kept them. Nothing here needs the simulator.

Damage is summarised for people: many damaged lines, many gaps, duplicated or out-of-order event
numbers each become one problem (how many, the first few); :attr:`RunFolder.damaged_lines` keeps every
damaged line. Events are analysed in ``seq`` order, each exact copy of a line once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.runlog import read_events
from causal_graph.graph import CausalGraph
from causal_graph.graph_file import GraphFileError


class NotARunFolder(ValueError):
    """The path is not a run folder (no ``events.jsonl``)."""


@dataclass
class RunFolder:
    """Everything replay reads from one run folder. ``problems`` lists what was missing or damaged
    (file and line where known); the rest is still usable."""

    path: Path
    events: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    damaged_lines: list[str] = field(default_factory=list)  # every unreadable line of events.jsonl, one each
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


def never_started(run: RunFolder) -> bool:
    """Whether ``run`` is a folder a command left when it failed before the run's first step (older
    versions made the folder before checking everything): no ``result.json`` and no transition."""
    return run.result is None and not any(e["kind"] == "transition" for e in run.events)


def half_made_folders(path: Path) -> list[Path]:
    """Folders directly inside ``path`` with a ``config.json`` but no ``events.jsonl``: what a command
    that failed before its first event left (sorted by name)."""
    path = Path(path)
    if not path.is_dir() or is_run_folder(path):
        return []
    return sorted(p for p in path.iterdir() if p.is_dir() and not is_run_folder(p) and (p / "config.json").is_file())


def load_run(path: str | Path) -> RunFolder:
    """Read a run folder. Raises :class:`NotARunFolder` only when there is no event log at all; a
    damaged log line, a missing or unreadable ``config.json``/``graph.json``/``result.json`` become
    entries of ``problems``."""
    path = Path(path)
    if not is_run_folder(path):
        raise NotARunFolder(f"{path}: not a run folder (no events.jsonl)")
    log = path / "events.jsonl"
    events, damaged = read_events(log)
    events, order = _in_seq_order(events, log)
    problems = [*_damage_summary(damaged, log), *order, *_seq_gaps(events, log)]
    run = RunFolder(path=path, events=events, problems=problems, damaged_lines=damaged)
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


MAX_LISTED = 5  # line or event numbers named in one summarised problem
MAX_SEPARATE = 3  # up to this many damaged lines or gaps are reported one by one
_DAMAGED = re.compile(r": line (\d+): corrupt line \((.*)\)$", re.S)


def _numbers(values: list[Any], total: int | None = None) -> str:
    """``"3, 4, 9, 10, 11, …"``: the first :data:`MAX_LISTED` of ``values`` (``total`` of them)."""
    total = len(values) if total is None else total
    return ", ".join(map(str, values[:MAX_LISTED])) + (", …" if total > MAX_LISTED else "")


def _damage_summary(damaged: list[str], path: Path) -> list[str]:
    """The damaged-line problems of :func:`agent.runlog.read_events` for people: a few are kept as they
    are; more corrupt lines become one problem (how many, the first line numbers, the first reason)."""
    corrupt = [(int(m.group(1)), m.group(2)) for m in map(_DAMAGED.search, damaged) if m]
    if len(corrupt) <= MAX_SEPARATE:
        return list(damaged)
    rest = [line for line in damaged if not _DAMAGED.search(line)]  # a truncated last line
    lines = [number for number, _ in corrupt]
    summary = (
        f"{path}: {len(corrupt):,} corrupt lines (lines {_numbers(lines)}); the first: {corrupt[0][1]} "
        "(replay --json lists them all)"
    )
    return [summary, *rest]


def _in_seq_order(events: list[dict[str, Any]], path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The events in ``seq`` order, each exact copy of an earlier line dropped, and one problem each for
    duplicated numbers (copies dropped; different events sharing a number kept, in log order), events
    out of order (put back in order) and numbers that are not whole numbers (kept where they stand)."""
    first: dict[int, dict[str, Any]] = {}
    kept: list[tuple[int, dict[str, Any]]] = []  # (sort key, event)
    copies, clashes, late, odd = [], [], [], 0
    top = 0
    for event in events:
        seq = event["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            odd += 1
            kept.append((top, event))  # stays after the event before it
            continue
        if seq in first:
            if first[seq] == event:
                copies.append(seq)
                continue
            clashes.append(seq)
        else:
            first[seq] = event
            if seq < top:
                late.append(f"{seq} after {top}")
        top = max(top, seq)
        kept.append((seq, event))
    problems = []
    if copies or clashes:
        how = [f"{len(copies):,} exact copies ignored"] if copies else []
        how += [f"{len(clashes):,} different events kept in log order"] if clashes else []
        numbers = sorted(set(copies) | set(clashes))
        problems.append(
            f"{path}: {len(copies) + len(clashes):,} duplicated event numbers (seq {_numbers(numbers)}): "
            + ", ".join(how)
        )
    if late:
        problems.append(f"{path}: {len(late):,} events out of order (seq {_numbers(late)}); analysed in seq order")
    if odd:
        problems.append(f"{path}: {odd:,} events whose seq is not a whole number; analysed where they stand")
    if late:
        kept.sort(key=lambda pair: pair[0])  # stable: equal numbers stay in log order
    return [event for _, event in kept], problems


def _seq_gaps(events: list[dict[str, Any]], path: Path) -> list[str]:
    """Problems for event numbers missing from the log (``seq`` runs 1, 2, 3, ... without gaps); more
    than a few gaps become one problem."""
    gaps: list[str] = []
    missing, expected = 0, 1
    for event in events:
        seq = event["seq"]
        if isinstance(seq, int) and not isinstance(seq, bool):
            if seq > expected:
                gaps.append(f"{expected}..{seq - 1}" if seq - 1 > expected else f"{expected}")
                missing += seq - expected
            expected = max(expected, seq + 1)
    if len(gaps) > MAX_SEPARATE:
        return [f"{path}: {missing:,} events missing in {len(gaps):,} gaps (events {_numbers(gaps)})"]
    return [f"{path}: events {gap} missing" if ".." in gap else f"{path}: event {gap} missing" for gap in gaps]
