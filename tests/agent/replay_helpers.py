"""Helpers shared by the replay tests: copy a run folder, read and rewrite its event log, run
`adam replay`/`adam diff` in-process."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

from rich.console import Console

from agent.replay.command import add_parsers


def copy_run(runs: dict, name: str, tmp_path: Path) -> Path:
    """A copy of the run folder ``runs[name][0]`` under ``tmp_path`` (to damage or edit)."""
    folder = tmp_path / name
    shutil.copytree(runs[name][0], folder)
    return folder


def read_log(folder: Path) -> list[dict]:
    """The events of the run folder's log (every line readable)."""
    return [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]


def write_log(folder: Path, events: list[dict]) -> None:
    """Write ``events`` renumbered 1, 2, 3, ..."""
    lines = [json.dumps({**e, "seq": i}) for i, e in enumerate(events, start=1)]
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n")


def command(argv: list[str]) -> tuple[int, str]:
    """Run ``adam ARGV`` (replay or diff) in-process: the exit code and what it printed (200 columns)."""
    parser = argparse.ArgumentParser(prog="adam")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    return args.replay_handler(args, console=Console(file=out, width=200)), out.getvalue()
