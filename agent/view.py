"""``adam run`` and ``adam live``: the live view while the agent learns and acts (stderr), and the results
(stdout).

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
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from agent.controller import Controller
from agent.llm.status import UNAVAILABLE
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
from agent.scoring import MILESTONE_ORDER

log = logging.getLogger(__name__)
REFRESH_S = 0.125  # how often the view is redrawn (the elapsed time moves even inside a long tick)
REBUILD_S = 0.1  # the most often the view is rebuilt from the run's state (at a tick's end)


def elapsed(seconds: float) -> str:
    """``42.1 s``, ``3:07``, ``1:02:03``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def llm_line(run: AgentRun) -> Text | None:
    """The view's LLM line: calls, valid answers, tokens and the status so far (None without an LLM)."""
    if not run.asks_llm:
        return None
    t = run.tally
    text = f"LLM {run.config.llm or 'replayed'}: {t.calls} calls, {t.answers} answers, "
    text += f"{t.prompt_tokens + t.completion_tokens} tokens"
    if t.fallbacks or t.failed_calls or t.invalid_replies:
        text += f", {t.failed_calls} failed, {t.invalid_replies} refused, {t.fallbacks} fallbacks"
    if t.status == UNAVAILABLE:
        return Text(f"{text} — UNAVAILABLE: the offline agent decides", style="bold red")
    return Text(text, style="yellow" if t.status != "ok" else "green")


class _Head:
    """The view's first lines; the elapsed time is read when the view is drawn (from the refresh thread:
    only a clock and a float), the rest is what the run's state was when the view was built."""

    def __init__(self, run: AgentRun, c: Controller) -> None:
        counters = run.world.counters
        explained = sum(1 for a in run.learner.actions if run.graph.explained(a))
        self.controller = c
        self.before = Text.assemble(
            ("ADAM ", "bold"), f"{run.config.variant} seed {run.config.seed}  goal {c.goal or '-'}  ",
            ("phase ", "dim"), (c.state.phase, "bold"), "  ",
        )  # fmt: skip
        self.after = (
            f"  steps {counters.steps}/{run.config.max_steps}  interventions {counters.interventions}  "
            f"learned {explained}/{len(run.learner.actions)} actions  items seen {len(run.learner.state.known)}"
        )

    def __rich__(self) -> Text:
        c = self.controller
        return Text.assemble(self.before, f"elapsed {elapsed(c.state.wall if c.finished() else c.wall)}", self.after)


def _live_view(run: AgentRun, c: Controller) -> Group:
    head = _Head(run, c)
    now = Text(f"now: {c.current}", style="cyan", overflow="ellipsis", no_wrap=True)
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
    row = Table.grid(padding=(0, 2))
    row.add_row(plan, inventory, milestones)
    return Group(*(part for part in (head, llm_line(run), now, row) if part is not None))


def final_table(result: RunResult) -> Table:
    goals = "goal reached" if result.goal_reached else "goal NOT reached"
    table = Table(title=f"{goals} ({result.steps} steps)", title_style="bold" if result.goal_reached else "bold red")
    table.add_column("milestone")
    table.add_column("steps", justify="right")
    table.add_column("agent time (s)", justify="right")
    for label in MILESTONE_ORDER:
        m = result.milestones.get(label)
        table.add_row(label, str(m["step"]) if m else "-", f"{m['wall']:.3f}" if m else "-")
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
    lines = [
        f"steps {result.steps} (critical path {result.critical_steps})  interventions {result.interventions}  "
        f"SHD {s.get('shd')}  exact {s.get('exact_actions')}/{s.get('total_actions')} actions  "
        f"agent time {result.wall:.2f} s",
    ]
    if llm:
        line = f"LLM {llm.get('model')}: {llm.get('status')} — {llm.get('answers')} valid answer(s) in "
        line += f"{llm.get('calls')} call(s), {llm.get('tokens')} tokens"
        lines.append(f"{line} ({llm['reason']})" if llm.get("reason") else line)
    return [*lines, result.end_reason, f"run folder: {result.run_dir}"]


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
            llm_roles=roles,
            llm_timeout=args.llm_timeout,
            llm_retries=args.llm_retries,
            llm_fallback=args.llm_fallback,
            env_goals=tuple(args.env_goal or ()),
            perception=perception,
            frames=args.frames,
        )
        config.validate()  # a bad option is named before the endpoint is asked anything
        run = new_run(config, llm_down=llm_preflight(config))
    return _execute(run, args, console)


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


@contextmanager
def _printing(console: Console) -> Iterator[None]:
    """Hold the locks of the log handlers that print on ``console``: a log line (from any thread) and a
    redraw of the live view are then printed one after the other, never interleaved (an interleaved
    redraw moves the cursor by a stale height and leaves a copy of the view behind)."""
    with ExitStack() as stack:
        for handler in logging.getLogger().handlers:
            if getattr(handler, "console", None) is console and handler.lock is not None:
                stack.enter_context(handler.lock)
        yield


class LiveView:
    """The live view on ``console``: rebuilt from the run at most every :data:`REBUILD_S` (on the loop's
    thread, the only one that reads the run's state), redrawn every :data:`REFRESH_S` by a thread of its
    own, each redraw under the log handlers' locks (:func:`_printing`)."""

    def __init__(self, console: Console) -> None:
        self.live = Live(console=console, auto_refresh=False)
        self.console = console
        self._built = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._redraw, name="adam-live-view", daemon=True)

    def __enter__(self) -> LiveView:
        with _printing(self.console):
            self.live.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        with _printing(self.console):
            self.live.stop()

    def show(self, view: RenderableType, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._built >= REBUILD_S:
            self._built = now
            self.live.update(view)

    def _redraw(self) -> None:
        while not self._stop.wait(REFRESH_S):
            with _printing(self.console):
                self.live.refresh()


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
                result = run.loop(on_tick=lambda c: view.show(_live_view(run, c), force=c.finished()))
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
