"""The run folder: ``config.json``, append-only ``events.jsonl``, atomic ``checkpoint.json`` and
``graph.json``, and the safe cut of the log that resume makes. Format documented in runs/README.md."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECKPOINT_FORMAT = "adam-checkpoint"
CHECKPOINT_VERSION = 1
# Testing hooks: kill this process with SIGKILL right after writing event number N (crash tests);
# with ADAM_FAULT_KILL_ONCE=PATH, only if PATH does not exist yet (it is created first), so one kill
# happens in a whole sweep; ADAM_FAULT_SIGNAL=INT sends SIGINT instead (a Ctrl-C at that event).
FAULT_KILL_ENV = "ADAM_FAULT_KILL_AFTER_EVENT"
FAULT_ONCE_ENV = "ADAM_FAULT_KILL_ONCE"
FAULT_SIGNAL_ENV = "ADAM_FAULT_SIGNAL"
# The files of a run folder that are replaced atomically (their temp files are ".NAME.XXXXXXXX"), and the
# prefix of the side files that keep the events a resume cut from the log.
ATOMIC_FILES = ("config.json", "checkpoint.json", "graph.json", "result.json", "events.jsonl")
TAIL_PREFIX = "events-after-"


class RunFolderError(ValueError):
    """A run folder, its checkpoint or its event log is missing or malformed."""


class RunInterrupted(Exception):
    """Ctrl-C during a run: the run folder keeps its last checkpoint, from which the run resumes."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"interrupted; the run folder keeps its last checkpoint: adam run --resume {folder}")
        self.folder = folder


def atomic_write_json(path: Path, data: Any, fsync: bool = True, indent: int | None = None) -> None:
    """Write JSON to ``path`` atomically (temp file in the same folder, rename). The rename alone makes
    it safe against a killed process; ``fsync`` also makes it safe against a power cut."""
    text = json.dumps(data, indent=indent, separators=None if indent else (",", ":")) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), fsync)


