"""The settings of one agent run (``config.json``): a frozen dataclass, checked before anything is made."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, get_origin, get_type_hints

from agent.goals import EnvironmentGoal
from agent.llm.client import redact_url
from agent.llm.prompts import ROLES
from agent.prior import UNKNOWN_POLICIES
from agent.worlds import check_actions, is_minecraft, is_simulator
from causal_graph.learner import EXPLORE_PATIENCE
from env import DEFAULT_ACTIONS

# The simulator runs the N "parallel" samples of an action one after another in its one world, so each
# sample fells a tree or digs an ore (and what lies on the way to it). A world holds 158-279 oak logs;
# above 32 samples the reachable ones run out on some seeds (48: seed 2; 64: seeds 2 and 9; 128: 4 of
# seeds 0-9) and the run ends "diamond unreachable". 32 reaches diamond with SHD 0 on every variant, seeds 0-9.
MAX_SAMPLES = 32
EXIT_LLM_UNAVAILABLE = 3  # exit status: the LLM never gave a valid answer (and no --llm-fallback offline)
LLM_FALLBACKS = ("none", "offline")  # --llm-fallback: without a valid LLM answer, fail (exit 3) or go on offline
UNSEEDED_RANDOM = ("random", "random:")


def check_variant(variant: str) -> None:
    """ValueError for a variant name that cannot be repeated: ``random`` needs its seed."""
    if variant in UNSEEDED_RANDOM:
        raise ValueError(
            f"--variant {variant} needs its seed, as in random:3 (the seed picks the changed recipes, so that "
            "the run can be repeated)"
        )


def check_conditions(conditions: tuple[str, ...], env_id: str) -> None:
    """ValueError (naming ``--conditions``) for conditions that are not names, or for a world that is not this
    project's simulator. Whether each one is a condition the simulator knows is its own check: ``gym.make``
    raises ValueError for a bad one, before a run folder is made (:func:`agent.worlds.make_env`)."""
    if not isinstance(conditions, tuple) or not all(isinstance(c, str) and c.strip() == c and c for c in conditions):
        raise ValueError(f"--conditions must be names separated by commas (durability,noisy:0.1), got {conditions!r}")
    if conditions and not is_simulator(env_id):
        raise ValueError(
            f"--conditions applies only to this project's simulator (adam/Minecraft-v0 and its variants), not to "
            f"{env_id}"
        )


DISCOVERY_NAMES = ("ours", "adam", "intervention_only")  # agent.run.DISCOVERERS builds them


@dataclass(frozen=True)
class RunConfig:
    goals: tuple[str, ...] = ("diamond",)
    variant: str = "original"
    seed: int = 0
    max_steps: int = 20_000
    out: str = "runs"
    name: str = ""
    picture: bool = True
    samples: int = 1  # samples per action (ADAM "Parallel": N copies run them at once)
    llm: str | None = None  # "openai:MODEL"; None = offline
    base_url: str | None = None  # OpenAI-compatible endpoint (else OPENAI_BASE_URL)
    llm_roles: tuple[str, ...] = ("hypothesis", "planner", "actor")
    llm_timeout: float = 60.0
    llm_retries: int = 3
    llm_fallback: str = "none"  # none: no valid LLM answer at all fails the run (exit 3); offline: go on offline
    replay_llm: str | None = None  # answer LLM calls from this recorded run folder
    discovery: str = "ours"  # ours | adam (ADAM's one-at-a-time procedure) | intervention_only
    learning: bool = True  # False: plan from the given prior graph only (a prior-knowledge baseline)
    prior: str = ""  # what the starting graph is, when one is given (documentation only)
    env_goals: tuple[str, ...] = ()  # environment-factor goals after the item goals: near:water, see:oak_log
    perception: str = "offline"  # offline | llm | off — how frames are described when they are needed
    frames: bool = False  # keep the frames where perception ran (frames/ in the run folder)
    env_id: str = "adam/Minecraft-v0"  # adam/MinecraftLive-v0 for the live game
    env_kwargs: dict[str, Any] = field(default_factory=dict)  # e.g. host/port of a live server
    # the simulator's opt-in conditions (durability, stacks, scarce, noisy:P, hostile:P, cap:N): gym.make(conditions=)
    conditions: tuple[str, ...] = ()
    # lifelong exploring once the goals are reached: rounds in a row that find no new item before it stops
    explore_rounds: int = EXPLORE_PATIENCE
    # a prior file (adam prior writes Minecraft 1.19's): beliefs that steer learning, each verified before use
    prior_file: str = ""
    prior_unknown: str = "error"  # error | skip: a prior entry naming what the world lacks (agent.prior)
    # the simulator's action library: ADAM's 41 (adam41) or every action the rules allow (overworld), env.library
    actions: str = DEFAULT_ACTIONS

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "goals": list(self.goals), "llm_roles": list(self.llm_roles)}
        data["conditions"] = list(self.conditions)
        data["base_url"] = redact_url(self.base_url)
        return {**data, "format": "adam-run-config", "version": 1}

    def log_dict(self) -> dict[str, Any]:
        """What the ``start`` event records: the settings that shape the run (not where it is written)."""
        data = self.to_dict()
        for key in ("out", "name", "replay_llm", "picture"):
            data.pop(key, None)
        return data

    def validate(self) -> None:
        """Raise ValueError naming the option at fault, before anything is created."""
        for option, value, kind, what in (
            ("--seed", self.seed, int, "an integer"),
            ("--max-steps", self.max_steps, int, "an integer"),
            ("--samples", self.samples, int, "an integer"),
            ("--llm-retries", self.llm_retries, int, "an integer"),
            ("--llm-timeout", self.llm_timeout, int | float, "a number"),
            ("--variant", self.variant, str, "a name"),
            ("--llm-fallback", self.llm_fallback, str, "a name"),
            ("--out", self.out, str, "a path"),
            ("--name", self.name, str, "a name"),
            ("--explore-rounds", self.explore_rounds, int, "an integer"),
            ("--prior", self.prior_file, str, "a path"),
        ):
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"{option} must be {what}, got {value!r}")
        if not all(isinstance(g, str) and g for g in (*self.goals, *self.env_goals, *self.llm_roles)):
            raise ValueError("goals, environment goals and LLM roles must be non-empty names")
        if self.seed < 0:
            raise ValueError(f"--seed must be 0 or more, got {self.seed}")
        check_variant(self.variant)
        if not is_minecraft(self.env_id) and self.variant != "original":
            raise ValueError(
                f"--variant {self.variant} applies only to this project's Minecraft worlds, not to {self.env_id}"
            )
        for goal in self.env_goals:
            EnvironmentGoal.parse(goal)
        check_conditions(self.conditions, self.env_id)
        if self.llm_fallback not in LLM_FALLBACKS:
            raise ValueError(f"invalid --llm-fallback {self.llm_fallback!r}; valid: {', '.join(LLM_FALLBACKS)}")
        check_actions(self.actions, self.env_id)
        if self.prior_unknown not in UNKNOWN_POLICIES:
            raise ValueError(f"invalid --prior-unknown {self.prior_unknown!r}; valid: {', '.join(UNKNOWN_POLICIES)}")
        if self.prior_unknown != "error" and not self.prior_file:
            raise ValueError(
                f"--prior-unknown {self.prior_unknown} applies to a prior file: give --prior FILE or drop it"
            )
        if self.explore_rounds < 0:
            raise ValueError(f"--explore-rounds must be 0 or more, got {self.explore_rounds}")
        if self.max_steps < 1:
            raise ValueError(f"--max-steps must be at least 1, got {self.max_steps}")
        if self.samples < 1:
            raise ValueError(f"--samples must be at least 1, got {self.samples}")
        if self.samples > MAX_SAMPLES:
            raise ValueError(
                f"--samples must be at most {MAX_SAMPLES}, got {self.samples}: the samples run one after another "
                f"in one world, and more than {MAX_SAMPLES} use up its reachable trees on some seeds"
            )
        if not (math.isfinite(self.llm_timeout) and self.llm_timeout > 0):
            raise ValueError(f"--llm-timeout must be a positive number of seconds, got {self.llm_timeout}")
        if self.llm_retries < 0:
            raise ValueError(f"--llm-retries must be 0 or more, got {self.llm_retries}")
        if any(sep in self.name for sep in ("/", "\\", "\0")) or self.name in (".", ".."):
            raise ValueError(f"--name must be a plain name (no path separators, not . or ..), got {self.name!r}")
        if self.perception not in ("offline", "llm", "off"):
            raise ValueError(f"invalid perception {self.perception!r}; valid: offline, llm, off")
        if self.discovery not in DISCOVERY_NAMES:
            raise ValueError(f"unknown discovery {self.discovery!r}; valid: {', '.join(DISCOVERY_NAMES)}")
        unknown = set(self.llm_roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown LLM role(s) {sorted(unknown)}; roles: {', '.join(ROLES)}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        """The config a ``config.json`` (:meth:`to_dict`) holds: every field it has (a list as a tuple, a mapping
        as a dict, as the field's type says), the defaults for the rest; other keys (``format``) are ignored."""
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in data:
                kind = get_origin(hints[f.name])
                value = data[f.name]
                values[f.name] = tuple(value) if kind is tuple else dict(value) if kind is dict else value
        return cls(**values)
