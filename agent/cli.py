"""The ``adam`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from agent.plugins import add_plugin_parsers
from agent.prior import UNKNOWN_POLICIES
from agent.runlog import RunInterrupted
from causal_graph.learner import EXPLORE_PATIENCE
from env import ACTION_LIBRARIES, DEFAULT_ACTIONS
from env.interface import EnvironmentUnavailable

log = logging.getLogger(__name__)
# Libraries whose INFO lines are chatter for a user (one line per HTTP request): WARNING unless -v.
# openai's bundled HTTP client logs as httpx2/httpcore2 (agent/llm/redact.py guards both spellings).
LIVE_EXPLORE_ROUNDS = 2  # adam live: each dig takes seconds in the game, and the local arena hides no deeper layer
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


ADAM_EPILOG = """\
Each command's --help ends with its own examples. Exit status: 0 done (every
goal reached), 1 a goal not reached or a check failed, 2 bad input (one
error: line on stderr), 3 an LLM run whose model never gave a valid answer
(adam run, without --llm-fallback offline), 130 interrupted (Ctrl-C).

examples:
  adam run                            # learn offline, reach a diamond
  adam run --llm openai:gpt-4o-mini   # the same, asking a model
  adam replay runs/                   # every run in runs/, grouped
"""
RUN_EPILOG = """\
Results (the final table, summary lines) go to stdout; the live view and the
log lines to stderr; --json prints one JSON object, the only thing on stdout.
Exit status: 0 every goal reached, 1 not, 2 bad input or an LLM endpoint that
cannot be reached (nothing is created), 3 the LLM never gave a valid answer
(result.json: llm.status "unavailable"; with --llm-fallback offline the run
exits by its goals instead), 130 Ctrl-C (the line printed says how to resume).

examples:
  adam run --variant adam_modified --seed 3 --conditions durability,noisy:0.1
  adam run --env examples.workshop:workshop/Workshop-v0 --goal lantern
  adam run --resume runs/20261202-141720-330691-original-s0
"""
LIVE_EPILOG = """\
Without --host, a local flying-squid server is started on 127.0.0.1 with a
prepared arena (Node.js 20; the bridge's npm packages are installed on first
use). The agent is the offline one. Exit status: 0 every goal reached, 1 not,
2 bad input, or no server or bridge (no run folder is left), 130 Ctrl-C.

examples:
  adam live --max-steps 30            # a short check in the local arena
  adam live --goal stone_pickaxe --seed 2
  adam live --host mc.example.org --port 25565 --version 1.20.4
"""
DEMO_EPILOG = """\
No agent: the simulator plays a fixed route (logs, planks, tools, iron,
diamond) to show the world works.

examples:
  adam demo
  adam demo --variant adam_modified --seed 4 --frame /tmp/frame.png
"""
ITEMS_EPILOG = """\
The names the agent sees (meaningless tokens in an obfuscated world): the
names adam run --goal takes.

examples:
  adam items
  adam items --variant obfuscated
  adam items --env examples.workshop:workshop/Workshop-v0
"""
PRIOR_EPILOG = """
The relations every action of the library has under Minecraft 1.19's own rules (recipes, harvest tools, drops,
from minecraft-data), in this project's names: the simulator's original variant. adam run --prior FILE tries the
actions on the believed route to its goal first and verifies every belief; in another variant (adam_modified)
the beliefs that differ are refuted and logged.

examples:
  adam prior --out prior.json
  adam prior --actions overworld --out overworld.json   # the overworld library's 317
  adam run --prior prior.json
  adam run --prior prior.json --variant adam_modified
  adam run --prior prior.json --variant obfuscated --prior-unknown skip   # 1.19's names: every entry left out
