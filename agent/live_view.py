"""The live view of a run (stderr, on a terminal): the run's head line, its LLM line, what it does now, its
plan, inventory and milestones; redrawn by a thread of its own under the log handlers' locks, so that a log line
prints above the view, never through it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from agent.controller import Controller
from agent.llm.status import UNAVAILABLE
from agent.resources import resource_text
from agent.run import AgentRun

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
            ("ADAM ", "bold"), f"{run.world.spec.name} seed {run.config.seed}  goal {c.goal.name if c.goal else '-'}  ",
            ("phase ", "dim"), (c.state.phase, "bold"), "  ",
        )  # fmt: skip
        self.after = (
            f"  steps {counters.steps}/{run.config.max_steps}  interventions {counters.interventions}  "
            f"learned {explained}/{len(run.learner.actions)} actions  items seen {len(run.learner.state.known)}"
        )

    def __rich__(self) -> Text:
        c = self.controller
        return Text.assemble(self.before, f"elapsed {elapsed(c.state.wall if c.finished() else c.wall)}", self.after)


def live_panel(run: AgentRun, c: Controller) -> Group:
    head = _Head(run, c)
    now = Text(f"now: {c.current}", style="cyan", overflow="ellipsis", no_wrap=True)
    taken = Text(resource_text(run.resources()), style="dim", overflow="ellipsis", no_wrap=True)
    plan = Table(title="plan", show_header=False, box=None)
    if c.state.phase == "pursue":
        for action, count, _ in c.state.plan[:8]:
            plan.add_row(action, f"x{count}")
    inventory = Table(title="inventory", show_header=False, box=None)
    for item, count in sorted(run.world.inventory().items())[:12]:
        inventory.add_row(item, str(count))
    milestones = Table(title="milestones", show_header=False, box=None)
    for label in c.milestone_items.values():  # the world's, in its order
        m = c.state.milestones.get(label)
        milestones.add_row(label, f"step {m['step']}" if m else "-")
    row = Table.grid(padding=(0, 2))
    row.add_row(plan, inventory, *([milestones] if c.milestone_items else []))
    return Group(*(part for part in (head, llm_line(run), now, taken, row) if part is not None))


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
