"""LLM calls and tokens per learned relation and per milestone, against the local scripted
chat-completions server (real openai SDK, real HTTP), next to the offline run on the same seeds.

Run from the repo root: ``PYTHONPATH=. .venv/bin/python bench/bench_llm.py [--seeds 5]`` (the server is a test
helper, ``tests/support/llm_server.py``, not part of the product). Tokens are the scripted server's estimate
(characters / 4); a real model's tokenizer will differ, the call counts will not.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile

from rich.console import Console
from rich.table import Table

from agent.milestones import union
from agent.run import RunConfig, new_run
from agent.runlog import read_events

try:
    from tests.support.llm_server import ScriptedServer, oracle_script
except ModuleNotFoundError as err:  # a test helper, importable with the repo root on the path only
    if err.name != "tests":
        raise
    raise SystemExit("error: bench/bench_llm.py needs the repo root on the path (PYTHONPATH=.)") from err


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    rows = {"offline": [], "llm": []}
    llm_events: list[list[dict]] = []
    with tempfile.TemporaryDirectory() as out, ScriptedServer(oracle_script) as server:
        for seed in range(args.seeds):
            rows["offline"].append(new_run(RunConfig(seed=seed, out=out, picture=False)).loop())
            cfg = RunConfig(seed=seed, out=out, picture=False, llm="openai:scripted", base_url=server.base_url)
            result = new_run(cfg).loop()
            rows["llm"].append(result)
            llm_events.append(read_events(result.run_dir / "events.jsonl")[0])
    console = Console(width=150)
    table = Table(title=f"LLM usage per run, seeds 0-{args.seeds - 1} (median)")
    columns = ["mode", "reached", "SHD max", "steps", "diamond step", "calls", "calls/relation", "tokens"]
    columns += ["tokens/relation", "hypothesis calls", "planner calls", "actor calls", "failures", "wall s"]
    for col in columns:
        table.add_column(col, justify="right")
    for mode, results in rows.items():

        def med(values):
            return statistics.median(values) if values else 0

        usage = [r.llm.get("usage", {}) for r in results]
        calls = [sum(u["calls"] for u in x.values()) for x in usage]
        tokens = [sum(u["prompt_tokens"] + u["completion_tokens"] for u in x.values()) for x in usage]
        relations = [r.score["exact_actions"] for r in results]
        table.add_row(
            mode,
            f"{sum(r.goal_reached for r in results)}/{len(results)}",
            str(max(r.score["shd"] for r in results)),
            f"{med([r.steps for r in results]):.0f}",
            f"{med([r.milestones['diamond']['step'] for r in results if 'diamond' in r.milestones]):.0f}",
            f"{med(calls):.0f}",
            f"{med([c / n for c, n in zip(calls, relations, strict=True)]):.2f}",
            f"{med(tokens):.0f}",
            f"{med([t / n for t, n in zip(tokens, relations, strict=True)]):.0f}",
            *(
                f"{med([x.get(role, {}).get('calls', 0) for x in usage]):.0f}"
                for role in ("hypothesis", "planner", "actor")
            ),
            f"{med([sum(r.llm.get('failures', {}).values()) for r in results]):.0f}",
            f"{med([r.wall for r in results]):.2f}",
        )
    console.print(table)
    labels = union(r.milestone_order for r in rows["llm"])  # the world's milestones
    per_milestone = Table(title="LLM calls and tokens until each milestone (median, llm mode)")
    per_milestone.add_column("measure")
    for label in labels:
        per_milestone.add_column(label, justify="right")
    counts = {label: ([], []) for label in labels}
    for seed_events in llm_events:
        calls = tokens = 0
        for e in seed_events:
            if e["kind"] == "llm_call":
                calls += 1
                tokens += e["prompt_tokens"] + e["completion_tokens"]
            elif e["kind"] == "milestone":
                counts[e["label"]][0].append(calls)
                counts[e["label"]][1].append(tokens)
    per_milestone.add_row("calls", *(f"{statistics.median(counts[m][0]):.0f}" if counts[m][0] else "-" for m in labels))
    per_milestone.add_row(
        "tokens", *(f"{statistics.median(counts[m][1]):.0f}" if counts[m][1] else "-" for m in labels)
    )
    console.print(per_milestone)


if __name__ == "__main__":
    main()
