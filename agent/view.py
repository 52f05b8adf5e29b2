"""``adam run``: the live view while the agent learns and acts, and the final table."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from agent.controller import Controller
from agent.run import AgentRun, RunConfig, RunResult, load_config, new_run, resume_run
from agent.runlog import RunInterrupted
from agent.scoring import MILESTONE_ORDER


def _live_view(run: AgentRun, c: Controller) -> Group:
    counters = run.world.counters
    explained = sum(1 for a in run.learner.actions if run.graph.explained(a))
    head = Text.assemble(
        ("ADAM ", "bold"),
        f"{run.config.variant} seed {run.config.seed}  goal {c.goal or '-'}  phase {c.state.phase}  ",
        f"steps {counters.steps}  interventions {counters.interventions}  ",
        f"learned {explained}/{len(run.learner.actions)} actions  items seen {len(run.learner.state.known)}",
    )
    now = Text(f"now: {c.current}", style="cyan")
    plan = Table(title="plan", show_header=False, box=None)
    if c.state.phase == "pursue":
        for action, count, _ in c.state.plan[:8]:
            plan.add_row(action, f"x{count}")
    inventory = Table(title="inventory", show_header=False, box=None)
    for item, count in sorted(run.world.inventory().items())[:12]:
        inventory.add_row(item, str(count))
    milestones = Table(title="milestones", show_header=False, box=None)
    for label in MILESTONE_ORDER:
        m = c.state.milestones.get(label)
        milestones.add_row(label, f"step {m['step']}" if m else "-")
    row = Table.grid(padding=(0, 4))
    row.add_row(plan, inventory, milestones)
    return Group(head, now, row)


def final_table(result: RunResult) -> Table:
    table = Table(title=f"run {result.run_dir.name}: {'goal reached' if result.goal_reached else 'goal NOT reached'}")
    table.add_column("milestone")
    table.add_column("steps", justify="right")
    table.add_column("agent time (s)", justify="right")
    for label in MILESTONE_ORDER:
        m = result.milestones.get(label)
        table.add_row(label, str(m["step"]) if m else "-", f"{m['wall']:.3f}" if m else "-")
    return table


def summary_lines(result: RunResult) -> list[str]:
    s = result.score
    return [
        f"steps {result.steps} (critical path {result.critical_steps})  interventions {result.interventions}  "
        f"SHD {s.get('shd')}  exact {s.get('exact_actions')}/{s.get('total_actions')} actions  "
        f"agent time {result.wall:.2f} s",
        result.end_reason,
        f"run folder: {result.run_dir}",
    ]


def live_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam live``: the offline agent in the live game (a local flying-squid arena by default)."""
    kwargs = {"host": args.host, "port": args.port} if args.host else {"server_seed": args.seed}
    if args.version:
        kwargs["version"] = args.version
    config = RunConfig(
        goals=tuple(args.goal or ["diamond"]),
        seed=args.seed,
        max_steps=args.max_steps,
        out=args.out,
        name=args.name or ("live-local" if not args.host else "live"),
        env_id="adam/MinecraftLive-v0",
        env_kwargs=kwargs,
    )
    return _execute(new_run(config), args, console)


def run_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam run``; ``console``: where the live view and the final table go (stderr), shared with the log
    handler so that a log line prints above the live view."""
    _check_combination(args)
    if args.resume:
        run = resume_run(Path(args.resume))
    elif args.replay_llm:
        recorded = load_config(Path(args.replay_llm))
        replayed = replace(recorded, out=args.out, name=args.name or "replay", replay_llm=args.replay_llm)
        run = new_run(replace(replayed, picture=recorded.picture and not args.no_picture))
    else:
        config = RunConfig(
            goals=tuple(args.goal or ["diamond"]),
            variant=args.variant,
            seed=args.seed,
            max_steps=args.max_steps,
            out=args.out,
            name=args.name,
            picture=not args.no_picture,
            samples=args.samples,
            llm=args.llm,
            base_url=args.base_url,
            llm_roles=tuple(r.strip() for r in args.llm_roles.split(",") if r.strip()) if args.llm else (),
            llm_timeout=args.llm_timeout,
            llm_retries=args.llm_retries,
            env_goals=tuple(args.env_goal or ()),
            perception=args.perception,
            frames=args.frames,
        )
        run = new_run(config)
    return _execute(run, args, console)


# What still applies with --resume (the run's own config.json decides the rest) and with --replay-llm
# (the recorded run's config, but a new run folder, with or without its picture); the output options apply
# to every run.
_OUTPUT_OPTIONS = {"command", "verbose", "quiet", "json", "given"}
_WITH_RESUME = {"resume"}
_WITH_REPLAY_LLM = {"replay_llm", "out", "name", "no_picture"}
_LLM_OPTIONS = ("llm_roles", "base_url", "llm_timeout", "llm_retries")


def _check_combination(args: argparse.Namespace) -> None:
    """ValueError for options that would be silently ignored: any run setting with ``--resume`` (the run
    goes on with its own), with ``--replay-llm`` (the recorded run's), and LLM settings without ``--llm``."""
    given = set(getattr(args, "given", ())) - _OUTPUT_OPTIONS

    def flags(names: set[str]) -> str:
        return ", ".join("--" + n.replace("_", "-") for n in sorted(names))

    if args.resume and given - _WITH_RESUME:
        raise ValueError(
            f"--resume continues a run with its own settings (its config.json); drop {flags(given - _WITH_RESUME)}"
        )
    if args.replay_llm and given - _WITH_REPLAY_LLM:
        extra = given - _WITH_REPLAY_LLM
        raise ValueError(
            "--replay-llm re-runs the recorded run's settings (only --out, --name and --no-picture apply); "
            f"drop {flags(extra)}"
        )
    unused = {name for name in _LLM_OPTIONS if name in given}
    if unused and not (args.llm or args.replay_llm or args.resume):
        raise ValueError(f"{flags(unused)} {'applies' if len(unused) == 1 else 'apply'} only with --llm openai:MODEL")


def _execute(run: AgentRun, args: argparse.Namespace, console: Console | None) -> int:
    quiet = args.quiet or args.json
    console = console or Console(stderr=True)
    try:
        if quiet:
            result = run.loop()
        else:
            with Live(console=console, refresh_per_second=10) as live:
                result = run.loop(on_tick=lambda c: live.update(_live_view(run, c)))
    except KeyboardInterrupt:
        raise RunInterrupted(run.folder) from None
    if args.json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    elif not args.quiet:
        console.print(final_table(result))
        for line in summary_lines(result):
            console.print(Text(line))
    return 0 if result.goal_reached else 1