"""
ACTIONS_HELP = (
    "the simulator's action library: adam41 (ADAM's 41 actions, the default) or overworld (every craft, smelt and "
    "gather 1.19's rules allow in the simulator's world, generated; ADAM's 41 keep their names)"
)
VARIANTS_HELP = "original | adam_modified | obfuscated | random:SEED (the random variant needs its seed)"
ENV_HELP = (
    "the world: a registered gymnasium id that implements the world contract (docs/worlds.md), a world in "
    "your own package as package.module:Name-v0 (default adam/Minecraft-v0, the simulator)"
)
CONDITIONS_HELP = (
    "the simulator's conditions, comma-separated, added to 1.19's own durability (tools wear out) and stacks "
    "(1.19 stack sizes, 36 slots), which are always on unless plain is given: scarce (few reachable ores), "
    "scarce:D (D diamonds), noisy:P (a macro-action fails with probability P), hostile:P (a station is lost with "
    "probability P per step), cap:N (every stack caps at N), plain (without durability and stacks); e.g. "
    "noisy:0.1 or plain,scarce (default: durability,stacks)"
)
RUN_VARIANTS_HELP = f"{VARIANTS_HELP}; only for this project's Minecraft worlds (default: the --env id's own)"
ROLES_HELP = (
    "which parts ask the LLM, comma-separated: hypothesis (which held items an action needs; tested "
    "first), planner (the plan; checked on the learned graph), actor (the next action, among the offered "
    "ones), perception (describing frames: the same as --perception llm), belief (what each action needs and "
    "yields, asked once at the start: steers what is tried first, like --prior; each belief verified) "
    "(default hypothesis,planner,actor)"
)


def _sub(sub: argparse._SubParsersAction, name: str, help: str, epilog: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name, help=help, description=help[0].upper() + help[1:] + ".", epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="adam",
        description="ADAM: an embodied causal agent for Minecraft",
        epilog=ADAM_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging (the HTTP client's too)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _sub(sub, "demo", "play the scripted route to a diamond in the simulator (no agent)", DEMO_EPILOG)
    demo.add_argument("--seed", type=seed, default=0, help="world seed (default 0)")
    demo.add_argument("--variant", default="original", help=VARIANTS_HELP)
    demo.add_argument("--frame", default="demo-frame.png", help="where to save the last first-person frame")
    demo.add_argument("--quiet", action="store_true", help="no live view")

    run = _sub(sub, "run", "learn the tech tree from scratch and reach the goal (headless simulator)", RUN_EPILOG)
    run.add_argument("--goal", action="append", help="goal item (repeat for several, in order; default diamond)")
    run.add_argument("--env", default="adam/Minecraft-v0", metavar="ID", help=ENV_HELP)
    run.add_argument("--variant", help=RUN_VARIANTS_HELP)
    run.add_argument("--seed", type=int, default=0, help="world and agent seed (default 0)")
    run.add_argument("--conditions", metavar="LIST", default="", help=CONDITIONS_HELP)
    run.add_argument("--actions", choices=ACTION_LIBRARIES, default=DEFAULT_ACTIONS, help=ACTIONS_HELP)
    run.add_argument(
        "--max-steps", type=int, default=20_000, help="environment step budget; the run stops at it (default 20000)"
    )
    run.add_argument(
        "--explore-rounds",
        type=int,
        default=EXPLORE_PATIENCE,
        metavar="N",
        help="once the goals are reached and nothing is left to learn, explore (dig again, deepest first) until N "
        f"rounds in a row find no new item; 0: do not explore (default {EXPLORE_PATIENCE})",
    )
    run.add_argument(
        "--prior",
        metavar="FILE",
        default="",
        help="beliefs that steer learning: a graph file of what actions are believed to need and yield (adam prior "
        "writes Minecraft 1.19's); the actions on a believed route to the goal are tried first, holding what is "
        "believed, and nothing enters the graph unverified (default: none)",
    )
    run.add_argument(
        "--prior-unknown",
        choices=UNKNOWN_POLICIES,
        default="error",
        help="a prior entry naming an action or item this world lacks: error (stop, naming it; the default) or skip "
        "(leave it out, say how many were, use the rest)",
    )
    run.add_argument("--out", default="runs", help="folder for run folders (default runs/)")
    run.add_argument("--name", default="", help="run folder name suffix (default VARIANT-sSEED, or ENV-sSEED)")
    run.add_argument("--samples", type=int, default=1, help="samples per action, run as if in parallel (default 1)")
    run.add_argument("--llm", metavar="openai:MODEL", help="use an OpenAI-compatible model (default: offline)")
    run.add_argument(
        "--base-url", help="the endpoint (default: $OPENAI_BASE_URL); the key is read from $OPENAI_API_KEY"
    )
    run.add_argument("--llm-roles", default="hypothesis,planner,actor", metavar="ROLE,...", help=ROLES_HELP)
    run.add_argument("--llm-timeout", type=float, default=60.0, help="seconds per LLM call (default 60)")
    run.add_argument("--llm-retries", type=int, default=3, help="retries on transport errors/429/5xx (default 3)")
    run.add_argument(
        "--llm-fallback",
        default="none",
        choices=("none", "offline"),
        help="when the LLM cannot be reached at start or never gives a valid answer: none = fail (exit 2 at "
        "start, exit 3 at the end); offline = go on offline, result.json still saying unavailable (default none)",
    )
    run.add_argument("--replay-llm", metavar="RUN_DIR", help="re-run a recorded run, LLM replies from its log")
    run.add_argument(
        "--env-goal", action="append", metavar="KIND:BLOCK", help="environment goal after the item goals: near:water"
    )
    run.add_argument(
        "--perception",
        default="offline",
        choices=("offline", "llm", "off"),
        help="frame describer: llm asks the model (the perception role; needs --llm) (default offline)",
    )
    run.add_argument("--frames", action="store_true", help="keep the frames where perception ran (frames/)")
    run.add_argument("--no-picture", action="store_true", help="skip graph.png at the end")
    run.add_argument("--resume", metavar="RUN_DIR", help="continue a killed run from its folder")
    run.add_argument("--quiet", action="store_true", help="no live view and no result table, warnings only")
    run.add_argument("--json", action="store_true", help="print one JSON object with the result (implies --quiet)")

    live = _sub(sub, "live", "the same agent in a live Minecraft game through mineflayer", LIVE_EPILOG)
    where = live.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="start a local flying-squid server on 127.0.0.1 (default)")
    where.add_argument("--host", help="a running server (offline mode; the bot needs op for interventions)")
    live.add_argument("--port", type=int, default=25565, help="its port (default 25565)")
    live.add_argument(
        "--version", help="Minecraft version of the server at --host (default 1.21.4; mineflayer's tested versions)"
    )
    live.add_argument("--goal", action="append", help="goal item (repeat for several; default diamond)")
    live.add_argument("--seed", type=int, default=0, help="agent seed (and the local arena's seed)")
    live.add_argument(
        "--max-steps", type=int, default=20_000, help="game action budget; the run stops at it (default 20000)"
    )
    live.add_argument(
        "--explore-rounds",
        type=int,
        default=LIVE_EXPLORE_ROUNDS,
        metavar="N",
        help=f"as adam run's, but each dig takes seconds in the game: fewer rounds (default {LIVE_EXPLORE_ROUNDS})",
    )
    live.add_argument(
        "--prior", metavar="FILE", default="", help="beliefs that steer learning, verified, as adam run's (adam prior)"
    )
    live.add_argument(
        "--prior-unknown", choices=UNKNOWN_POLICIES, default="error", help="as adam run's (error or skip)"
    )
    live.add_argument("--out", default="runs", help="folder for run folders (default runs/)")
    live.add_argument("--name", default="", help="run folder name suffix (default live-local, or live with --host)")
    live.add_argument("--quiet", action="store_true", help="no live view and no result table, warnings only")
    live.add_argument("--json", action="store_true", help="print one JSON object with the result")
    live.add_argument("--conditions", metavar="LIST", default="", help=argparse.SUPPRESS)  # refused, in one line

    prior = _sub(sub, "prior", "write Minecraft 1.19's relations as a prior file for adam run --prior", PRIOR_EPILOG)
    prior.add_argument("--out", default="prior.json", help="the file to write (default prior.json)")
    prior.add_argument(
        "--actions", choices=ACTION_LIBRARIES, default=DEFAULT_ACTIONS, help="the action library (default adam41)"
    )

    items = _sub(sub, "items", "list the item names a world's agent can see", ITEMS_EPILOG)
    items.add_argument("--env", default="adam/Minecraft-v0", metavar="ID", help=ENV_HELP)
    items.add_argument("--variant", help=RUN_VARIANTS_HELP)
    items.add_argument("--actions", choices=ACTION_LIBRARIES, default=DEFAULT_ACTIONS, help=ACTIONS_HELP)

    from agent.replay.command import add_parsers as add_replay_parsers

    add_replay_parsers(sub)
    add_plugin_parsers(sub)  # adam bench, adam sweep: registered by bench itself (agent/plugins.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    console = Console(stderr=True)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
    except UsageError as err:
        return _fail(console, str(err), 2)
    if extra:  # named after the subcommand that refused them, whose --help lists what it takes
        where = f"adam {args.command}"
        return _fail(console, f"{where}: unrecognized arguments: {' '.join(extra)} (see {where} --help)", 2)
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
    if args.command == "prior":
        from causal_graph.graph import CausalGraph
        from env.prior import minecraft_relations

        graph = CausalGraph.from_relations(minecraft_relations(args.actions))
        path = graph.save(args.out)
        console.print(f"wrote {len(graph.relations())} relations of Minecraft 1.19 to {path} (adam run --prior {path})")
        return 0
    if args.command == "run":
        from agent.commands import run_command

        return run_command(args, console)
    if args.command == "live":
        from agent.commands import live_command

        return live_command(args, console)
    if getattr(args, "command_handler", None) is not None:  # a command another package adds (agent/plugins.py)
        return args.command_handler(args)
    if args.command in ("replay", "diff"):
        return args.replay_handler(args)
    if args.command == "items":
        from agent.commands import items_command

        return items_command(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
