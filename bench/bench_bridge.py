"""Live-game bridge speed against the local server: RPC round trip and wall time per skill.

Run: ``.venv/bin/python bench/bench_bridge.py [--repeats N] [--pings N] [--frames N] [--json]`` (needs ``npm ci``
in bridge/). Starts its own flying-squid server on 127.0.0.1 (vanilla furnace speed) and one bot; prints
the median and p95 of an empty request's round trip, then each skill's median and range over repeats,
each repeat from the same spot with an intervention first; then the live env's frame time per source and
size, as the env gets a frame: prismarine-viewer (when bridge/viewer is installed: the first frame, with
the display, the viewer and the chunk meshes, then the median and p95 over ``--frames``; "viewer not
installed" otherwise) and the bot's known blocks drawn by the simulator's renderer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from bridge.client import BotClient
from bridge.display import viewer_missing
from bridge.local_server import LocalServer
from env.live.frames import png_to_rgb, render_view

PIT_EDGE = (11, 0)
SPAWN = (0, 0)
FRAME_SIZES = ((160, 120), (640, 360))

# name -> (column to start from, inventory to start with, the skill call)
SKILLS: dict[str, tuple[tuple[int, int], dict[str, int], Callable[[BotClient], object]]] = {
    "observe": (SPAWN, {}, lambda b: b.observe()),
    "set_inventory (intervention)": (SPAWN, {}, lambda b: b.set_inventory({"oak_planks": 3, "stick": 2})),
    "teleport (intervention)": (SPAWN, {}, lambda b: b.teleport(*PIT_EDGE)),
    "gather oak_log": (SPAWN, {}, lambda b: b.gather(["oak_log"])),
    "gather stone (wooden pickaxe)": (PIT_EDGE, {"wooden_pickaxe": 1}, lambda b: b.gather(["stone"])),
    "mine iron_ore (stone pickaxe)": (PIT_EDGE, {"stone_pickaxe": 1}, lambda b: b.gather(["iron_ore"])),
    "mine diamond_ore (iron pickaxe)": (PIT_EDGE, {"iron_pickaxe": 1}, lambda b: b.gather(["diamond_ore"])),
    "craft oak_planks (2x2)": (SPAWN, {"oak_log": 1}, lambda b: b.craft("oak_planks")),
    "craft wooden_pickaxe (table, broken by hand)": (
        SPAWN,
        {"oak_planks": 3, "stick": 2, "crafting_table": 1},
        lambda b: b.craft("wooden_pickaxe"),
    ),
    "smelt raw_iron (furnace, 10 s cook)": (
        SPAWN,
        {"furnace": 1, "raw_iron": 1, "coal": 1, "wooden_pickaxe": 1},
        lambda b: b.smelt("raw_iron"),
    ),
    "move forward": (SPAWN, {}, lambda b: b.move(forward=1)),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process (Linux /proc), in MB."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _frame_times(render: Callable[[int, int], object], count: int) -> dict[str, dict[str, float]]:
    """Per size: the first frame, then the median and p95 of ``count`` more (seconds)."""
    times: dict[str, dict[str, float]] = {}
    for width, height in FRAME_SIZES:
        t = time.perf_counter()
        render(width, height)
        first = time.perf_counter() - t
        samples = []
        for _ in range(count):
            t = time.perf_counter()
            render(width, height)
            samples.append(time.perf_counter() - t)
        times[f"{width}x{height}"] = {
            "first": round(first, 4),
            "median": round(statistics.median(samples), 4),
            "p95": round(percentile(samples, 0.95), 4),
        }
    return times


def bench_frames(bot: BotClient, count: int) -> dict[str, object]:
    """Frame time per source and size, from the pit's edge (terrain, ores and sky in view)."""
    bot.teleport(*PIT_EDGE)
    bot.move(turn=(3 - bot.observe().facing // 90) % 4)  # face east, into the pit
    frames: dict[str, object] = {}
    reason = viewer_missing()
    if reason:
        frames["viewer"] = f"viewer not installed: {reason}"
    else:
        frames["viewer"] = _frame_times(lambda w, h: png_to_rgb(bot.frame(w, h).png, w, h), count)
        frames["bot_rss_mb_with_viewer"] = round(_rss_mb(bot.pid) or 0.0)
    frames["blocks"] = _frame_times(lambda w, h: render_view(bot.view(), w, h), count)
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per skill (default 3)")
    parser.add_argument("--pings", type=int, default=500, help="round trips to time (default 500)")
    parser.add_argument("--frames", type=int, default=20, help="frames to time per source and size (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = parser.parse_args()

    started = time.perf_counter()
    with LocalServer(seed=0) as server:
        server_start = time.perf_counter() - started
        started = time.perf_counter()
        with BotClient(server.host, server.port, username="bench") as bot:
            bot_start = time.perf_counter() - started
            pings = [bot.ping() * 1000 for _ in range(args.pings)]
            skills: dict[str, list[float]] = {}
            for name, (column, inventory, call) in SKILLS.items():
                skills[name] = []
                for _ in range(args.repeats):
                    bot.teleport(*column)
                    bot.set_inventory(inventory)
                    t = time.perf_counter()
                    call(bot)
                    skills[name].append(time.perf_counter() - t)
            frames = bench_frames(bot, args.frames)

    result = {
        "server_start_s": round(server_start, 3),
        "bot_start_s": round(bot_start, 3),
        "rpc_round_trip_ms": {"median": round(statistics.median(pings), 3), "p95": round(percentile(pings, 0.95), 3)},
        "skills_s": {
            k: {"median": round(statistics.median(v), 3), "min": round(min(v), 3), "max": round(max(v), 3)}
            for k, v in skills.items()
        },
        "frames_s": frames,
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    console = Console()
    table = Table(title=f"bridge: RPC and startup ({args.pings} pings)")
    for col in ("measure", "value"):
        table.add_column(col)
    table.add_row("local server start (to ready line)", f"{server_start:.2f} s")
    table.add_row("bot start (process + join + spawn)", f"{bot_start:.2f} s")
    rtt = result["rpc_round_trip_ms"]
    table.add_row("RPC round trip (ping)", f"median {rtt['median']:.3f} ms, p95 {rtt['p95']:.3f} ms")
    console.print(table)
    table = Table(title=f"bridge: wall time per skill ({args.repeats} repeats)")
    for col in ("skill", "median", "range"):
        table.add_column(col)
    for name, stats in result["skills_s"].items():
        table.add_row(name, _duration(stats["median"]), f"{_duration(stats['min'])}..{_duration(stats['max'])}")
    console.print(table)
    table = Table(title=f"live env: frame time as the env gets it ({args.frames} frames per size)")
    for col in ("source", "size", "first frame", "median", "p95"):
        table.add_column(col)
    for source in ("viewer", "blocks"):
        per_size = frames[source]
        if isinstance(per_size, str):
            table.add_row(source, "-", per_size, "-", "-")
            continue
        for size, stats in per_size.items():
            table.add_row(source, size, _duration(stats["first"]), _duration(stats["median"]), _duration(stats["p95"]))
    console.print(table)
    if "bot_rss_mb_with_viewer" in frames:
        console.print(f"bot process resident memory with the viewer: {frames['bot_rss_mb_with_viewer']} MB")


if __name__ == "__main__":
    main()
