"""The handlers of ``adam run`` and ``adam live``: build the run from the options, run it (the live view,
:mod:`agent.live_view`, on stderr while it learns and acts), and print the results (stdout).

One output discipline: the final table and the summary lines are the results, on stdout (``--json``: one
JSON document, the only thing on stdout); the live view and the log lines share the stderr console, so a
log line prints above the view, never through it. The view is drawn only on a terminal (piped, stderr gets
the log lines alone).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agent.live_view import LiveView, live_panel
from agent.llm.status import UNAVAILABLE
from agent.resources import resource_text
from agent.run import (
    EXIT_LLM_UNAVAILABLE,
    AgentRun,
    RunConfig,
    RunResult,
    llm_preflight,
    load_config,
    new_run,
    resume_run,
)
from agent.runlog import RunInterrupted
from agent.worlds import check_registered, default_variant, is_minecraft, make_env, parse_conditions
from env.interface.handle import world_spec

log = logging.getLogger(__name__)


def final_table(result: RunResult) -> Table:
    goals = "goal reached" if result.goal_reached else "goal NOT reached"
    table = Table(title=f"{goals} ({result.steps} steps)", title_style="bold" if result.goal_reached else "bold red")
    table.add_column("milestone")
    table.add_column("steps", justify="right")
    table.add_column("agent time (s)", justify="right")
    for label in result.milestone_order:
        m = result.milestones.get(label)
        table.add_row(label, str(m["step"]) if m else "-", f"{m['wall']:.3f}" if m else "-")
    if not result.milestone_order:
        table.add_row("(the world declares none)", "-", "-")
    return table


def llm_warning(result: RunResult) -> str | None:
    """One line when a run asked to use an LLM got no valid answer from it (its results are offline)."""
    llm = result.llm
    if llm.get("status") != UNAVAILABLE:
        return None
    why = llm.get("reason")
    return f"the LLM {llm.get('model')!r} gave no valid answer ({why}): every decision was the offline agent's"


def summary_lines(result: RunResult) -> list[str]:
    s, llm = result.score, result.llm
    scores = f"SHD {s.get('shd')}  exact {s.get('exact_actions')}/{s.get('total_actions')} actions"
    lines = [
        f"steps {result.steps} (critical path {result.critical_steps})  interventions {result.interventions}  "
        f"{scores if result.scored else 'not scored (the world has no ground truth)'}  agent time {result.wall:.2f} s",
    ]
    if llm:
        line = f"LLM {llm.get('model')}: {llm.get('status')} — {llm.get('answers')} valid answer(s) in "
        line += f"{llm.get('calls')} call(s), {llm.get('tokens')} tokens"
        lines.append(f"{line} ({llm['reason']})" if llm.get("reason") else line)
    lines.append(resource_text(result.resources))
    return [*lines, result.end_reason, f"run folder: {result.run_dir}"]


def _prior_path(given: str) -> str:
    """``--prior`` as an absolute path (config.json records it: a resume from another folder reads the same file)."""
    return str(Path(given).resolve()) if given else ""


def live_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam live``: the offline agent in the live game (a local flying-squid arena by default)."""
    if args.conditions:
        raise ValueError(
            f"adam live takes no --conditions ({args.conditions}): the live game has its own (tools wear out, "
            "stacks cap, mobs break things); --conditions is for adam run's simulator"
        )
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
        explore_rounds=args.explore_rounds,
        prior_file=_prior_path(args.prior),
        prior_unknown=args.prior_unknown,
    )
    return _execute(new_run(config), args, console)


