"""One agent run: build the world and the agent, run the lifelong loop with a run folder, resume."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gymnasium as gym

import env  # noqa: F401  (registers the simulator ids)
from agent.actor import EnvironmentGoal
from agent.controller import Controller, ControllerState
from agent.llm.agents import LLMChooser, LLMPlanner, LLMProposer
from agent.llm.client import OpenAIClient, parse_llm_spec, redact_url
from agent.llm.prompts import ROLES
from agent.llm.recording import RecordingClient, ReplayClient
from agent.memory import MemoryPool
from agent.perceive import Perceiver
from agent.runlog import RunFolderError, RunLog, atomic_write_json, load_checkpoint, read_events, truncate_events
from agent.scoring import final_score, milestone_items, shown_block, shown_item
from agent.world import EnvWorld
from causal_graph.baseline import AdamDiscoverer, InterventionOnlyDiscoverer, adam_config
from causal_graph.discovery import Discoverer, DiscoveryConfig, DiscoveryOutcome
from causal_graph.graph import CausalGraph
from causal_graph.learner import Learner, LearnerState
from env.interface import Counters
from perception.llm import LLMDescriber
from perception.navigate import NAVIGATION_MIN_FRACTION
from perception.offline import OfflineDescriber

log = logging.getLogger(__name__)

DISCOVERERS = {
    "ours": (Discoverer, DiscoveryConfig()),
    "adam": (AdamDiscoverer, adam_config()),
    "intervention_only": (InterventionOnlyDiscoverer, DiscoveryConfig()),
}


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
    replay_llm: str | None = None  # answer LLM calls from this recorded run folder
    discovery: str = "ours"  # ours | adam (ADAM's one-at-a-time procedure) | intervention_only
    learning: bool = True  # False: plan from the given prior graph only (a prior-knowledge baseline)
    prior: str = ""  # what the starting graph is, when one is given (documentation only)
    env_goals: tuple[str, ...] = ()  # environment-factor goals after the item goals: near:water, see:oak_log
    perception: str = "offline"  # offline | llm | off — how frames are described when they are needed
    frames: bool = False  # keep the frames where perception ran (frames/ in the run folder)
    env_id: str = "adam/Minecraft-v0"  # adam/MinecraftLive-v0 for the live game
    env_kwargs: dict[str, Any] = field(default_factory=dict)  # e.g. host/port of a live server

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "goals": list(self.goals), "llm_roles": list(self.llm_roles)}
        data["base_url"] = redact_url(self.base_url)
        return {**data, "format": "adam-run-config", "version": 1}

    def log_dict(self) -> dict[str, Any]:
        """What the ``start`` event records: the settings that shape the run (not where it is written)."""
        data = self.to_dict()
        for key in ("out", "name", "replay_llm", "picture"):
            data.pop(key, None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        names = ("variant", "seed", "max_steps", "out", "name", "picture", "samples", "llm", "base_url", "discovery")
        names = (*names, "learning", "prior", "perception", "frames", "env_id")
        fields = {k: data[k] for k in (*names, "llm_timeout", "llm_retries", "replay_llm") if k in data}
        if "llm_roles" in data:
            fields["llm_roles"] = tuple(data["llm_roles"])
        if "env_goals" in data:
            fields["env_goals"] = tuple(data["env_goals"])
        if "env_kwargs" in data:
            fields["env_kwargs"] = dict(data["env_kwargs"])
        return cls(goals=tuple(data.get("goals", ("diamond",))), **fields)


@dataclass
class RunResult:
    run_dir: Path
    goal_reached: bool
    end_reason: str
    steps: int
    interventions: int
    critical_steps: int
    milestones: dict[str, dict[str, float]]
    score: dict[str, Any] = field(default_factory=dict)
    wall: float = 0.0
    llm: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "goal_reached": self.goal_reached,
            "end_reason": self.end_reason,
            "shd": self.score.get("shd"),
            "steps": self.steps,
            "critical_steps": self.critical_steps,
            "interventions": self.interventions,
            "milestones": {k: v["step"] for k, v in self.milestones.items()},
            "milestone_wall": {k: v["wall"] for k, v in self.milestones.items()},
            "wall": round(self.wall, 3),
            "score": self.score,
            "llm": self.llm,
            "run_dir": str(self.run_dir),
        }


class AgentRun:
    """Wires world, causal module, controller and run log together."""

    def __init__(
        self,
        config: RunConfig,
        folder: Path,
        resume: dict[str, Any] | None = None,
        prior_graph: CausalGraph | None = None,
    ) -> None:
        self.config = config
        self.folder = folder
        self.env = gym.make(
            config.env_id,
            variant=config.variant,
            render_frames=False,
            render_mode="rgb_array",
            vocabulary_seed=config.seed,
            **config.env_kwargs,
        )
        goals = [shown_item(self.env, g) for g in config.goals]
        env_goal_blocks = {g: shown_block(self.env, EnvironmentGoal.parse(g).block) for g in config.env_goals}
        if config.perception not in ("offline", "llm", "off"):
            raise ValueError(f"invalid perception {config.perception!r}; valid: offline, llm, off")
        self.log = RunLog(folder, seq=resume["seq"] if resume else 0)
        self.world = EnvWorld(self.env)
        if resume:
            self.graph = CausalGraph.from_dict(resume["graph"], source=str(folder / "checkpoint.json"))
        else:
            self.graph = prior_graph.copy() if prior_graph is not None else CausalGraph()
        self._graph_dirty = True
        self._graph_snapshot: dict[str, Any] = {}
        if config.samples < 1:
            raise ValueError(f"--samples must be at least 1, got {config.samples}")
        self.llm_failures: dict[str, int] = {}
        self.llm = self._llm_client()
        roles = set(config.llm_roles) if self.llm else set()
        if config.discovery not in DISCOVERERS:
            raise ValueError(f"unknown discovery {config.discovery!r}; valid: {', '.join(DISCOVERERS)}")
        discoverer_class, discovery_config = DISCOVERERS[config.discovery]
        discoverer = discoverer_class(
            self.world,
            proposer=LLMProposer(self.llm, self._emit) if "hypothesis" in roles else None,
            config=replace(discovery_config, samples=max(config.samples, discovery_config.samples)),
            on_event=lambda kind, data: self._emit(kind, **data),
        )
        self.learner = Learner(
            discoverer,
            self.graph,
            self.world.action_names,
            state=LearnerState.from_dict(resume["learner"]) if resume else None,
            on_outcome=self._on_outcome,
            order_seed=config.seed,
        )
        self.controller = Controller(
            self.world,
            self.graph,
            self.learner,
            goals,
            milestone_items(self.env),
            memory=MemoryPool.from_dict(resume["memory"]) if resume else MemoryPool(),
            state=ControllerState.from_dict(resume["controller"]) if resume else None,
            max_steps=config.max_steps,
            emit=self._emit,
            planner=LLMPlanner(self.llm, self._emit) if "planner" in roles else None,
            chooser=LLMChooser(self.llm, self._emit) if "actor" in roles else None,
            learning=config.learning,
            perceiver=self._perceiver(),
            env_goal_blocks=env_goal_blocks,
            perceive_for_actor="actor" in roles and config.perception != "off",
        )
        self.controller.goals.extend(config.env_goals)

    def _perceiver(self) -> Perceiver | None:
        if self.config.perception == "off":
            return None
        offline = OfflineDescriber(min_fraction=NAVIGATION_MIN_FRACTION)
        describer, source = offline, "offline"
        if self.config.perception == "llm":
            if self.llm is None:
                raise ValueError("--perception llm needs an LLM (--llm openai:MODEL or --replay-llm)")
            describer, source = LLMDescriber(self.llm, self._emit, offline.names[:-1], offline), "llm"
        return Perceiver(
            self.world.frame,
            lambda: self.world.counters.steps,
            describer,
            self._emit,
            self.folder / "frames" if self.config.frames else None,
            source,
            rename=self.env.unwrapped.vocabulary.shown,
        )

    def _llm_client(self) -> RecordingClient | None:
        config = self.config
        unknown = set(config.llm_roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown LLM role(s) {sorted(unknown)}; roles: {', '.join(ROLES)}")
        if config.replay_llm:
            inner = ReplayClient(Path(config.replay_llm))
        elif config.llm:
            inner = OpenAIClient(
                parse_llm_spec(config.llm), config.base_url, timeout=config.llm_timeout, max_retries=config.llm_retries
            )
        else:
            return None
        return RecordingClient(inner, self._emit)

    def _emit(self, kind: str, **data: Any) -> int:
        if kind == "relearn":
            self._graph_dirty = True
        elif kind == "llm_failure":
            key = f"{data['role']}:{data['failure']}"
            self.llm_failures[key] = self.llm_failures.get(key, 0) + 1
        elif kind == "llm_fallback":
            key = f"{data['role']}:fallback"
            self.llm_failures[key] = self.llm_failures.get(key, 0) + 1
        return self.log.event(kind, **data)

    def _on_outcome(self, outcome: DiscoveryOutcome) -> None:
        self.log.event(
            "discovery",
            action=outcome.action,
            status=outcome.status,
            steps=outcome.steps,
            interventions=outcome.interventions,
        )
        if outcome.relation is not None:
            self._graph_dirty = True  # learned or refined

    def attach_logging(self) -> None:
        self.world.on_transition = lambda t: self.log.event("transition", **t.to_dict())
        self.world.on_reset = lambda seed, options: self.log.event("reset", seed=seed, options=options)

    def checkpoint(self, final: bool = False) -> None:
        if self._graph_dirty:
            self.graph.save(self.folder / "graph.json")
            self._graph_snapshot = self.graph.to_dict()
            self._graph_dirty = False
        c = self.world.counters
        self.controller.state.wall = self.controller.wall
        self.controller._t0 = time.perf_counter()
        self.log.checkpoint(
            {
                "controller": self.controller.state.to_dict(),
                "graph": self._graph_snapshot,
                "learner": self.learner.state.to_dict(),
                "counters": {"steps": c.steps, "interventions": c.interventions, "critical_steps": c.critical_steps},
                "memory": self.controller.memory.to_dict(),
            },
            fsync=final,
        )

    def loop(self, on_tick: Callable[[Controller], None] | None = None) -> RunResult:
        try:
            while not self.controller.finished():
                self.controller.tick()
                self.checkpoint()
                if on_tick:
                    on_tick(self.controller)
            return self._finish()
        finally:
            self.log.close()
            self.env.close()

    def _finish(self) -> RunResult:
        score = final_score(self.env, self.graph, self.world.counters)
        self._graph_dirty = True
        self.checkpoint(final=True)
        if self.config.picture:
            try:
                from causal_graph.picture import draw_graph

                draw_graph(self.graph, self.folder / "graph.png", title=f"learned tech tree ({self.config.variant})")
            except Exception as err:  # a picture must never lose a run
                log.warning("could not draw the graph: %s", err)
        state, c = self.controller.state, self.world.counters
        result = RunResult(
            run_dir=self.folder,
            goal_reached=all(g in state.goals_reached for g in self.controller.goals),
            end_reason=state.end_reason,
            steps=c.steps,
            interventions=c.interventions,
            critical_steps=c.critical_steps,
            milestones=state.milestones,
            score=score,
            wall=state.wall,
            llm={"usage": self.llm.usage.to_dict(), "failures": dict(sorted(self.llm_failures.items()))}
            if self.llm
            else {},
        )
        atomic_write_json(self.folder / "result.json", result.to_json(), indent=1)
        return result


def new_run(config: RunConfig, prior_graph: CausalGraph | None = None, folder: Path | None = None) -> AgentRun:
    """Start a run in a new folder (``runs/<time>-<name>``, or exactly ``folder``, which must not hold a run)."""
    if folder is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        name = config.name or f"{config.variant.replace(':', '')}-s{config.seed}"
        folder = Path(config.out) / f"{stamp}-{name}"
    elif (Path(folder) / "events.jsonl").exists():
        raise RunFolderError(f"{folder}: already holds a run (resume it instead)")
    run = AgentRun(config, folder, prior_graph=prior_graph)
    run.log.write_config(config.to_dict())
    run.attach_logging()
    run.log.event("start", config=config.log_dict())
    run.world.reset(seed=config.seed)
    run.checkpoint()
    return run


def load_config(folder: Path) -> RunConfig:
    """The :class:`RunConfig` of a run folder; RunFolderError naming the file if it is unreadable."""
    path = Path(folder) / "config.json"
    try:
        return RunConfig.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as err:
        raise RunFolderError(f"{path}: unreadable run config ({err})") from None


def resume_run(folder: Path) -> AgentRun:
    """Continue a killed run: restore the agent from the checkpoint, drop events written after it
    (that work is redone), and replay the logged environment calls to restore the world."""
    folder = Path(folder)
    checkpoint = load_checkpoint(folder)
    config = load_config(folder)
    dropped = truncate_events(folder / "events.jsonl", checkpoint["seq"])
    events, _ = read_events(folder / "events.jsonl")
    run = AgentRun(config, folder, resume=checkpoint)
    run.world.replay(events)
    c = checkpoint["counters"]
    run.world.counters = Counters(
        steps=c["steps"], interventions=c["interventions"], critical_steps=c["critical_steps"]
    )
    run.attach_logging()
    run.log.event("resume", from_seq=checkpoint["seq"], dropped_events=dropped)
    log.info("resumed %s at event %d (%d later events redone)", folder, checkpoint["seq"], dropped)
    return run
