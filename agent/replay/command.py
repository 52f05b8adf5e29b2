"""``adam replay`` and ``adam diff``: analyse run folders from their files alone.

- ``adam replay RUN_DIR``: rebuild the graph from the log and check it against ``graph.json``; print
  the scores against the ground truth (from ``result.json``) with the per-action differences, the
  goals, milestones, phases, LLM usage, the real failures and the normal trial outcomes; write
  ``RUN_DIR/report/`` (graph, timeline, HTML page).
- ``adam replay A B`` or ``adam diff A B``: two runs side by side.
- ``adam replay RUNS_DIR`` (a folder of run folders) or ``adam replay A B C ...``: one aggregate table
  per configuration; folders a failed command left are listed as "failed before start".

Exit codes: 0 when done (for one run: the log agrees with graph.json and result.json), 1 when the
log disagrees with them or the run failed before its first step, 2 for bad input (not a run folder).
Damaged log lines are reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

REPLAY_EPILOG = """\
One run folder: checks the log against graph.json and result.json; prints the
scores against the ground truth, goals, milestones, phases, LLM calls, failures
and trial outcomes; writes RUN_DIR/report/index.html. Two folders: side by
side (as adam diff). A folder of run folders, or three or more: one aggregate
table per configuration (variant, goals, LLM setting, discovery, world).
Exit status: 0 done; 1 the log disagrees with its files, or the run failed
before start; 2 bad input.

examples:
  adam replay runs/20261202-141720-330691-original-s0
  adam replay runs/A runs/B --no-report
  adam replay runs/ --markdown > aggregate.md
"""
DIFF_EPILOG = """\
Compares the learned graphs edge by edge (when both runs name things alike),
milestone steps, steps and interventions per phase, scores, LLM calls and
tokens, failures and trial outcomes. Exit status: 0 done, 2 bad input.

examples:
  adam diff runs/A runs/B
  adam diff runs/A runs/B --json > diff.json
"""


def add_parsers(subparsers: Any) -> None:
    """Add the ``replay`` and ``diff`` subcommands to an ``argparse`` subparsers object; each sets
    ``replay_handler`` (a function of the parsed arguments returning the exit code)."""
    replay = subparsers.add_parser(
        "replay",
        help="analyse run folders from their files alone (one run, two side by side, or many)",
        description="Analyse run folders from their files alone: no simulator, server or LLM needed.",
        epilog=REPLAY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay.add_argument(
        "runs", nargs="+", metavar="RUN_DIR", help="a run folder, two to compare, or a folder of run folders"
    )
    replay.add_argument("--report", metavar="DIR", help="where to write the HTML report (default RUN_DIR/report)")
    replay.add_argument("--no-report", action="store_true", help="print only; write no report")
    replay.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    replay.add_argument(
        "--markdown", action="store_true", help="print the aggregate of many runs as Markdown (one table per group)"
    )
    replay.set_defaults(replay_handler=replay_command)
    diff = subparsers.add_parser(
        "diff",
        help="compare two run folders: graph edges, milestones, interventions, LLM",
        description="Compare two run folders from their files alone.",
        epilog=DIFF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument("a", metavar="RUN_A", help="the first run folder (A)")
    diff.add_argument("b", metavar="RUN_B", help="the second run folder (B); differences are B - A")
    diff.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    diff.set_defaults(replay_handler=diff_command)


def replay_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """Dispatch on what was given: one run, two runs, or many."""
    from agent.replay.load import half_made_folders, is_run_folder, run_folders

    console = console or Console()
    paths = [Path(p) for p in args.runs]
    for path in paths:
        if (path / "config.json").is_file() and not is_run_folder(path):
            raise ValueError(f"{path}: failed before start (a config.json but no events.jsonl): nothing to replay")
        if not run_folders(path) and not half_made_folders(path):
            raise ValueError(f"{path}: not a run folder nor a folder of run folders (no events.jsonl)")
    if len(paths) == 1 and is_run_folder(paths[0]):
        return _one(paths[0], args, console)
    if len(paths) == 2 and all(map(is_run_folder, paths)):
        return _two(paths[0], paths[1], args.json, console)
    return _many([run for p in paths for run in run_folders(p)], paths, args, console)


def diff_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam diff A B``."""
    from agent.replay.load import is_run_folder

    for path in (args.a, args.b):
        if not is_run_folder(Path(path)):
            raise ValueError(f"{path}: not a run folder (no events.jsonl)")
    return _two(Path(args.a), Path(args.b), args.json, console or Console())


def _one(path: Path, args: argparse.Namespace, console: Console) -> int:
    from agent.replay.analysis import replay
    from agent.replay.console import run_view

    analysis = replay(path)
    page = None
    if not args.no_report and not analysis.failed_before_start:
        from agent.replay.report import write_report

        try:
            page = write_report(analysis, args.report)
        except Exception as err:  # a broken picture must never hide the analysis
            Console(stderr=True).print(Text(f"warning: no report written ({err!r})", style="yellow"))
    if args.json:
        sys.stdout.write(json.dumps({**analysis.to_dict(), "report": str(page) if page else None}) + "\n")
    else:
        console.print(run_view(analysis, width=console.width))
        if page is not None:
            console.print(f"report: {page}")
    return 0 if analysis.consistent and not analysis.failed_before_start else 1


def _two(a: Path, b: Path, as_json: bool, console: Console) -> int:
    from agent.replay.analysis import replay
    from agent.replay.diff import diff_runs, diff_view
    from agent.replay.summary import capped

    first, second = replay(a), replay(b)
    diff = diff_runs(first, second)
    if as_json:
        sys.stdout.write(json.dumps(diff) + "\n")
    else:
        console.print(diff_view(diff, first.run.name, second.run.name, width=console.width))
        for analysis in (first, second):
            for problem in capped(analysis.problems):
                console.print(Text(f"{analysis.run.name}: {problem}", style="yellow"))
    return 0


def _many(paths: list[Path], given: list[Path], args: argparse.Namespace, console: Console) -> int:
    from agent.replay.aggregate import aggregate_groups, aggregate_table, groups_markdown
    from agent.replay.summary import capped

    grouped = aggregate_groups(paths, given)
    if args.json:
        sys.stdout.write(json.dumps(grouped) + "\n")
        return 0
    if args.markdown:
        sys.stdout.write(groups_markdown(grouped))
        return 0
    groups = grouped["groups"]
    for group in groups:
        title = f"{group['label']} — {group['n']} run{'s' if group['n'] != 1 else ''}"
        console.print(aggregate_table(group, title=title, width=console.width))
    if len(groups) > 1:
        console.print(Text(f"{len(groups)} configurations, one table each (never averaged together)", style="dim"))
    if grouped["failed_before_start"]:
        names = ", ".join(grouped["failed_before_start"])
        console.print(Text(f"failed before start (no step taken; not aggregated): {names}", style="yellow"))
    for group in groups:
        for name, problems in group["problems"].items():
            for problem in capped(problems):
                console.print(Text(f"{name}: {problem}", style="yellow"))
    return 0
