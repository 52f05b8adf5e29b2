"""``adam replay`` and ``adam diff``: analyse run folders from their files alone.

- ``adam replay RUN_DIR``: rebuild the graph from the log and check it against ``graph.json``; print
  milestones, phases, LLM usage and failures; write ``RUN_DIR/report/`` (graph, timeline, HTML page).
- ``adam replay A B`` or ``adam diff A B``: two runs side by side.
- ``adam replay RUNS_DIR`` (a folder of run folders) or ``adam replay A B C ...``: the aggregate table.

Exit codes: 0 when done (for one run: the log agrees with graph.json and result.json), 1 when the
log disagrees with them, 2 for bad input (not a run folder). Damaged log lines are reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text


def add_parsers(subparsers: Any) -> None:
    """Add the ``replay`` and ``diff`` subcommands to an ``argparse`` subparsers object; each sets
    ``replay_handler`` (a function of the parsed arguments returning the exit code)."""
    replay = subparsers.add_parser(
        "replay", help="analyse run folders from their files alone (one run, two side by side, or many)"
    )
    replay.add_argument("runs", nargs="+", metavar="RUN_DIR", help="a run folder, two to compare, or a folder of runs")
    replay.add_argument("--report", metavar="DIR", help="where to write the report (default RUN_DIR/report)")
    replay.add_argument("--no-report", action="store_true", help="print only; write no report")
    replay.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    replay.add_argument("--markdown", action="store_true", help="print the aggregate of many runs as Markdown")
    replay.set_defaults(replay_handler=replay_command)
    diff = subparsers.add_parser("diff", help="compare two run folders: graph edges, milestones, interventions, LLM")
    diff.add_argument("a", metavar="RUN_A")
    diff.add_argument("b", metavar="RUN_B")
    diff.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    diff.set_defaults(replay_handler=diff_command)


def replay_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """Dispatch on what was given: one run, two runs, or many."""
    from agent.replay.load import is_run_folder, run_folders

    console = console or Console()
    paths = [Path(p) for p in args.runs]
    missing = [p for p in paths if not run_folders(p)]
    if missing:
        raise ValueError(f"{missing[0]}: not a run folder nor a folder of run folders (no events.jsonl)")
    if len(paths) == 1 and is_run_folder(paths[0]):
        return _one(paths[0], args, console)
    if len(paths) == 2 and all(map(is_run_folder, paths)):
        return _two(paths[0], paths[1], args.json, console)
    return _many([run for p in paths for run in run_folders(p)], args, console)


def diff_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam diff A B``."""
    from agent.replay.load import is_run_folder

    for path in (args.a, args.b):
        if not is_run_folder(Path(path)):
            raise ValueError(f"{path}: not a run folder (no events.jsonl)")
    return _two(Path(args.a), Path(args.b), args.json, console or Console())


def _one(path: Path, args: argparse.Namespace, console: Console) -> int:
    from agent.replay.analysis import replay

    analysis = replay(path)
    page = None
    if not args.no_report:
        from agent.replay.report import write_report

        try:
            page = write_report(analysis, args.report)
        except Exception as err:  # a broken picture must never hide the analysis
            Console(stderr=True).print(Text(f"warning: no report written ({err!r})", style="yellow"))
    if args.json:
        sys.stdout.write(json.dumps({**analysis.to_dict(), "report": str(page) if page else None}) + "\n")
    else:
        console.print(run_view(analysis))
        if page is not None:
            console.print(f"report: {page}")
    return 0 if analysis.consistent else 1


def _two(a: Path, b: Path, as_json: bool, console: Console) -> int:
    from agent.replay.analysis import replay
    from agent.replay.diff import diff_runs, diff_view
    from agent.replay.report import capped

    first, second = replay(a), replay(b)
    diff = diff_runs(first, second)
    if as_json:
        sys.stdout.write(json.dumps(diff) + "\n")
    else:
        console.print(diff_view(diff, first.run.name, second.run.name))
        for analysis in (first, second):
            for problem in capped(analysis.problems):
                console.print(Text(f"{analysis.run.name}: {problem}", style="yellow"))
    return 0


