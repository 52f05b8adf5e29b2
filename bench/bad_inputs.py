"""Every bad input to ``adam run`` ends with one ``error:`` line (exit 2), no traceback, and touches nothing.
Run: ``.venv/bin/python bench/bad_inputs.py`` (about half a minute; prints a markdown table).

Each case runs ``.venv/bin/adam`` as a subprocess in a fresh temp folder. A new run's case must leave its
``--out`` folder as it was (no half-made run folder); a resume's case must leave the run folder
byte-identical, file modes included (nothing rewritten before it was proved safe). The same table drives
``tests/faults/test_bad_inputs.py``, which calls ``agent.cli.main`` in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.runlog import FAULT_KILL_ENV, read_events

Invoke = Callable[[list[str]], tuple[int, str, str]]  # argv -> (exit code, stdout, stderr)
KILL_AT_EVENT = 300  # the killed run's template: killed while learning, a checkpoint well before the kill


@dataclass(frozen=True)
class Templates:
    """Run folders the resume cases start from (each case works on its own copy)."""

    killed: Path  # killed with SIGKILL mid-run: a checkpoint, and events after it
    finished: Path  # ran to its end


@dataclass(frozen=True)
class Case:
    """``input`` as the table shows it; ``argv(work, templates)`` prepares what it needs under ``work``
    and returns the arguments; ``expect``: words the error line must hold (the option or the file)."""

    input: str
    argv: Callable[[Path, Templates], list[str]]
    expect: str


@dataclass(frozen=True)
class Row:
    input: str
    code: int
    stderr: list[str]
    stdout: str
    untouched: bool  # the --out folder (new run) or the run folder (resume) is exactly as before

    @property
    def ok(self) -> bool:
        one = len(self.stderr) == 1 and self.stderr[0].startswith("error: ")
        return self.code == 2 and one and not self.stdout and self.untouched and "Traceback" not in "".join(self.stderr)


# ------------------------------------------------------------------------------------------ cases
def _new(*args: str) -> Callable[[Path, Templates], list[str]]:
    return lambda work, _: ["run", *args, "--out", str(work / "out"), "--quiet", "--no-picture"]


def _grid(command: str, *args: str) -> Callable[[Path, Templates], list[str]]:
    """``adam bench``/``adam sweep`` with a one-cell grid and ``args``, its sweeps under the case folder."""
    grid = ["--seeds", "1", "--methods", "ours", "--variants", "original", "--quiet"]
    return lambda work, _: [command, *grid, *args, "--out", str(work / "out")]


def _out(make: Callable[[Path], Path]) -> Callable[[Path, Templates], list[str]]:
    return lambda work, _: ["run", "--out", str(make(work)), "--quiet", "--no-picture"]


def _a_file(work: Path) -> Path:
    (work / "out").write_text("not a folder\n")
    return work / "out"


def _read_only(work: Path) -> Path:
    """A folder nobody may write into. Root ignores permission bits, so as root: /sys (sysfs), where
    even root cannot create a folder."""
    if os.geteuid() == 0:
        return Path("/sys/adam-bad-input")
    (work / "out").mkdir()
    (work / "out").chmod(0o555)
    return work / "out"


def _resume(edit: Callable[[Path], None], template: str = "killed") -> Callable[[Path, Templates], list[str]]:
    def argv(work: Path, templates: Templates) -> list[str]:
        folder = work / "out" / "run"
        shutil.copytree(getattr(templates, template), folder)
        edit(folder)
        return ["run", "--resume", str(folder), "--quiet"]

    return argv


def _checkpoint(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "checkpoint.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return edit


def _config(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "config.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return edit


def alter_logged_transition(folder: Path, field: str, value: object) -> int:
    """Set ``field`` of the first logged transition (covered by the checkpoint) that added something;
    returns its seq."""
    last = json.loads((folder / "checkpoint.json").read_text())["seq"]
    path = folder / "events.jsonl"
    lines = path.read_bytes().split(b"\n")
    for i, raw in enumerate(lines):
        event = json.loads(raw) if raw.strip() else {}
        if event.get("kind") == "transition" and event["added"] and event["seq"] <= last:
            event[field] = value
            lines[i] = json.dumps(event, separators=(",", ":")).encode()
            path.write_bytes(b"\n".join(lines))
            return event["seq"]
    raise AssertionError(f"{path}: no transition that added something before event {last}")


def _log(field: str, value: object) -> Callable[[Path], None]:
    return lambda folder: alter_logged_transition(folder, field, value)


def _drop_event(folder: Path) -> None:
    path = folder / "events.jsonl"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:10] + lines[11:]))


def _set(path: tuple[str, ...], value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


CASES: tuple[Case, ...] = (
    Case("adam run --seed -1", _new("--seed", "-1"), "--seed"),
    Case("adam run --seed x", _new("--seed", "x"), "--seed"),
    Case("adam run --out FILE (a regular file)", _out(_a_file), "out"),
    Case("adam run --out FILE/sub (under a file)", _out(lambda w: _a_file(w) / "sub"), "out"),
    Case("adam run --out READ_ONLY_DIR", _out(_read_only), "adam-bad-input" if os.geteuid() == 0 else "out"),
    Case("adam run --out /proc/adam", _out(lambda w: Path("/proc/adam")), "/proc/adam"),
    Case("adam run --max-steps 0", _new("--max-steps", "0"), "--max-steps"),
    Case("adam run --max-steps -5", _new("--max-steps", "-5"), "--max-steps"),
    Case("adam run --samples 0", _new("--samples", "0"), "--samples"),
    Case("adam run --samples 256", _new("--samples", "256"), "at most 32"),
    Case("adam run --llm-timeout -1", _new("--llm-timeout", "-1"), "--llm-timeout"),
    Case("adam run --llm-timeout nan", _new("--llm-timeout", "nan"), "--llm-timeout"),
    Case("adam run --llm-retries -1", _new("--llm-retries", "-1"), "--llm-retries"),
    Case("adam run --name ../../x", _new("--name", "../../x"), "--name"),
    Case("adam run --goal unobtainium", _new("--goal", "unobtainium"), "adam items"),
    Case("adam run --variant nonsense", _new("--variant", "nonsense"), "nonsense"),
    Case("adam demo --seed -1", lambda w, t: ["demo", "--seed", "-1", "--quiet", "--frame", str(w / "f")], "--seed"),
    Case("adam run --resume NO_SUCH_DIR", lambda w, t: ["run", "--resume", str(w / "nothing")], "nothing"),
    Case('resume: checkpoint "seq": "x"', _resume(_checkpoint(_set(("seq",), "x"))), "checkpoint.json"),
    Case(
        'resume: checkpoint "controller.goal_index": "x"',
        _resume(_checkpoint(_set(("controller", "goal_index"), "x"))),
        "controller.goal_index",
    ),
    Case(
        'resume: checkpoint "counters.steps": "1"',
        _resume(_checkpoint(_set(("counters", "steps"), "1"))),
        "counters.steps",
    ),
    Case('resume: checkpoint "learner.known": 5', _resume(_checkpoint(_set(("learner", "known"), 5))), "learner"),
    Case(
        'resume: checkpoint "memory.recent": "x"',
        _resume(_checkpoint(_set(("memory", "recent"), "x"))),
        "memory.recent",
    ),
    Case(
        'resume: checkpoint "graph.relations": {}',
        _resume(_checkpoint(_set(("graph", "relations"), {}))),
        "checkpoint.json",
    ),
    Case(
        "resume: binary checkpoint",
        _resume(lambda f: (f / "checkpoint.json").write_bytes(b"\xff\xfe\x00adam\x80")),
        "checkpoint.json",
    ),
    Case('resume: config.json "seed": "x"', _resume(_config(_set(("seed",), "x"))), "config.json"),
    Case("resume: a logged transition's `added` altered", _resume(_log("added", {"diamond": 1})), "added"),
    Case("resume: a logged transition's `consumed` altered", _resume(_log("consumed", {"dirt": 1})), "consumed"),
    Case("resume: a logged transition's `success` altered", _resume(_log("success", False)), "success"),
    Case("resume: a logged transition's `reason` altered", _resume(_log("reason", "moved")), "reason"),
    Case("resume: an event missing from the log", _resume(_drop_event), "events.jsonl"),
    Case("resume: a finished run", _resume(lambda f: None, "finished"), "finished"),
    Case(
        "adam run --resume RUN --variant adam_modified (ignored before)",
        lambda w, t: [*_resume(lambda f: None)(w, t), "--variant", "adam_modified"],
        "--variant",
    ),
    Case(
        "adam run --replay-llm RUN --seed 3 (ignored before)",
        lambda w, t: ["run", "--replay-llm", str(t.finished), "--seed", "3", "--out", str(w / "out")],
        "--seed",
    ),
    Case("adam run --llm-roles hypothesis (no --llm; ignored before)", _new("--llm-roles", "hypothesis"), "--llm"),
    Case("adam run --variant random (no seed)", _new("--variant", "random"), "random:3"),
    Case("adam items --variant random (no seed)", lambda w, t: ["items", "--variant", "random"], "random:3"),
    Case("adam items --out DIR (not an option of items)", lambda w, t: ["items", "--out", str(w)], "items --help"),
    Case(
        "adam demo --variant random (no seed)",
        lambda w, t: ["demo", "--variant", "random", "--quiet", "--frame", str(w / "f")],
        "random:3",
    ),
    Case(
        "adam run --llm openai:m --base-url http://127.0.0.1:9/v1 (nothing listening)",
        _new("--llm", "openai:m", "--base-url", "http://127.0.0.1:9/v1"),
        "cannot reach the LLM endpoint",
    ),
    Case(
        "adam run --llm openai:m --base-url http://nothere.invalid/v1 (no such host)",
        _new("--llm", "openai:m", "--base-url", "http://nothere.invalid/v1"),
        "cannot reach the LLM endpoint",
    ),
    Case("adam run --llm-fallback offline (no --llm)", _new("--llm-fallback", "offline"), "--llm"),
    Case(
        "adam run --llm openai:m --llm-roles perception --perception off",
        _new("--llm", "openai:m", "--llm-roles", "perception", "--perception", "off"),
        "--perception off",
    ),
    Case("adam replay NO_SUCH_DIR", lambda w, t: ["replay", "--no-report", str(w / "nothing")], "nothing"),
    Case("adam diff NO_SUCH_DIR RUN", lambda w, t: ["diff", str(w / "nothing"), str(t.finished)], "nothing"),
    Case("adam sweep --max-steps 0", _grid("sweep", "--max-steps", "0"), "--max-steps"),
    Case("adam sweep --name a/b", _grid("sweep", "--name", "a/b"), "--name"),
    Case("adam sweep --ray-address 127.0.0.1:1 (no Ray there)", _grid("sweep", "--ray-address", "127.0.0.1:1"), "Ray"),
    Case(
        "adam bench --methods ours_llm --llm openai:x --base-url http://127.0.0.1:9/v1 (nothing listens)",
        _grid("bench", "--methods", "ours_llm", "--llm", "openai:x", "--base-url", "http://127.0.0.1:9/v1"),
        "127.0.0.1:9",
    ),
)


# ------------------------------------------------------------------------------------------ running
def make_templates(root: Path, command: list[str]) -> Templates:
    """A killed and a finished seed-0 run under ``root``, made by ``command`` (the ``adam`` executable)."""
    env = {**os.environ, FAULT_KILL_ENV: str(KILL_AT_EVENT)}
    args = ["run", "--seed", "0", "--quiet", "--no-picture"]
    subprocess.run([*command, *args, "--out", str(root / "killed")], env=env, capture_output=True, timeout=300)
    subprocess.run([*command, *args, "--out", str(root / "finished")], capture_output=True, timeout=300, check=True)
    (killed,), (finished,) = (list((root / name).iterdir()) for name in ("killed", "finished"))
    seq = json.loads((killed / "checkpoint.json").read_text())["seq"]
    if not read_events(killed / "events.jsonl")[0][-1]["seq"] > seq:
        raise RuntimeError(f"{killed}: the killed template has no events after its checkpoint")
    return Templates(killed, finished)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under ``folder`` (itself included) with its mode and contents."""
    if not folder.exists():
        return {}
    paths = [folder, *sorted(folder.rglob("*"))] if folder.is_dir() else [folder]
    return {str(p): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"") for p in paths}


