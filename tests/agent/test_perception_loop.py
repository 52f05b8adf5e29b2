"""Perception in the agent loop: environment-factor goals from frames, the multimodal LLM path, and
frames that cannot be described."""

from __future__ import annotations

import base64
import io
import json

import gymnasium as gym
import numpy as np
import pytest
from PIL import Image

from agent.cli import main
from agent.perceive import Perceiver
from agent.run import RunConfig, new_run
from agent.runlog import read_events
from env.minecraft import MinecraftEnv
from env.render import frame_palette
from perception.offline import OfflineDescriber
from tests.support.llm_server import ScriptedServer, oracle_script


# seed 0 runs in the fast lane (-m "not slow"); the other nine are slow
@pytest.mark.parametrize("seed", [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 10))])
def test_diamond_then_near_water_from_perception(tmp_path, seed):
    run = new_run(RunConfig(seed=seed, out=str(tmp_path), picture=False, env_goals=("near:water",)))
    result = run.loop()
    assert result.goal_reached, result.end_reason
    events, _ = read_events(result.run_dir / "events.jsonl")
    (reached,) = [e for e in events if e["kind"] == "environment_goal"]
    looks = [e for e in events if e["kind"] == "perception" and e["why"] == "navigate"]
    assert reached["moves"] == len(looks) and reached["moves"] <= 120
    before = [e for e in events if e["kind"] == "transition" and e["seq"] < reached["seq"]]
    assert "water" in before[-1]["nearby"], "the world itself reports water within reach"


def test_multimodal_describer_gets_a_valid_image_and_its_text_reaches_the_actor(tmp_path, capsys):
    with ScriptedServer(oracle_script) as server:
        code = main(["run", "--llm", "openai:vision", "--base-url", server.base_url, "--llm-roles", "actor",
                     "--perception", "llm", "--out", str(tmp_path), "--json", "--no-picture"])  # fmt: skip
        requests = list(server.requests)
    assert code == 0 and json.loads(capsys.readouterr().out)["goal_reached"]
    vision = [r for r in requests if "adam:perception" in json.dumps(r["messages"][0])]
    actor = [r for r in requests if "adam:actor" in json.dumps(r["messages"][0])]
    assert vision and actor
    url = vision[0]["messages"][1]["content"][1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert image.size == (160, 120) and image.mode == "RGB"
    assert all("scripted view: open sky ahead" in r["messages"][1]["content"] for r in actor)


@pytest.mark.parametrize(
    "frame",
    [np.zeros((120, 160, 3), np.uint8), np.zeros((0, 0, 3), np.uint8), b"not a png", np.full((7, 9, 3), 200, np.uint8)],
)
def test_a_bad_frame_is_logged_and_the_step_goes_on_without_perception(frame):
    events = []
    perceiver = Perceiver(lambda: frame, lambda: 5, OfflineDescriber(frame_palette(), expected_size=(160, 120)),
                          lambda kind, **data: events.append((kind, data)))  # fmt: skip
    assert perceiver.look("navigate") is None
    ((kind, data),) = events
    assert kind == "perception_error" and data["step"] == 5 and data["error"]


def test_a_run_survives_broken_frames(tmp_path):
    run = new_run(RunConfig(seed=1, out=str(tmp_path), picture=False, env_goals=("near:water",)))
    frames = iter(range(10_000))
    real = run.world.frame
    run.world.frame = lambda: np.zeros((120, 160, 3), np.uint8) if next(frames) % 3 == 0 else real()
    run.controller.perceiver._frame = run.world.frame
    result = run.loop()
    assert result.goal_reached
    events, _ = read_events(result.run_dir / "events.jsonl")
    assert any(e["kind"] == "perception_error" for e in events)


class UnpaintedMinecraft(MinecraftEnv):
    """The simulator, declaring no frame palette: a world whose frames no offline describer can read."""

    def frame_palette(self) -> None:
        return None


UNPAINTED = "tests/UnpaintedMinecraft-v0"
if UNPAINTED not in gym.registry:
    gym.register(UNPAINTED, entry_point=UnpaintedMinecraft, kwargs={"render_frames": False, "render_mode": "rgb_array"})


def test_a_world_without_a_frame_palette_runs_without_perception_and_says_so(tmp_path, caplog):
    run = new_run(RunConfig(env_id=UNPAINTED, out=str(tmp_path), picture=False, env_goals=("near:water",)))
    assert run.controller.perceiver is None  # near:water: the world's nearby blocks say when, the spiral leads
    world = run.world.spec.name
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"{world} declares no frame palette: the run goes on without perception"]
    caplog.clear()
    assert new_run(RunConfig(env_id=UNPAINTED, out=str(tmp_path), picture=False)).controller.perceiver is None
    assert not caplog.records  # nothing would have used perception: nothing to say


def test_a_see_goal_in_a_world_without_a_frame_palette_is_one_error_line(tmp_path, capsys):
    args = ["run", "--env", UNPAINTED, "--goal", "diamond", "--env-goal", "see:water", "--out", str(tmp_path)]
    code = main([*args, "--no-picture"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0
    assert err.startswith("error: the goal see:water needs perception, but Minecraft")
    assert err.endswith("declares no frame palette to read its frames with; use near:water")
    with pytest.raises(ValueError, match=r"^--perception llm: .+ declares no frame palette \(its block kinds\)"):
        new_run(RunConfig(env_id=UNPAINTED, out=str(tmp_path), picture=False, perception="llm"))