def _many(paths: list[Path], args: argparse.Namespace, console: Console) -> int:
    from agent.replay.aggregate import aggregate, aggregate_markdown, aggregate_table
    from agent.replay.report import capped

    agg = aggregate(paths)
    if args.json:
        sys.stdout.write(json.dumps(agg) + "\n")
    elif args.markdown:
        sys.stdout.write(aggregate_markdown(agg))
    else:
        console.print(aggregate_table(agg))
        for name, problems in agg["problems"].items():
            for problem in capped(problems):
                console.print(Text(f"{name}: {problem}", style="yellow"))
    return 0


def _table(title: str, head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(head):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*("-" if cell is None else str(cell) for cell in row))
    return table


def run_view(analysis: Any) -> Group:
    """The console summary of one replayed run."""
    from agent.replay.analysis import PHASES
    from agent.replay.report import capped, failure_lines, transition_line

    a, config = analysis, analysis.run.config
    restarts = ", ".join(f"{what} {n}" for what, n in sorted(a.restart_counts.items()))
    parts: list[Any] = [
        Text.assemble(
            ("replay ", "bold"),
            f"{a.run.name}: {config.get('variant', '?')} seed {config.get('seed', '?')}, goals ",
            f"{', '.join(map(str, config.get('goals', [])))}; {len(a.run.events)} events, {a.steps} steps, ",
            f"{a.interventions} interventions ({a.trials} trials)",
            f"; {len(a.restarts)} restarts ({restarts})" if a.restarts else "",
        )
    ]
    parts += [Text(f"damaged/missing: {p}", style="yellow") for p in capped(a.problems)]
    line, no_loss = transition_line(a)
    parts.append(Text(line, style="green" if no_loss else "red"))
    check = a.graph_check
    explained = f"{len(a.graph.relations())}/{len(a.graph.actions())} actions explained"
    if check.equal:
        parts.append(Text(f"graph rebuilt from the log equals graph.json ({explained})", style="green"))
    else:
        parts.append(Text("graph rebuilt from the log differs from graph.json:", style="red"))
        parts += [Text(f"  {line}", style="red") for line in capped(check.differences, "differences")]
    if check.untried:
        parts.append(Text(f"known but never tried: {', '.join(check.untried)}", style="dim"))
    if a.run.result is None:
        parts.append(Text("no result.json: milestones not checked", style="yellow"))
    elif a.checks:
        parts += [Text(f"result.json disagrees: {line}", style="red") for line in a.checks]
    else:
        parts.append(Text("milestones, steps, interventions and LLM usage equal result.json", style="green"))
    head = ("milestone", "item", "step", "agent time (s)", "critical step", "interventions")
    keys = ("item", "step", "wall", "critical_step", "interventions")
    rows = [(label, *(m.get(k) for k in keys)) for label, m in a.milestones.items()]
    parts.append(_table("milestones", head, rows) if rows else Text("no milestone reached", style="yellow"))
    head = ("phase", "steps", "failed", "interventions", "trials", "LLM calls", "LLM tokens")
    parts.append(_table("phases", head, [(p, *_phase_row(a.phases[p])) for p in PHASES]))
    llm = [
        (
            role,
            phase,
            r["calls"],
            r["prompt_tokens"],
            r["completion_tokens"],
            r["cached"],
            r["errors"],
            r["retries"],
            r["rate_limited"],
            r["timeouts"],
        )  # fmt: skip
        for role, per_phase in sorted(a.llm.items())
        for phase, r in per_phase.items()
    ]
    head = ("LLM role", "phase", "calls", "prompt tokens", "completion tokens", "cached", "errors", "retries",
            "HTTP 429", "time-outs")  # fmt: skip
    parts.append(_table("LLM calls", head, llm) if llm else Text("no LLM calls", style="dim"))
    lines = failure_lines(a)
    parts.append(Text("failures:" if lines else "failures: none", style="bold"))
    parts += [Text(f"  {line}") for line in lines]
    if a.end:
        parts.append(Text(f"end at step {a.end.get('step')}: {a.end.get('reason')}", style="dim"))
    return Group(*parts)


def _phase_row(stats: dict[str, int]) -> tuple[int, ...]:
    return (
        stats["steps"],
        stats["failed_steps"],
        stats["interventions"],
        stats["trials"],
        stats["llm_calls"],
        stats["prompt_tokens"] + stats["completion_tokens"],
    )
