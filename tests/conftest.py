"""Shared fixtures."""

from __future__ import annotations

import gymnasium as gym
import pytest

import env  # noqa: F401  (registers the simulator ids)


@pytest.fixture
def make_env():
    """Factory for unwrapped simulator envs without frames (fast)."""

    def _make(variant: str = "original", **kwargs):
        kwargs.setdefault("render_frames", False)
        return gym.make("adam/Minecraft-v0", variant=variant, **kwargs).unwrapped

    return _make
