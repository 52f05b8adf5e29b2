"""`adam replay` / `adam diff`: the graph and milestones rebuilt from the event log alone, damaged logs,
two runs diffed, many runs aggregated, and the HTML report rendered in headless Chromium."""

from __future__ import annotations

import io
import json
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from replay_helpers import command, copy_run, read_log, write_log
from rich.console import Console

from agent.milestones import LEGACY_LABELS
from agent.replay.aggregate import aggregate, aggregate_markdown, aggregate_table
from agent.replay.analysis import LEARN, LEARN_REST, PHASES, PURSUE, replay
from agent.replay.checks import llm_usage
from agent.replay.diff import diff_runs, diff_view
from agent.replay.report import PHASE_COLOURS, write_report
from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph
from causal_graph.metrics import edge_differences

CHROMIUM = "chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1200,900"]  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three real runs (about 1 s each): name -> (run folder, RunResult)."""
    out = tmp_path_factory.mktemp("runs")
    made = {}
    for name, variant, seed in (("a", "original", 0), ("b", "adam_modified", 0), ("c", "original", 1)):
        result = new_run(RunConfig(variant=variant, seed=seed, out=str(out), name=name, picture=False)).loop()
        made[name] = (result.run_dir, result)
    return made


# ------------------------------------------------------------------------------ one run
@pytest.mark.parametrize("name", ["a", "b"])
def test_rebuilt_graph_and_milestones_equal_the_run(runs, name):
    folder, result = runs[name]
    analysis = replay(folder)
    assert analysis.problems == []
    assert analysis.graph == CausalGraph.load(folder / "graph.json")
    assert analysis.graph_check.equal and not analysis.graph_check.differences
    # the milestones equal what the run printed (its RunResult, the `--json` object)
    printed = result.to_json()
    assert {label: m["step"] for label, m in analysis.milestones.items()} == printed["milestones"]
    assert {label: m["wall"] for label, m in analysis.milestones.items()} == printed["milestone_wall"]
    assert list(analysis.milestones) == list(analysis.milestone_labels) == printed["milestone_order"]
    assert (analysis.steps, analysis.interventions) == (printed["steps"], printed["interventions"])
    assert analysis.checks == [] and analysis.consistent
    assert analysis.goals == {"diamond": printed["milestones"]["diamond"]}
    assert sum(analysis.phases[p]["steps"] for p in PHASES) == result.steps
    assert sum(analysis.phases[p]["interventions"] for p in PHASES) == result.interventions
    assert all(analysis.phases[p]["llm_calls"] == 0 for p in PHASES) and analysis.llm == {}


def test_phases_learn_first_then_pursue_the_goal(runs):
    analysis = replay(runs["a"][0])
    assert analysis.spans[0][0] == LEARN and analysis.spans[0][1] == 1
    first_plan = next(e for e in analysis.run.events if e["kind"] == "plan")
    learning_steps = [
        e["step"] for e in analysis.run.events if e["kind"] == "transition" and e["seq"] < first_plan["seq"]
    ]
    assert analysis.spans[0][2] == max(learning_steps)
    pursued = [(a, b) for phase, a, b in analysis.spans if phase == PURSUE]
    for m in analysis.milestones.values():  # every milestone is reached while pursuing the plan
        assert any(a <= m["step"] <= b for a, b in pursued)
    trials = sum(1 for e in analysis.run.events if e["kind"] == "intervention")
    assert analysis.trials == trials and analysis.phases[PURSUE]["trials"] == 0


def test_command_prints_and_writes_the_report(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    code, out = command(["replay", str(folder)])
    assert code == 0
    assert "graph rebuilt from the log equals graph.json" in out and "diamond" in out
    assert (folder / "report" / "index.html").exists()
    with pytest.raises(ValueError, match="not a run folder"):  # adam's main prints it as one error line, exit 2
        command(["replay", str(tmp_path / "nothing-here")])


# ------------------------------------------------------------------------------ damage
def test_truncated_and_corrupt_lines_are_reported_and_the_rest_analysed(runs, tmp_path, capsys):
    folder = copy_run(runs, "a", tmp_path)
    lines = (folder / "events.jsonl").read_text().splitlines()
    bad = next(i for i, line in enumerate(lines) if '"kind":"transition"' in line and '"step":50,' in line)
    lines[bad] = lines[bad][: len(lines[bad]) // 2] + "#garbage"
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n" + '{"seq": 999999, "kind": "transi')
    analysis = replay(folder)
    problems = "\n".join(analysis.problems)
    assert f"line {bad + 1}: corrupt line" in problems
    assert f"line {len(lines) + 1}: truncated last line" in problems
    assert f"event {bad + 1} missing" in problems
    # the rest is analysed: same graph, same milestones; only the lost transition is missing
    assert analysis.graph_check.equal
    assert {k: m["step"] for k, m in analysis.milestones.items()} == runs["a"][1].to_json()["milestones"]
    assert sum(analysis.phases[p]["steps"] for p in PHASES) == runs["a"][1].steps - 1
    code, out = command(["replay", str(folder), "--no-report", "--json"])
    assert code == 0
    assert f"line {bad + 1}: corrupt line" in "\n".join(json.loads(capsys.readouterr().out)["problems"])


def test_missing_graph_and_result_are_reported_not_fatal(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    (folder / "graph.json").unlink()
    (folder / "result.json").unlink()
    (folder / "config.json").write_text("{not json")
    analysis = replay(folder)
    problems = "\n".join(analysis.problems)
    assert "graph.json: missing" in problems and "result.json: missing" in problems
    assert "config.json: line 1 column 2: bad JSON" in problems
    assert analysis.run.config["goals"] == ["diamond"]  # taken from the start event
    assert not analysis.graph_check.saved and not analysis.consistent
    assert len(analysis.graph.relations()) == 41
    code, out = command(["replay", str(folder), "--report", str(tmp_path / "report")])
    assert code == 1 and "no result.json" in out
    assert (tmp_path / "report" / "index.html").exists()


# ------------------------------------------------------------------- refinement, relearn, LLM
def test_latest_relation_wins_and_relearn_drops_it(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    events = read_log(folder)
    planks = dict(next(e for e in events if e["kind"] == "relation" and e["action"] == "craft_planks"))
    planks["needs"] = {"oak_log": {"quantity": 1, "consumed": True, "alternatives": ["birch_log"]}}
    events += [planks, {"kind": "relearn", "t": 9.0, "action": "craft_sticks"}]
    write_log(folder, events)
    analysis = replay(folder)
    assert analysis.graph.relation("craft_planks").needs["oak_log"].alternatives == ("birch_log",)
    assert not analysis.graph.explained("craft_sticks") and "craft_sticks" in analysis.graph.actions()
    differences = "\n".join(analysis.graph_check.differences)
    assert "only in graph.json: craft_sticks needs oak_planks" in differences
    assert "only in graph.json: craft_sticks yields stick" in differences
    assert "craft_planks: same edges, different quantities, alternatives or evidence" in differences
    assert analysis.failures["relearned"] == ["craft_sticks"]
    assert command(["replay", str(folder), "--no-report"])[0] == 1


def test_llm_calls_counted_per_role_and_phase(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    events = read_log(folder)

    def call(role: str, ok: bool = True, cached: bool = False) -> dict:
        return {"kind": "llm_call", "t": 0.0, "role": role, "model": "m", "prompt_tokens": 100,
                "completion_tokens": 10, "latency": 0.5, "ok": ok, "error": None if ok else "timeout",
                "cached": cached}  # fmt: skip

    first_iv = next(i for i, e in enumerate(events) if e["kind"] == "intervention")
    first_plan = next(i for i, e in enumerate(events) if e["kind"] == "plan")
    events[first_plan + 1 : first_plan + 1] = [
        call("planner"),
        call("actor", ok=False),
        call("perception", cached=True),
    ]
    events[first_iv + 1 : first_iv + 1] = [call("hypothesis"), call("hypothesis")]
    write_log(folder, events)
    analysis = replay(folder)
    llm = analysis.llm
    assert llm["hypothesis"][LEARN]["calls"] == 2 and llm["hypothesis"][LEARN]["prompt_tokens"] == 200
    assert llm["planner"][PURSUE]["calls"] == 1 and llm["planner"][PURSUE]["completion_tokens"] == 10
    assert llm["actor"][PURSUE]["errors"] == 1 and analysis.failures["llm_errors"] == {"timeout": 1}
    assert llm["perception"][PURSUE]["cached"] == 1
    assert analysis.phases[LEARN]["llm_calls"] == 2 and analysis.phases[PURSUE]["llm_calls"] == 3
    assert analysis.phases[PURSUE]["prompt_tokens"] == 300
    assert analysis.graph_check.equal  # the extra events change nothing else


def test_a_run_with_a_real_llm_client_counts_its_calls(tmp_path, monkeypatch):
    from tests.support.llm_server import ScriptedServer, oracle_script

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with ScriptedServer(oracle_script) as server:
        config = RunConfig(llm="openai:scripted", base_url=server.base_url, out=str(tmp_path), picture=False)
        result = new_run(config).loop()
    analysis = replay(result.run_dir)
    assert analysis.consistent and analysis.checks == [] and analysis.problems == []
    usage = result.to_json()["llm"]["usage"]
    assert llm_usage(analysis.llm) == usage and {"hypothesis", "planner", "actor"} <= set(usage)
    assert set(analysis.llm["hypothesis"]) <= {LEARN, LEARN_REST} and set(analysis.llm["actor"]) == {PURSUE}
    assert sum(analysis.phases[p]["llm_calls"] for p in PHASES) == sum(u["calls"] for u in usage.values())


# ------------------------------------------------------------------------------ diff
def test_diff_of_two_variants_shows_their_known_differences(runs, make_env):
    a, b = replay(runs["a"][0]), replay(runs["b"][0])
    diff = diff_runs(a, b)
    # both runs learned their variant's true graph (SHD 0), so the edges only in one run are exactly
    # where the variants' true trees differ
    truth_a = CausalGraph.from_relations(make_env("original").ground_truth())
    truth_b = CausalGraph.from_relations(make_env("adam_modified").ground_truth())
    scope = sorted(set(truth_a.actions()) | set(truth_b.actions()))
    expected = edge_differences(truth_a, truth_b, scope, overlap=True)
    assert sorted(diff["graph"]["only_a"]) == sorted(line[len("extra: ") :] for line in expected if "extra" in line)
    assert sorted(diff["graph"]["only_b"]) == sorted(line[len("missing: ") :] for line in expected if "missing" in line)
    assert diff["graph"]["only_a"] and diff["graph"]["only_b"] and not diff["graph"]["equal"]
    assert diff["config"] == {"variant": ["original", "adam_modified"]}
    for label, (x, y) in diff["milestones"].items():
        assert (x, y) == (runs["a"][1].milestones[label]["step"], runs["b"][1].milestones[label]["step"])
    assert diff["counts"]["interventions"] == [runs["a"][1].interventions, runs["b"][1].interventions]
    out = io.StringIO()
    Console(file=out, width=200).print(diff_view(diff))
    assert "only in A: " + diff["graph"]["only_a"][0] in out.getvalue()


def test_diff_of_two_seeds_same_graph_and_cli(runs):
    diff = diff_runs(replay(runs["a"][0]), replay(runs["c"][0]))
    assert diff["graph"]["equal"] and diff["graph"]["only_a"] == diff["graph"]["only_b"] == []
    assert diff["config"] == {"seed": [0, 1]}
    code, out = command(["diff", str(runs["a"][0]), str(runs["c"][0])])
    assert code == 0 and "graphs: the same edges" in out
    code, out = command(["replay", str(runs["a"][0]), str(runs["c"][0])])
    assert code == 0 and "B - A" in out


# ------------------------------------------------------------------------------ many runs
def test_aggregate_over_a_folder_of_runs(runs, capsys):
    folder = runs["a"][0].parent
    agg = aggregate([runs[n][0] for n in "abc"])
    results = [runs[n][1] for n in "abc"]
    assert agg["n"] == 3 and agg["goal_reached"] == {"count": 3, "n": 3} and agg["consistent"]["count"] == 3
    for label in results[0].milestone_order:
        steps = [r.milestones[label]["step"] for r in results]
        m = agg["milestones"][label]
        assert m["reached"] == 3
        assert m["step"]["mean"] == pytest.approx(statistics.fmean(steps))
        assert m["step"]["sd"] == pytest.approx(statistics.stdev(steps))
    assert agg["shd"]["zero"] == 3 and agg["interventions"]["mean"] == pytest.approx(
        statistics.fmean(r.interventions for r in results)
    )
    markdown = aggregate_markdown(agg)
    assert markdown.startswith("|  | reached |") and "| diamond | 3/3 |" in markdown
    assert list(agg["milestones"]) == list(results[0].milestone_order)
    assert aggregate_table(agg).row_count == len(results[0].milestone_order) + 7
    # adam replay RUNS_DIR: one aggregate per configuration (a and c: original; b: adam_modified)
    code, _ = command(["replay", str(folder), "--json"])
    grouped = json.loads(capsys.readouterr().out)
    assert code == 0 and grouped["n"] == 3 and grouped["failed_before_start"] == []
    by_variant = {g["configuration"]["variant"]: g for g in grouped["groups"]}
    assert sorted(by_variant) == ["adam_modified", "original"]
    assert by_variant["original"]["runs"] == [str(runs["a"][0]), str(runs["c"][0])]
    assert by_variant["original"]["milestones"] == aggregate([runs["a"][0], runs["c"][0]])["milestones"]
    assert by_variant["adam_modified"]["n"] == 1


def test_an_old_log_without_the_worlds_milestones_reads_minecrafts(runs, tmp_path):
    """A run log from before the world's record (no ``world`` in its start event, no ``milestone_order`` in its
    result.json) shows Minecraft's four milestones, the one fallback (agent.milestones.LEGACY_LABELS)."""
    old = tmp_path / "old"
    shutil.copytree(runs["a"][0], old)
    lines = (old / "events.jsonl").read_text().splitlines()
    start = json.loads(lines[0])
    del start["world"]
    (old / "events.jsonl").write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n")
    result = json.loads((old / "result.json").read_text())
    del result["milestone_order"], result["world"]
    (old / "result.json").write_text(json.dumps(result))
    analysis = replay(old)
    assert analysis.milestone_labels == LEGACY_LABELS and analysis.world_label == "original"