def run_case(case: Case, work: Path, templates: Templates, invoke: Invoke) -> Row:
    work.mkdir(parents=True, exist_ok=True)
    argv = case.argv(work, templates)
    before = snapshot(work)
    code, out, err = invoke(argv)
    lines = [line for line in err.splitlines() if line.strip()]
    return Row(case.input, code, lines, out, snapshot(work) == before)


def subprocess_invoke(command: list[str]) -> Invoke:
    def invoke(argv: list[str]) -> tuple[int, str, str]:
        done = subprocess.run([*command, *argv], capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    return invoke


def markdown(rows: list[Row]) -> str:
    lines = ["| input | exit | stderr lines | error line | untouched |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        message = row.stderr[0] if row.stderr else "(nothing)"
        flag = "yes" if row.untouched else "**no**"
        lines.append(f"| {row.input} | {row.code} | {len(row.stderr)} | `{message}` | {flag} |")
    return "\n".join(lines)


def main() -> int:
    adam = Path(sys.executable).with_name("adam")
    command = [str(adam)] if adam.exists() else [sys.executable, "-m", "agent.cli"]
    with tempfile.TemporaryDirectory(prefix="adam-bad-inputs-") as tmp:
        root = Path(tmp)
        templates = make_templates(root / "templates", command)
        invoke = subprocess_invoke(command)
        rows = [run_case(case, root / f"case{i}", templates, invoke) for i, case in enumerate(CASES)]
        for path in root.rglob("*"):  # a read-only case folder must not stop the clean-up
            if path.is_dir():
                path.chmod(0o755)
    sys.stdout.write(markdown(rows) + "\n")
    bad = [row.input for row in rows if not row.ok]
    sys.stdout.write(f"\n{len(rows) - len(bad)}/{len(rows)} end with one error line, exit 2, nothing touched\n")
    if bad:
        sys.stdout.write("not clean: " + "; ".join(bad) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
