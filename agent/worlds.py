"""The world a run acts in: any registered gymnasium id that implements the world contract (:mod:`env.interface`),
this project's Minecraft ids or a user's own (gymnasium's ``"package.module:Name-v0"`` imports the package that
registers it). Only this project's Minecraft ids take the Minecraft settings (``variant``, ``render_frames``,
``vocabulary_seed``); any other world is made with its own registered settings and ``env_kwargs``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from env import ACTION_LIBRARIES, DEFAULT_ACTIONS, ENV_IDS, LIVE_ENV_ID
from env.interface.handle import world_spec

MINECRAFT_IDS = (*ENV_IDS, LIVE_ENV_ID)  # the ids that take the Minecraft settings (--variant and the rest)


def is_minecraft(env_id: str) -> bool:
    """Whether ``env_id`` is one of this project's Minecraft worlds (the simulator's ids, the live game's)."""
    return env_id in MINECRAFT_IDS


def is_simulator(env_id: str) -> bool:
    """Whether ``env_id`` is one of this project's simulator ids (they take ``conditions=``; the live game does not)."""
    return env_id in ENV_IDS


def parse_conditions(text: str) -> tuple[str, ...]:
    """``--conditions durability,noisy:0.1`` as a tuple of names (spaces stripped); ValueError for an empty name."""
    if not text:
        return ()
    names = tuple(part.strip() for part in text.split(","))
    if not all(names):
        raise ValueError(f"--conditions {text!r}: an empty condition name; e.g. --conditions durability,noisy:0.1")
    return names


def world_conditions(env: gym.Env, conditions: tuple[str, ...]) -> tuple[str, ...]:
    """The conditions a run plays under, written out: a world that has ``conditions`` (the simulator: its canonical
    form, its defaults included, ``("noisy:0.1",)`` -> ``("durability", "stacks", "noisy:0.1")``) says so; for any
    other world, ``conditions`` as given."""
    try:
        own = env.get_wrapper_attr("conditions")  # the simulator's documented attribute
    except AttributeError:
        return tuple(conditions)
    return tuple(str(own).split(",")) if str(own) else tuple(conditions)


def default_variant(env_id: str) -> str:
    """The variant a simulator id is registered with (``adam/MinecraftModified-v0``: ``adam_modified``);
    ``original`` for any other id."""
    return ENV_IDS.get(env_id, "original")


def run_label(env_id: str, variant: str) -> str:
    """How a run's default folder name names its world: the variant for a Minecraft id (``original``), else the
    id without its module and namespace (``examples.workshop:workshop/Workshop-v0`` -> ``Workshop-v0``)."""
    if is_minecraft(env_id):
        return variant.replace(":", "")
    return env_id.rpartition(":")[2].rpartition("/")[2]


def check_registered(env_id: str) -> None:
    """ValueError (one line) unless ``env_id`` is a registered gymnasium id, after importing the module of a
    ``module:ID`` id (which registers it)."""
    module, _, name = env_id.rpartition(":")
    if module:
        try:
            importlib.import_module(module)
        except ImportError as err:
            raise ValueError(f"--env {env_id}: cannot import {module!r} to register the world ({err})") from None
    try:
        gym.spec(name)
    except gym.error.Error:
        how = "" if module else "; a world in your own package: --env package.module:Name-v0"
        raise ValueError(f"--env {env_id}: no gymnasium env is registered as {name!r}{how}") from None


def check_actions(actions: str, env_id: str) -> None:
    """ValueError (one line) for an action library that is not one of ``env.ACTION_LIBRARIES``, or that is not the
    default for a world other than this project's simulator (only it has several)."""
    if actions not in ACTION_LIBRARIES:
        raise ValueError(f"invalid --actions {actions!r}; valid: {', '.join(ACTION_LIBRARIES)}")
    if actions != DEFAULT_ACTIONS and not is_simulator(env_id):
        raise ValueError(f"--actions {actions} applies only to this project's simulator, not to {env_id}")


def make_env(
    env_id: str,
    seed: int,
    variant: str,
    env_kwargs: Mapping[str, Any],
    conditions: tuple[str, ...] = (),
    actions: str = DEFAULT_ACTIONS,
) -> gym.Env:
    """``gym.make`` the world ``env_id`` (the Minecraft settings only for a Minecraft id, see the module
    docstring); ValueError naming it when it is not registered or does not implement the world contract.
    ``conditions`` (a simulator id only) go to the simulator as ``conditions=``, only when there are some (so a
    default run makes the env exactly as before); a condition the simulator refuses is its ValueError, named.
    ``actions``: the simulator's action library (``env.ACTION_LIBRARIES``), passed only when not the default."""
    check_registered(env_id)
    if conditions and not is_simulator(env_id):
        raise ValueError(f"--conditions applies only to this project's simulator, not to {env_id}")
    check_actions(actions, env_id)
    if is_minecraft(env_id):
        kwargs = {"variant": variant, "render_frames": False, "render_mode": "rgb_array", "vocabulary_seed": seed}
        if conditions:
            kwargs["conditions"] = tuple(conditions)
        if actions != DEFAULT_ACTIONS:  # the default run makes the env exactly as before
            kwargs["actions"] = actions
        try:
            env = gym.make(env_id, **kwargs, **env_kwargs)
        except ValueError as err:  # the simulator's own check of each condition (a bad variant is its own line)
            if not conditions or "condition" not in str(err).lower():
                raise
            raise ValueError(f"--conditions {','.join(conditions)}: {err}") from None
        except TypeError as err:
            if not conditions or "conditions" not in str(err):
                raise
            raise ValueError(f"--conditions: {env_id} takes no conditions in this version of the simulator") from None
    else:
        env = gym.make(env_id, **env_kwargs)
    try:
        world_spec(env)
    except TypeError as err:
        env.close()
        raise ValueError(f"--env {env_id}: {err}") from None
    return env
