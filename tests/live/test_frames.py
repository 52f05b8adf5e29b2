"""Live frames: with prismarine-viewer installed (bridge/viewer), the env's frame is a real first-person render
of the bot (frame_source "viewer"); frame_source "blocks" draws the bot's known blocks; asking for the viewer
where it is not installed is a named error saying how to install it, on the Python side and in the bot; "auto"
falls back to the blocks with one warning. Xvfb is started for the bot when DISPLAY is unset, and stopped."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator

import numpy as np
import pytest

from bridge.client import BotClient
from bridge.display import VIEWER_DIR_ENV, VirtualDisplay
from bridge.errors import ViewerUnavailable
from bridge.local_server import LocalServer
from env.live.errors import LiveUnavailable
from env.live.frames import FRAME_SOURCES, LiveFrames
from env.live.game_env import LiveMinecraftEnv

PIT_EDGE = (11, 0)  # a terrace on the west side of the arena's open pit
EAST = 270  # degrees (info["facing"]): facing the pit from there: open sky above its far rim, terrain below
SIZE = (160, 120)
_names = itertools.count()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    server = LocalServer(seed=0, cook_ticks=10).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_env(server) -> Iterator:
    """Factory: a LiveMinecraftEnv with frames on the module's server (its own bot); closed after the test."""
    envs: list[LiveMinecraftEnv] = []

    def _make(frame_source: str, frame_size: tuple[int, int] = SIZE) -> LiveMinecraftEnv:
        env = LiveMinecraftEnv(
            server.host,
            server.port,
            username=f"frames{next(_names)}",
            render_frames=True,
            frame_source=frame_source,
            frame_size=frame_size,
            bot_settings={"digStations": 0},
        )
        envs.append(env)
        return env

    yield _make
    for env in envs:
        env.close()


def sky_like(pixels: np.ndarray) -> np.ndarray:
    """Which pixels look like a light-blue sky (blue high, clearly bluer than red)."""
    r, b = pixels[..., 0].astype(int), pixels[..., 2].astype(int)
    return (b > 150) & (b > r + 30)


@pytest.mark.live
@pytest.mark.needs("viewer")
def test_the_viewer_frame_is_a_real_first_person_render(make_env):
    env = make_env("viewer")
    obs, info = env.reset(options={"position": PIT_EDGE})
    for _ in range(4):
        if info["facing"] == EAST:
            break
        obs, _, _, _, info = env.step("turn_right")
    assert info["facing"] == EAST
    frame = obs["frame"]
    assert info["frame_source"] == "viewer"
    assert frame.shape == (SIZE[1], SIZE[0], 3) and frame.dtype == np.uint8
    assert env.observation_space["frame"].contains(frame)
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 100  # textures, not flat colours
    top, bottom = frame[: SIZE[1] // 8], frame[-SIZE[1] // 8 :]
    assert sky_like(top).mean() > 0.8, top.reshape(-1, 3).mean(axis=0)
    assert sky_like(bottom).mean() < 0.05, bottom.reshape(-1, 3).mean(axis=0)
    obs, _, _, _, info = env.step("turn_right")  # the camera follows the bot
    assert info["frame_source"] == "viewer"
    assert np.abs(obs["frame"].astype(int) - frame.astype(int)).mean() > 10


@pytest.mark.live
@pytest.mark.needs("viewer")
def test_the_first_viewer_frames_show_the_whole_ground_in_plains_green(make_env):
    """Right after spawning, in every direction, the ground below the horizon is drawn (no column left
    unmeshed: a hole shows sky) and grass is green (the arena is plains, not badlands)."""
    env = make_env("viewer")
    obs, info = env.reset()
    for _ in range(4):
        lower = obs["frame"][-SIZE[1] // 3 :]
        assert sky_like(lower).mean() < 0.01, (info["facing"], sky_like(lower).mean())
        r, g, b = lower.reshape(-1, 3).astype(float).mean(axis=0)
        assert g > r and g > b, (info["facing"], (r, g, b))
        obs, _, _, _, info = env.step("turn_right")


@pytest.mark.live
@pytest.mark.needs("viewer")
def test_viewer_frames_of_another_size_and_the_raw_png(make_env):
    env = make_env("viewer", frame_size=(64, 48))
    obs, info = env.reset()
    assert obs["frame"].shape == (48, 64, 3) and info["frame_source"] == "viewer"
    frame = env.client.frame(320, 180)
    assert (frame.width, frame.height) == (320, 180) and frame.png.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.live
def test_the_blocks_source_still_draws_the_known_blocks(make_env):
    env = make_env("blocks")
    obs, info = env.reset(options={"position": PIT_EDGE})
    assert info["frame_source"] == "blocks"
    assert obs["frame"].shape == (SIZE[1], SIZE[0], 3)
    assert len(np.unique(obs["frame"].reshape(-1, 3), axis=0)) > 10  # terrain drawn, not just sky


def test_asking_for_the_viewer_where_it_is_not_installed_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv(VIEWER_DIR_ENV, str(tmp_path))  # an empty folder: no viewer there
    with pytest.raises(LiveUnavailable, match="not installed") as caught:  # an EnvironmentUnavailable
        LiveMinecraftEnv(frame_source="viewer", render_frames=True)
    assert caught.value.name == "ViewerUnavailable" and isinstance(caught.value.__cause__, ViewerUnavailable)
    message = str(caught.value)
    assert "debian-packages.txt" in message and "npm ci" in message and str(tmp_path) in message
    assert "frame_source='blocks'" in message


@pytest.mark.live
def test_auto_falls_back_to_the_blocks_with_one_warning(make_env, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(VIEWER_DIR_ENV, str(tmp_path))
    env = make_env("auto")
    with caplog.at_level(logging.WARNING, logger="env.live.frames"):
        _, info = env.reset()
        env.step("turn_left")
        _, info = env.reset()
    assert info["frame_source"] == "blocks"
    warnings = [r.getMessage() for r in caplog.records if r.name == "env.live.frames"]
    assert len(warnings) == 1 and "not installed" in warnings[0] and "npm ci" in warnings[0]


@pytest.mark.live
def test_the_bot_refuses_frames_without_the_viewer(server, tmp_path, monkeypatch):
    """The bot's own check: the process looks for the viewer where $ADAM_VIEWER_DIR points (it inherits it)."""
    monkeypatch.setenv(VIEWER_DIR_ENV, str(tmp_path))
    with BotClient(server.host, server.port, username=f"frames{next(_names)}") as bot:
        with pytest.raises(ViewerUnavailable, match="not installed") as caught:
            bot.call("frame", {"width": 32, "height": 24})
        assert caught.value.name == "ViewerUnavailable" and "npm ci" in caught.value.message
        assert caught.value.context["viewerDir"] == str(tmp_path)
        with pytest.raises(ViewerUnavailable):  # the client checks before it starts a display
            bot.frame(32, 24)
        assert bot.ping() > 0  # the bot goes on


def test_invalid_frame_source():
    with pytest.raises(ValueError, match="frame_source"):
        LiveFrames("screenshot")
    assert FRAME_SOURCES == ("viewer", "blocks", "auto")


@pytest.mark.needs("xvfb")
def test_a_virtual_display_is_ready_when_started_and_gone_when_stopped():
    with VirtualDisplay() as first, VirtualDisplay() as second:
        assert first.name != second.name
        assert first.alive and first.socket.is_socket()
        socket, proc = first.socket, first.proc
    assert not first.alive and proc is not None and proc.returncode is not None
    assert not socket.exists()
