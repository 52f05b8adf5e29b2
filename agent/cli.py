"""The ``adam`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rich.logging import RichHandler


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(show_path=False)], force=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="adam", description="ADAM: an embodied causal agent for Minecraft")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="play the scripted route to a diamond in the simulator (no agent)")
    demo.add_argument("--seed", type=int, default=0, help="world seed (default 0)")
    demo.add_argument("--variant", default="original", help="original | adam_modified | obfuscated | random:SEED")
    demo.add_argument("--frame", default="demo-frame.png", help="where to save the last first-person frame")
    demo.add_argument("--quiet", action="store_true", help="no live view")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(getattr(args, "quiet", False), args.verbose)
    try:
        if args.command == "demo":
            from env.demo import run_demo

            return run_demo(args.seed, args.variant, args.frame, args.quiet)
    except ValueError as err:
        logging.getLogger("adam").error("%s", err)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