# ------------------------------------------------------------------------------ HTML report
@pytest.mark.needs("chromium")
def test_html_report_opens_in_headless_chromium(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    (folder / "frames").mkdir()
    for step, colour in ((1, (200, 40, 40)), (2, (40, 40, 200))):
        Image.new("RGB", (64, 48), colour).save(folder / "frames" / f"{step:06d}.png")
    page = write_report(replay(folder))
    text = page.read_text()
    assert len(re.findall(r"src=[\"']data:image/png;base64,", text)) == 4  # timeline, graph, two frames
    # self-contained: no tag loads anything from the network (Bokeh's script names a MathJax CDN it never uses here)
    assert not re.search(r"<(script|img|link|iframe)[^>]*(src|href)=[\"']?https?:", text)
    assert {"graph.png", "timeline.png", "index.html"} <= {p.name for p in page.parent.iterdir()}

    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}"]
    done = subprocess.run([*cmd, page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 900)
    assert len(image.getcolors(maxcolors=1 << 20)) > 50, "the screenshot is (nearly) blank"
    pixels = np.asarray(image, dtype=np.int16)
    learn = tuple(int(PHASE_COLOURS[LEARN][i : i + 2], 16) for i in (1, 3, 5))
    assert _near(pixels, learn) > 5000, "the timeline's learn-phase shading is not on screen"
    shown = [c for c in _vivid_colours(page.parent / "graph.png") if _near(pixels, c) > 20]
    assert len(shown) >= 3, "the graph picture's node colours are not on screen"
    print(f"screenshot of the report: {shot}")  # kept as the test's artifact (pytest -s shows the path)

    # the DOM as Chromium rendered it: the SHD is on the page, the graph picture is big enough to read
    probe = page.with_name("probe.html")
    head, _, tail = text.rpartition("</body>")  # the page's own end (Bokeh's script holds the words too)
    probe.write_text(head + PROBE + "</body>" + tail)
    dom = subprocess.run(
        [*cmd[:-1], "--virtual-time-budget=5000", "--dump-dom", probe.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    score = json.loads((folder / "result.json").read_text())["score"]
    assert re.search(rf'<p id="score"[^>]*>SHD {score["shd"]} \(precision', dom), "no SHD on the rendered page"
    assert f"{score['exact_actions']}/{score['total_actions']} actions exact" in dom
    assert "<h2>Scores against the ground truth</h2>" in dom and "<h2>Trial outcomes</h2>" in dom
    found = re.search(r'data-graph="(\d+)x(\d+)@(\d+)"', dom)
    assert found, "the graph <img id=graph> is not on the rendered page"
    natural, _, rendered = map(int, found.groups())
    assert natural >= 1000, f"the graph picture is {natural} px wide: too small for legible labels"
    assert rendered >= 600, f"the graph is shown {rendered} px wide"
    # issue 19: the zoomable, searchable view (Bokeh, its script inline) came up offline, one document with one root
    # (the column of the search box and the plot)
    assert 'id="graph-view"' in text and "find an item or action" in text and '"iron_pickaxe"' in text
    assert re.search(r'data-bokeh="1:1"', dom), re.search(r'data-bokeh="[^"]*"', dom)


PROBE = (  # writes the graph picture's natural size and its rendered width into the DOM once the page has loaded
    "<script>addEventListener('load', () => { const g = document.getElementById('graph'); "
    "const shown = Math.round(g.getBoundingClientRect().width); "
    "document.body.dataset.graph = `${g.naturalWidth}x${g.naturalHeight}@${shown}`; "
    "const poll = setInterval(() => { const B = window.Bokeh, d = B && B.documents[0]; "  # the interactive view:
    "if (!d || !d.roots().length) return; clearInterval(poll); "  # Bokeh's documents (made after load) and their roots
    "document.body.dataset.bokeh = `${B.documents.length}:${d.roots().length}`; }, 50); });</script>"
)


def _near(pixels: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 4) -> int:
    """How many pixels are within ``tolerance`` of ``rgb`` in every channel (colour management may
    shift a value or two)."""
    return int((np.abs(pixels - np.array(rgb, dtype=np.int16)).max(axis=2) <= tolerance).sum())


def _vivid_colours(png: Path) -> list[tuple[int, int, int]]:
    """Frequent saturated colours of a picture (its node fills), not white, grey or black."""
    colours = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 22)
    return [rgb for n, rgb in colours if n > 300 and max(rgb) - min(rgb) > 40]