def run_command(args: argparse.Namespace, console: Console | None = None) -> int:
    """``adam run``; ``console``: where the live view and the log lines go (stderr)."""
    _check_combination(args)
    if args.resume:
        folder = Path(args.resume)
        run = resume_run(folder, llm_down=llm_preflight(load_config(folder), resuming=True))
    elif args.replay_llm:
        recorded = load_config(Path(args.replay_llm))
        replayed = replace(recorded, out=args.out, name=args.name or "replay", replay_llm=args.replay_llm)
        run = new_run(replace(replayed, picture=recorded.picture and not args.no_picture))
    else:
        roles, perception = _roles_and_perception(args)
        check_registered(args.env)  # an unknown world is named before anything else is asked
        if not args.goal and not is_minecraft(args.env):
            raise ValueError(f"--env {args.env}: name the goal item(s) with --goal (adam items --env {args.env})")
        config = RunConfig(
            goals=tuple(args.goal or ["diamond"]),
            env_id=args.env,
            variant=args.variant or default_variant(args.env),
            seed=args.seed,
            max_steps=args.max_steps,
            out=args.out,
            name=args.name,
            picture=not args.no_picture,
            samples=args.samples,
            llm=args.llm,
            base_url=args.base_url,
            llm_roles=roles,
            llm_timeout=args.llm_timeout,
            llm_retries=args.llm_retries,
            llm_fallback=args.llm_fallback,
            env_goals=tuple(args.env_goal or ()),
            perception=perception,
            frames=args.frames,
            conditions=parse_conditions(args.conditions),
            explore_rounds=args.explore_rounds,
            prior_file=_prior_path(args.prior),
            prior_unknown=args.prior_unknown,
            actions=args.actions,
        )
        config.validate()  # a bad option is named before the endpoint is asked anything
        run = new_run(config, llm_down=llm_preflight(config))
    return _execute(run, args, console)


def items_command(args: argparse.Namespace) -> int:
    """``adam items``: the item names the agent sees in the world ``--env`` (a variant's, for Minecraft)."""
    if args.variant and not is_minecraft(args.env):
        raise ValueError(f"--variant {args.variant} applies only to this project's Minecraft worlds, not to {args.env}")
    env = make_env(args.env, 0, args.variant or default_variant(args.env), {}, actions=args.actions)
    try:
        Console().print(", ".join(sorted(world_spec(env).item_names)))
    finally:
        env.close()
    return 0


def _roles_and_perception(args: argparse.Namespace) -> tuple[tuple[str, ...], str]:
    """``--llm-roles`` and ``--perception`` as one: the ``perception`` role is ``--perception llm``."""
    roles = tuple(r.strip() for r in args.llm_roles.split(",") if r.strip()) if args.llm else ()
    perception = args.perception
    if "perception" in roles:
        if "perception" in getattr(args, "given", ()) and perception != "llm":
            raise ValueError(f"--llm-roles perception asks the LLM to describe frames, --perception {perception} not")
        perception = "llm"
    elif perception == "llm" and args.llm:
        roles = (*roles, "perception")
    return roles, perception


# What still applies with --resume (the run's own config.json decides the rest) and with --replay-llm
# (the recorded run's config, but a new run folder, with or without its picture); the output options apply
# to every run.
_OUTPUT_OPTIONS = {"command", "verbose", "quiet", "json", "given"}
_WITH_RESUME = {"resume"}
_WITH_REPLAY_LLM = {"replay_llm", "out", "name", "no_picture"}
_LLM_OPTIONS = ("llm_roles", "base_url", "llm_timeout", "llm_retries", "llm_fallback")


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
    """Run to the end: the live view on ``console`` (stderr) when it is a terminal and not --quiet/--json,
    then the results on stdout. The exit status: 0 every goal reached, 1 not, 3 an LLM that never gave a
    valid answer (unless --llm-fallback offline)."""
    quiet = args.quiet or args.json
    console = console or Console(stderr=True)
    try:
        if quiet or not console.is_terminal:
            result = run.loop()
        else:
            with LiveView(console) as view:
                result = run.loop(on_tick=lambda c: view.show(live_panel(run, c), force=c.finished()))
    except KeyboardInterrupt:
        raise RunInterrupted(run.folder) from None
    warning = llm_warning(result)
    if warning:
        log.warning("%s", warning)
    if args.json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    elif not args.quiet:
        out = Console()  # stdout
        out.print(final_table(result))
        for line in summary_lines(result):
            out.print(Text(line), soft_wrap=not out.is_terminal)  # piped: one line each, never folded
    if warning and run.config.llm_fallback != "offline":
        return EXIT_LLM_UNAVAILABLE
    return 0 if result.goal_reached else 1
