"""The run folder: ``config.json``, append-only ``events.jsonl``, atomic ``checkpoint.json`` and
``graph.json``. Format documented in runs/README.md."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHECKPOINT_FORMAT = "adam-checkpoint"
CHECKPOINT_VERSION = 1
# Testing hooks: kill this process with SIGKILL right after writing event number N (crash tests);
# with ADAM_FAULT_KILL_ONCE=PATH, only if PATH does not exist yet (it is created first), so one kill
# happens in a whole sweep.
FAULT_KILL_ENV = "ADAM_FAULT_KILL_AFTER_EVENT"
FAULT_ONCE_ENV = "ADAM_FAULT_KILL_ONCE"


class RunFolderError(ValueError):
    """A run folder, its checkpoint or its event log is missing or malformed."""


def atomic_write_json(path: Path, data: Any, fsync: bool = True, indent: int | None = None) -> None:
    """Write JSON to ``path`` atomically (temp file in the same folder, rename). The rename alone makes
    it safe against a killed process; ``fsync`` also makes it safe against a power cut."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(data, indent=indent, separators=None if indent else (",", ":")) + "\n")
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_events(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """All readable events of an ``events.jsonl`` and a list of problems (line number and why) for
    lines that could not be read: a truncated last line from a killed run, or a corrupt line."""
    events: list[dict[str, Any]] = []
    problems: list[str] = []
    if not path.exists():
        return events, [f"{path}: missing"]
    with path.open("rb") as f:
        lines = f.read().split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            if not isinstance(record, dict) or "seq" not in record or "kind" not in record:
                raise ValueError("not an event record (needs 'seq' and 'kind')")
        except ValueError as err:
            last = number == len(lines) or (number == len(lines) - 1 and not lines[-1])
            problems.append(f"{path}: line {number}: {'truncated last line' if last else 'corrupt line'} ({err})")
            continue
        events.append(record)
    return events, problems


class RunLog:
    """Appends events (flushed as written) and replaces checkpoints atomically."""

    def __init__(self, folder: Path, seq: int = 0) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seq = seq
        self._events = (self.folder / "events.jsonl").open("a", encoding="utf-8")
        self._kill_after = int(os.environ.get(FAULT_KILL_ENV, "0") or 0)
        self._t0 = time.perf_counter()

    @property
    def events_path(self) -> Path:
        return self.folder / "events.jsonl"

    def write_config(self, config: dict[str, Any]) -> None:
        atomic_write_json(self.folder / "config.json", config, indent=1)

    def event(self, kind: str, **data: Any) -> int:
        self.seq += 1
        record = {"seq": self.seq, "kind": kind, "t": round(time.perf_counter() - self._t0, 6), **data}
        self._events.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._events.flush()
        if self._kill_after and self.seq >= self._kill_after:
            once = os.environ.get(FAULT_ONCE_ENV)
            if once:
                try:
                    with open(once, "x"):
                        pass
                except FileExistsError:
                    self._kill_after = 0
                    return self.seq
            os.kill(os.getpid(), signal.SIGKILL)
        return self.seq

    def checkpoint(self, state: dict[str, Any], fsync: bool = False) -> None:
        """Replace ``checkpoint.json`` (after every tick; ``fsync`` at the end of a run)."""
        atomic_write_json(
            self.folder / "checkpoint.json",
            {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "seq": self.seq, **state},
            fsync=fsync,
        )

    def close(self) -> None:
        self._events.close()

    def iter_events(self) -> Iterator[dict[str, Any]]:
        events, _ = read_events(self.events_path)
        yield from events


def load_checkpoint(folder: Path) -> dict[str, Any]:
    """Read and validate ``checkpoint.json``; raises :class:`RunFolderError` naming the file and problem."""
    path = Path(folder) / "checkpoint.json"
    if not Path(folder).is_dir():
        raise RunFolderError(f"{folder}: not a run folder")
    if not path.exists():
        raise RunFolderError(f"{path}: no checkpoint (the run stopped before its first checkpoint)")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise RunFolderError(
            f"{path}: line {err.lineno} column {err.colno}: malformed checkpoint ({err.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise RunFolderError(f"{path}: not an ADAM checkpoint (format tag {CHECKPOINT_FORMAT!r} missing)")
    if data.get("version") != CHECKPOINT_VERSION:
        raise RunFolderError(f"{path}: checkpoint version {data.get('version')!r}, expected {CHECKPOINT_VERSION}")
    for key in ("seq", "controller", "graph", "learner", "counters"):
        if key not in data:
            raise RunFolderError(f"{path}: checkpoint has no {key!r}")
    return data


def truncate_events(path: Path, last_seq: int) -> int:
    """Keep the events up to ``last_seq`` (the checkpoint's), atomically; returns how many were dropped
    (work after the checkpoint, which resume redoes, plus any unreadable line)."""
    events, problems = read_events(path)
    keep = [e for e in events if e["seq"] <= last_seq]
    if [e["seq"] for e in keep] != list(range(1, last_seq + 1)):
        raise RunFolderError(f"{path}: events 1..{last_seq} are not all present; cannot resume safely")
    fd, tmp = tempfile.mkstemp(prefix=".events.", dir=path.parent)
    with os.fdopen(fd, "w") as f:
        for e in keep:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return len(events) - len(keep) + len(problems)