def atomic_write_bytes(path: Path, data: bytes, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (mode 644); with ``fsync``, the file and the rename are on disk
    when this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if fsync:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    """Appends events (flushed as written) and replaces checkpoints atomically. Nothing touches the disk
    before the first write: the folder must exist by then."""

    def __init__(self, folder: Path, seq: int = 0) -> None:
        self.folder = Path(folder)
        self.seq = seq
        self._events: Any = None
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
        if self._events is None:
            self._events = self.events_path.open("a", encoding="utf-8")
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
            self._kill_after = 0
            name = os.environ.get(FAULT_SIGNAL_ENV, "KILL")
            if name == "INT":  # what Ctrl-C's default handler does, also where SIGINT is ignored (a background job)
                raise KeyboardInterrupt
            os.kill(os.getpid(), getattr(signal, f"SIG{name}"))
        return self.seq

    def checkpoint(self, state: dict[str, Any], fsync: bool = False) -> None:
        """Replace ``checkpoint.json`` (after every tick; ``fsync`` at the end of a run)."""
        atomic_write_json(
            self.folder / "checkpoint.json",
            {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "seq": self.seq, **state},
            fsync=fsync,
        )

    def close(self) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None

    def iter_events(self) -> Iterator[dict[str, Any]]:
        events, _ = read_events(self.events_path)
        yield from events


def load_checkpoint(folder: Path) -> dict[str, Any]:
    """Read and validate ``checkpoint.json``, value types included; raises :class:`RunFolderError` naming
    the file and the problem."""
    path = Path(folder) / "checkpoint.json"
    if not Path(folder).is_dir():
        raise RunFolderError(f"{folder}: not a run folder")
    if not path.exists():
        raise RunFolderError(f"{path}: no checkpoint (the run stopped before its first checkpoint)")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as err:
        raise RunFolderError(f"{path}: unreadable checkpoint ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise RunFolderError(f"{path}: not a text file (byte {err.start}: {err.reason})") from None
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
    try:
        _check(data, CHECKPOINT_SCHEMA, "")
    except ValueError as err:
        raise RunFolderError(f"{path}: {err}") from None
    return data


# ----------------------------------------------------------------------------- checkpoint value types
class Fields:
    """A JSON object with these optional fields (``required`` must be there); no other keys."""

    def __init__(self, required: tuple[str, ...] = (), **fields: Any) -> None:
        self.fields, self.required = fields, required


class Each:
    """A JSON object whose every value is ``value`` (keys are names)."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Row:
    """A list of fixed length, its items of these kinds in order."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts


class Signed:
    """An integer that may be negative (a coordinate)."""


NUMBER = (int, float)
COUNT = Each(int)
NAMES = [str]
CHECKPOINT_SCHEMA = Fields(
    format=str,
    version=int,
    seq=int,
    controller=Fields(
        goal_index=int,
        phase=str,
        goals_reached=COUNT,
        milestones=Each(Each(NUMBER)),
        end_reason=str,
        wall=NUMBER,
        ticks=int,
        plan=[Row(str, int, str)],
        relearned=COUNT,
        goals_abandoned=Each(str),
        env_moves=COUNT,
        taken=Each(Fields(learning=int, pursuit=int, added=Each(COUNT), spent=COUNT)),  # agent.resources
        excused=COUNT,
    ),
    graph=dict,  # checked by CausalGraph.from_dict, which names the relation at fault
    learner=Fields(  # causal_graph.learner.LearnerState.to_dict
        known=NAMES,
        tried_with=Each(NAMES),
        status=Each(str),
        refined_with=Each(NAMES),
        completing=bool,
        noisy=bool,
        tries=COUNT,
        caps=COUNT,
        spent=Each([COUNT]),
        spends=COUNT,
        target_ticks=COUNT,
        origin=[Signed()],
        target_reach=COUNT,
        explore=Fields(left=NAMES, dry_rounds=int, trials=int, rounds=int, gone=NAMES),
        tool_tests=Each(bool),
        tier_tests=Each(Each(bool)),
        last_stocked=Each(NAMES),
        since_new=Each(NAMES),
        newcomers=Each(NAMES),
        sweeps=Fields(items=Each(NAMES), done=COUNT, swept=COUNT),
        searched=Each(COUNT),
        beliefs=Fields(confirmed=NAMES, refuted=NAMES),
    ),
    counters=Fields(("steps", "interventions", "critical_steps"), steps=int, interventions=int, critical_steps=int),
    memory=Fields(capacity=int, recent=[dict], failures=[dict], perception=str),
)


def _check(value: Any, spec: Any, where: str) -> None:
    """Raise ValueError naming the field (``controller.goal_index``) whose value does not match ``spec``:
    a type or a tuple of types (numbers must be finite and non-negative; a bool is not an int), ``[spec]``
    (a list), :class:`Signed`, :class:`Row`, :class:`Each` or :class:`Fields`."""
    name = where or "top level"
    if isinstance(spec, Fields):
        _expect(isinstance(value, dict), name, "an object", value)
        unknown = sorted(set(value) - set(spec.fields))
        missing = [k for k in spec.required if k not in value]
        if unknown or missing:
            raise ValueError(f"{name}: {'unknown' if unknown else 'missing'} field(s) {unknown or missing}")
        for key, item in value.items():
            _check(item, spec.fields[key], f"{where}.{key}" if where else key)
    elif isinstance(spec, Each):
        _expect(isinstance(value, dict), name, "an object", value)
        for key, item in value.items():
            _check(item, spec.value, f"{where}.{key}")
    elif isinstance(spec, list):
        _expect(isinstance(value, list), name, "a list", value)
        for i, item in enumerate(value):
            _check(item, spec[0], f"{where}[{i}]")
    elif isinstance(spec, Signed):
        _expect(isinstance(value, int) and not isinstance(value, bool), name, "an integer", value)
    elif isinstance(spec, Row):
        _expect(isinstance(value, list) and len(value) == len(spec.parts), name, f"a list of {len(spec.parts)}", value)
        for i, (item, part) in enumerate(zip(value, spec.parts, strict=True)):
            _check(item, part, f"{where}[{i}]")
    else:
        kinds = spec if isinstance(spec, tuple) else (spec,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        what = "a number" if float in kinds else " or ".join(KIND_NAMES.get(k, k.__name__) for k in kinds)
        _expect(ok, name, what, value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            _expect(math.isfinite(value) and value >= 0, name, "a non-negative number", value)


KIND_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "an object"}


def _expect(ok: bool, where: str, what: str, value: Any) -> None:
    if not ok:
        shown = json.dumps(value)
        raise ValueError(f"{where} must be {what}, got {shown if len(shown) <= 40 else shown[:37] + '...'}")


# ----------------------------------------------------------------------------- resume's cut of the log
@dataclass(frozen=True)
class LogCut:
    """How resume cuts ``events.jsonl`` at a checkpoint: ``kept`` (events 1..seq, parsed), the byte
    ``offset`` where they end, and the ``tail`` after it (events written after the checkpoint, which
    resume redoes, and any torn last line)."""

    path: Path
    seq: int
    kept: list[dict[str, Any]]
    offset: int
    tail: bytes

    @property
    def dropped(self) -> int:
        return sum(1 for line in self.tail.split(b"\n") if line.strip())


def plan_cut(path: Path, seq: int) -> LogCut:
    """Read ``events.jsonl`` and check that its first lines are exactly events 1..``seq``, in order;
    changes nothing. Raises :class:`RunFolderError` naming the line otherwise."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RunFolderError(f"{path}: unreadable event log ({err.strerror})") from None
    kept: list[dict[str, Any]] = []
    offset = 0
    number = 0
    while len(kept) < seq:
        end = data.find(b"\n", offset)
        number += 1
        if end < 0:
            raise RunFolderError(f"{path}: events 1..{seq} are not all present (the log ends at line {number})")
        try:
            event = json.loads(data[offset:end])
        except ValueError as err:
            raise RunFolderError(f"{path}: line {number}: unreadable event before the checkpoint ({err})") from None
        if not isinstance(event, dict) or event.get("seq") != len(kept) + 1 or not isinstance(event.get("kind"), str):
            raise RunFolderError(
                f"{path}: line {number}: expected event {len(kept) + 1}; events 1..{seq} are not all present"
            )
        kept.append(event)
        offset = end + 1
    return LogCut(path, seq, kept, offset, data[offset:])


def stale_temp_files(folder: Path) -> list[Path]:
    """Temp files a killed process left in a run folder (``.checkpoint.json.XXXXXXXX`` and the like)."""
    prefixes = (*(f".{name}." for name in ATOMIC_FILES), ".events.", f".{TAIL_PREFIX}")
    return [p for p in Path(folder).iterdir() if p.name.startswith(prefixes) and p.is_file()]


def apply_cut(cut: LogCut) -> str | None:
    """Cut the log at ``cut.offset`` in place (same file, same mode), after removing stale temp files and
    writing the tail, atomically and synced, to ``events-after-<seq>.jsonl`` (``.2``, ``.3`` … if that
    exists): the log as it was is that file appended to the kept lines. Returns the side file's name."""
    folder = cut.path.parent
    for stale in stale_temp_files(folder):
        stale.unlink()
    name = None
    if cut.tail:
        name = f"{TAIL_PREFIX}{cut.seq}.jsonl"
        number = 1
        while (folder / name).exists():
            number += 1
            name = f"{TAIL_PREFIX}{cut.seq}.{number}.jsonl"
        atomic_write_bytes(folder / name, cut.tail)
    with cut.path.open("r+b") as f:
        f.truncate(cut.offset)
        f.flush()
        os.fsync(f.fileno())
    return name
