"""The ``adam`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from agent.runlog import RunInterrupted
from env.interface import EnvironmentUnavailable

log = logging.getLogger(__name__)
# Libraries whose INFO lines are chatter for a user (one line per HTTP request): WARNING unless -v.
# openai's bundled HTTP client logs as httpx2/httpcore2 (agent/llm/redact.py guards both spellings).
CHATTY_LOGGERS = ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "ray", "urllib3", "PIL", "matplotlib")


class UsageError(ValueError):
    """A command line argparse rejects; reported like any bad input, as one ``error:`` line."""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (``error: adam run: argument --seed: ...``), not usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _setup_logging(console: Console, quiet: bool, verbose: bool) -> None:
    """Log records through rich on ``console`` (stderr, shared with the live view); libraries' INFO off."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = RichHandler(console=console, show_path=False)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)


def seed(text: str) -> int:
    """argparse type of a world seed: an integer, 0 or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _fail(console: Console, message: str, code: int) -> int:
    """One red ``error:`` line on stderr, never wrapped."""
    console.print(Text("error: " + " ".join(message.split()), style="red"), soft_wrap=True)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="adam", description="ADAM: an embodied causal agent for Minecraft")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="play the scripted route to a diamond in the simulator (no agent)")
    demo.add_argument("--seed", type=seed, default=0, help="world seed (default 0)")
    demo.add_argument("--variant", default="original", help="original | adam_modified | obfuscated | random:SEED")
    demo.add_argument("--frame", default="demo-frame.png", help="where to save the last first-person frame")
    demo.add_argument("--quiet", action="store_true", help="no live view")

    run = sub.add_parser("run", help="learn the tech tree from scratch and reach the goal (headless, offline)")
    run.add_argument("--goal", action="append", help="goal item (repeat for several, in order; default diamond)")
    run.add_argument("--variant", default="original", help="original | adam_modified | obfuscated | random:SEED")
    run.add_argument("--seed", type=int, default=0, help="world and agent seed (default 0)")
    run.add_argument("--max-steps", type=int, default=20_000, help="environment step budget (default 20000)")
    run.add_argument("--out", default="runs", help="folder for run folders (default runs/)")
    run.add_argument("--name", default="", help="run folder name suffix")
    run.add_argument("--samples", type=int, default=1, help="samples per action, run as if in parallel (default 1)")
    run.add_argument("--llm", metavar="openai:MODEL", help="use an OpenAI-compatible model (default: offline)")
    run.add_argument(
        "--base-url", help="the endpoint (default: $OPENAI_BASE_URL); the key is read from $OPENAI_API_KEY"
    )
    run.add_argument(
        "--llm-roles", default="hypothesis,planner,actor", help="which parts ask the LLM (default: all three)"
    )
    run.add_argument("--llm-timeout", type=float, default=60.0, help="seconds per LLM call (default 60)")
    run.add_argument("--llm-retries", type=int, default=3, help="retries on transport errors/429/5xx (default 3)")
    run.add_argument("--replay-llm", metavar="RUN_DIR", help="re-run a recorded run, LLM replies from its log")
    run.add_argument(
        "--env-goal", action="append", metavar="KIND:BLOCK", help="environment goal after the item goals: near:water"
    )
    run.add_argument("--perception", default="offline", choices=("offline", "llm", "off"), help="frame describer")
    run.add_argument("--frames", action="store_true", help="keep the frames where perception ran (frames/)")
    run.add_argument("--no-picture", action="store_true", help="skip graph.png at the end")
    run.add_argument("--resume", metavar="RUN_DIR", help="continue a killed run from its folder")
    run.add_argument("--quiet", action="store_true", help="no live view, warnings only")
    run.add_argument("--json", action="store_true", help="print one JSON object with the result (implies --quiet)")

    live = sub.add_parser("live", help="the same agent in a live Minecraft game through mineflayer")
    where = live.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="start a local flying-squid server on 127.0.0.1 (default)")
    where.add_argument("--host", help="a running server (offline mode; the bot needs op for interventions)")
    live.add_argument("--port", type=int, default=25565, help="its port (default 25565)")
    live.add_argument(
        "--version", help="Minecraft version of the server at --host (default 1.21.4; mineflayer's tested versions)"
    )
    live.add_argument("--goal", action="append", help="goal item (repeat for several; default diamond)")
    live.add_argument("--seed", type=int, default=0, help="agent seed (and the local arena's seed)")
    live.add_argument("--max-steps", type=int, default=20_000)
    live.add_argument("--out", default="runs", help="folder for run folders (default runs/)")
    live.add_argument("--name", default="", help="run folder name suffix")
    live.add_argument("--quiet", action="store_true", help="no live view, warnings only")
    live.add_argument("--json", action="store_true", help="print one JSON object with the result")

    items = sub.add_parser("items", help="list the item names a variant's agent can see")
    items.add_argument("--variant", default="original")

    from agent.replay.command import add_parsers as add_replay_parsers

    add_replay_parsers(sub)
    from bench.harness.command import add_parser as add_bench_parser

    add_bench_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    console = Console(stderr=True)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as err:
        return _fail(console, str(err), 2)
    if args.command == "run":  # which options were given: --resume and --replay-llm refuse the others
        defaults = vars(parser.parse_args(["run"]))
        args.given = {key for key, value in vars(args).items() if value != defaults.get(key)}
    _setup_logging(console, getattr(args, "quiet", False) or getattr(args, "json", False), args.verbose)
    try:
        return _command(args, console)
    except (ValueError, EnvironmentUnavailable) as err:  # bad input, no server: a clear message, no traceback
        log.debug("the error in full", exc_info=True)
        return _fail(console, str(err), 2)
    except OSError as err:  # a file or folder the command cannot use
        log.debug("the error in full", exc_info=True)
        where = f"{err.filename}: " if err.filename else ""
        return _fail(console, f"{where}{err.strerror or err}", 2)
    except RunInterrupted as err:
        return _fail(console, str(err), 130)
    except KeyboardInterrupt:
        return _fail(console, "interrupted", 130)


def _command(args: argparse.Namespace, console: Console) -> int:
    if args.command == "demo":
        from env.demo import run_demo

        return run_demo(args.seed, args.variant, args.frame, args.quiet)
    if args.command == "run":
        from agent.view import run_command

        return run_command(args, console)
    if args.command == "live":
        from agent.view import live_command

        return live_command(args, console)
    if args.command in ("bench", "sweep"):
        return args.bench_handler(args)
    if args.command in ("replay", "diff"):
        return args.replay_handler(args)
    if args.command == "items":
        import gymnasium as gym

        import env  # noqa: F401

        base = gym.make("adam/Minecraft-v0", variant=args.variant, render_frames=False).unwrapped
        Console().print(", ".join(sorted(base.item_names)))
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
