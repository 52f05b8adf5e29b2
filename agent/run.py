"""One agent run: build the world and the agent, run the lifelong loop with a run folder, resume."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gymnasium as gym

from agent.controller import Controller, ControllerState, StepBudgetExhausted
from agent.goals import EnvironmentGoal, ItemGoal
from agent.llm.beliefs import BELIEFS_FILE, LLMBeliefs
from agent.llm.client import OpenAIClient, parse_llm_spec
from agent.llm.recording import RecordingClient, ReplayClient
from agent.llm.roles import LLMChooser, LLMPlanner, LLMProposer
from agent.llm.status import LLMTally
from agent.llm.vision import LLMDescriber
from agent.memory import MemoryPool
from agent.milestones import labels, world_record
from agent.perceive import Perceiver
from agent.prior import read_prior
from agent.resources import resource_table, shown_first
from agent.run_config import (  # noqa: F401  (RunConfig and the limits are imported from here too)
    EXIT_LLM_UNAVAILABLE,
    LLM_FALLBACKS,
    MAX_SAMPLES,
    RunConfig,
    check_variant,
)
from agent.runlog import RunFolderError, RunLog, apply_cut, atomic_write_json, load_checkpoint, plan_cut
from agent.scoring import final_score
from agent.worlds import is_simulator, make_env, run_label, world_conditions
from causal_graph.baseline import AdamDiscoverer, InterventionOnlyDiscoverer, adam_config
from causal_graph.discovery import Discoverer, DiscoveryConfig, DiscoveryOutcome
from causal_graph.graph import CausalGraph
from causal_graph.learner import Learner, LearnerState
from env.interface import Counters, Transition
from env.interface.handle import EnvWorld, ReplayDiverged
from perception.navigate import NAVIGATION_MIN_FRACTION
from perception.offline import OfflineDescriber

log = logging.getLogger(__name__)

COUNTER_KEYS = ("steps", "interventions", "critical_steps")  # what a checkpoint keeps of env.interface.Counters
DISCOVERERS = {
    "ours": (Discoverer, DiscoveryConfig()),
    "adam": (AdamDiscoverer, adam_config()),
    "intervention_only": (InterventionOnlyDiscoverer, DiscoveryConfig()),
}


@dataclass
class RunResult:
    run_dir: Path
    goal_reached: bool
    end_reason: str
    steps: int
    interventions: int
    critical_steps: int
    milestones: dict[str, dict[str, float]]
    score: dict[str, Any] = field(default_factory=dict)  # {}: the world has no ground truth (not scored)
    wall: float = 0.0
    llm: dict[str, Any] = field(default_factory=dict)
    world: str = ""  # the world's name (its WorldSpec)
    milestone_order: tuple[str, ...] = ()  # the world's milestone labels, in order (none: none)
    resources: dict[str, dict[str, int]] = field(default_factory=dict)  # agent.resources.resource_table
    prior: dict[str, Any] = field(default_factory=dict)  # the prior file's entries and track record ({}: none)

    @property
    def scored(self) -> bool:
        """Whether the learned graph was scored (the world has ground truth)."""
        return bool(self.score)

    def to_json(self) -> dict[str, Any]:
        return {
            "goal_reached": self.goal_reached,
            "end_reason": self.end_reason,
            "world": self.world,
            "scored": self.scored,
            "shd": self.score.get("shd"),
            "steps": self.steps,
            "critical_steps": self.critical_steps,
            "interventions": self.interventions,
            "milestone_order": list(self.milestone_order),
            "milestones": {k: v["step"] for k, v in self.milestones.items()},
            "milestone_wall": {k: v["wall"] for k, v in self.milestones.items()},
            "wall": round(self.wall, 3),
            "score": self.score,
            "llm": self.llm,
            "resources": self.resources,
            "prior": self.prior,
            "run_dir": str(self.run_dir),
        }


class BudgetedWorld(EnvWorld):
    """An :class:`EnvWorld` that refuses a step beyond ``max_steps`` (:class:`StepBudgetExhausted`), so a
    run stops at exactly its budget, even inside a discovery or a plan step."""

    def __init__(self, environment: gym.Env, max_steps: int) -> None:
        super().__init__(environment)
        self.max_steps = max_steps

    def act(self, action: str) -> Transition:
        if self.counters.steps >= self.max_steps:
            raise StepBudgetExhausted(self.max_steps)
        return super().act(action)


class AgentRun:
    """Wires world, causal module, controller and run log together.

    ``llm_down``: why the LLM endpoint could not be reached at start, when the run goes on offline
    (``--llm-fallback offline``); the LLM is then not asked at all and its status is ``unavailable``."""

    def __init__(
        self,
        config: RunConfig,
        folder: Path,
        resume: dict[str, Any] | None = None,
        prior_graph: CausalGraph | None = None,
        llm_down: str | None = None,
    ) -> None:
        config.validate()
        self.config = config
        self.folder = folder
        self.env = make_env(
            config.env_id, config.seed, config.variant, config.env_kwargs, config.conditions, config.actions
        )
        self.world = BudgetedWorld(self.env, config.max_steps)
        goals = [ItemGoal(self.world.resolve_item(g)) for g in config.goals]
        goals += [EnvironmentGoal.parse(g).shown_as(self.world.resolve_block) for g in config.env_goals]
        self.log = RunLog(folder, seq=resume["seq"] if resume else 0)  # touches the disk at its first write
        if resume:
            self.graph = CausalGraph.from_dict(resume["graph"], source=str(folder / "checkpoint.json"))
        else:
            self.graph = prior_graph.copy() if prior_graph is not None else CausalGraph()
        self._graph_dirty = True
        self._graph_snapshot: dict[str, Any] = {}
        self.tally = LLMTally()  # what result.json's "llm" reports, counted from the events
        self.llm_down = llm_down
        self.llm = self._llm_client()
        roles = set(config.llm_roles) if self.llm else set()
        discoverer_class, discovery_config = DISCOVERERS[config.discovery]
        discoverer = discoverer_class(
            self.world,
            proposer=LLMProposer(self.llm, self._emit) if "hypothesis" in roles else None,
            config=replace(discovery_config, samples=max(config.samples, discovery_config.samples)),
            on_event=lambda kind, data: self._emit(kind, **data),
        )
        self.prior = None
        if config.prior_file:
            self.prior = read_prior(
                config.prior_file,
                self.world.action_names,
                self.world.spec.item_names,
                skip_unknown=config.prior_unknown == "skip",
            )
            if self.prior.skipped:
                kept = len(self.prior.graph.relations())
                log.warning(
                    "the prior %s names what this world lacks: %d entr%s left out (first: %s); %d kept%s",
                    config.prior_file,
                    len(self.prior.skipped),
                    "y" if len(self.prior.skipped) == 1 else "ies",
                    self.prior.skipped[0],
                    kept,
                    "" if kept else ": learning without beliefs",
                )
        beliefs = self.prior.graph if self.prior and self.prior.graph.relations() else None
        self.learner = Learner(
            discoverer,
            self.graph,
            self.world.action_names,
            state=LearnerState.from_dict(resume["learner"]) if resume else None,
            on_outcome=self._on_outcome,
            order_seed=config.seed,
            explore_patience=config.explore_rounds,
            beliefs=beliefs,
            goals=[g.item for g in goals if isinstance(g, ItemGoal)],
        )
        if resume and (folder / BELIEFS_FILE).is_file():  # the LLM's beliefs, as asked at the start
            self._install_beliefs(CausalGraph.load(folder / BELIEFS_FILE))
        self.controller = Controller(
            self.world,
            self.graph,
            self.learner,
            goals,
            self.world.spec.milestone_items,
            memory=MemoryPool.from_dict(resume["memory"]) if resume else MemoryPool(),
            state=ControllerState.from_dict(resume["controller"]) if resume else None,
            max_steps=config.max_steps,
            emit=self._emit,
            planner=LLMPlanner(self.llm, self._emit) if "planner" in roles else None,
            chooser=LLMChooser(self.llm, self._emit) if "actor" in roles else None,
            learning=config.learning,
            perceiver=self._perceiver(),
            perceive_for_actor="actor" in roles and config.perception != "off",
        )

    def _perceiver(self) -> Perceiver | None:
        """The frame describer of the run, for the world's frames: the offline describer reads them with the colours
        the world declares (:meth:`EnvWorld.frame_palette`). A world that declares none gets no perception: a
        ``see:`` goal (reached only by seeing it) or ``--perception llm`` (the vision model is offered the palette's
        block kinds, and falls back to the offline describer) is then a ValueError at start; otherwise perception
        only helps (navigation toward ``near:`` goals falls back to the world's exploration spiral, the actor goes
        without a view), so the run goes on without it, saying so in one warning when it would have been used."""
        if self.config.perception == "off":
            return None
        palette = self.world.frame_palette()
        if palette is None:
            return self._without_perception()
        offline = OfflineDescriber(palette, min_fraction=NAVIGATION_MIN_FRACTION)
        describer, source = offline, "offline"
        shown = self._shown_block  # block kinds as the agent knows them
        if self.config.perception == "llm" and not self.llm_down:  # an LLM down at start: the offline describer
            if self.llm is None:
                raise ValueError("--perception llm needs an LLM (--llm openai:MODEL or --replay-llm)")
            # the model is shown only the agent's names (an obfuscated world's tokens), never the real ones
            describer, source = LLMDescriber(self.llm, self._emit, offline.names[:-1], offline, rename=shown), "llm"
        return Perceiver(
            self.world.frame,
            lambda: self.world.counters.steps,
            describer,
            self._emit,
            self.folder / "frames" if self.config.frames else None,
            source,
            rename=shown,
        )

    def _without_perception(self) -> None:
        """No perception in a world without a frame palette: ValueError where it is needed, else a warning."""
        world = self.world.spec.name
        seen = [goal for goal in map(EnvironmentGoal.parse, self.config.env_goals) if goal.kind == "see"]
        if seen:
            goal = seen[0]
            raise ValueError(
                f"the goal {goal.name} needs perception, but {world} declares no frame palette to read its frames "
                f"with; use near:{goal.block}"
            )
        if self.config.perception == "llm" and not self.llm_down:
            raise ValueError(
                f"--perception llm: {world} declares no frame palette (its block kinds), use --perception off"
            )
        if self.config.env_goals or (self.llm is not None and "actor" in self.config.llm_roles):
            log.warning("%s declares no frame palette: the run goes on without perception", world)
        return None

    def _shown_block(self, name: str) -> str:
        """A block kind the describer names, as the world shows it (unchanged when the world does not know it)."""
        try:
            return self.world.resolve_block(name)
        except ValueError:
            return name

    def _llm_client(self) -> RecordingClient | None:
        config = self.config
        if config.replay_llm:
            inner = ReplayClient(Path(config.replay_llm))
            self.llm_down = self.llm_down or inner.down_at_start  # the recorded run went on offline: so does this
        elif self.llm_down:
            return None
        elif config.llm:
            inner = OpenAIClient(
                parse_llm_spec(config.llm), config.base_url, timeout=config.llm_timeout, max_retries=config.llm_retries
            )
        else:
            return None
        return None if self.llm_down else RecordingClient(inner, self._emit)

    def ask_beliefs(self) -> None:
        """With the LLM's ``belief`` role: ask it what it believes each action needs and yields, keep the answers in
        the run folder (``beliefs.json``, read again on resume) and let them steer learning beside a prior file's
        (where both believe something of an action, the file's belief stands)."""
        if self.llm is None or "belief" not in self.config.llm_roles:
            return
        learnable = set(self.learner.actions)
        actions = [a for a in self.world.action_names if a in learnable]
        graph = LLMBeliefs(self.llm, self._emit).ask_all(actions, self.world.spec.item_names)
        graph.save(self.folder / BELIEFS_FILE)
        self._install_beliefs(graph)

    def _install_beliefs(self, llm_beliefs: CausalGraph) -> None:
        beliefs = self.learner.beliefs.copy() if self.learner.beliefs is not None else CausalGraph()
        sources = dict(self.learner.belief_sources)
        for rel in llm_beliefs.relations():
            if not beliefs.explained(rel.action):
                beliefs.set_relation(rel)
                sources[rel.action] = LLMBeliefs.source
        if beliefs.relations():
            self.learner.beliefs, self.learner.belief_sources = beliefs, sources

    def _emit(self, kind: str, **data: Any) -> int:
        if kind in ("relearn", "relation"):  # a relation dropped, or re-checked outside a discovery (Learner.check)
            self._graph_dirty = True
        self.tally.count(kind, data)
        return self.log.event(kind, **data)

    @property
    def asks_llm(self) -> bool:
        """Whether this run was asked to use an LLM (``--llm`` or ``--replay-llm``), reachable or not."""
        return bool(self.config.llm or self.config.replay_llm)

    def note_llm_down(self) -> None:
        """Log that the endpoint was unreachable at start and the run goes on offline (``llm_unavailable``)."""
        if self.llm_down:
            self._emit("llm_unavailable", failures=0, error=self.llm_down, at_start=True)
            log.warning("%s; going on offline (--llm-fallback offline)", self.llm_down)

    def llm_result(self) -> dict[str, Any]:
        """``result.json``'s ``llm``: status, counts, tokens, usage per role; {} for an offline run."""
        if not self.asks_llm:
            return {}
        usage = self.llm.usage.to_dict() if self.llm else {}
        model = self.llm.model if self.llm else (self.config.llm or "").partition(":")[2]
        return {**self.tally.to_dict(model, usage), "fallback": self.config.llm_fallback}

    def prior_result(self) -> dict[str, Any]:
        """``result.json``'s ``prior``: the file, its relations kept and entries left out, and the track record of its
        beliefs (confirmed, refuted, whether they still steer); {} for a run without a prior file."""
        if self.prior is None:
            return {}
        refuted, confirmed = self.learner.track_record("prior")
        trusted = bool(self.prior.graph.relations()) and self.learner.trusted("prior")
        return {**self.prior.summary(), "confirmed": confirmed, "refuted": refuted, "trusted": trusted}

    def recount(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Rebuild the LLM usage and failure counts of a resumed run from its logged events, so that
        ``result.json`` counts the whole run, not only what came after the resume."""
        for event in events:
            self.tally.count(event["kind"], event)
            if self.llm is not None and event["kind"] == "llm_call":
                self.llm.usage.add_recorded(event)

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
        self.world.on_transition = self._on_transition
        self.world.on_reset = lambda seed, options: self.log.event("reset", seed=seed, options=options)
        self.world.on_restart = lambda restart: self.log.event("restart", **restart)

    def _on_transition(self, t: Transition) -> None:
        self.log.event("transition", **t.to_dict())
        self.controller.count_taken(t)

    def resources(self) -> dict[str, dict[str, int]]:
        """What the world gave up before the first goal, per world-taking action (:mod:`agent.resources`); the actions
        that yield a goal item first."""
        table = resource_table(self.controller.state.taken, self.graph)
        goals = [g.item for g in self.controller.goals if isinstance(g, ItemGoal)]
        return {action: table[action] for action in shown_first(table, self.graph, goals)}

    def close(self) -> None:
        """Release the log and the environment (``loop`` does this itself)."""
        self.log.close()
        self.env.close()

    def checkpoint(self, final: bool = False) -> None:
        if self._graph_dirty:
            self.graph.save(self.folder / "graph.json")
            self._graph_snapshot = self.graph.to_dict()
            self._graph_dirty = False
        c = self.world.counters
        self.controller.bank_wall()
        self.log.checkpoint(
            {
                "controller": self.controller.state.to_dict(),
                "graph": self._graph_snapshot,
                "learner": self.learner.state.to_dict(),
                "counters": {k: getattr(c, k) for k in COUNTER_KEYS},
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
            self.close()

    def _finish(self) -> RunResult:
        score = final_score(self.world, self.graph, self.world.counters)
        self._graph_dirty = True
        self.checkpoint(final=True)
        if self.config.picture:
            try:
                from causal_graph.picture import draw_graph

                draw_graph(
                    self.graph,
                    self.folder / "graph.png",
                    title=f"learned tech tree ({self.world.spec.name})",
                    goals=[g.item for g in self.controller.goals if isinstance(g, ItemGoal)],
                )
            except Exception as err:  # a picture must never lose a run
                log.warning("could not draw the graph: %s", err)
        state, c = self.controller.state, self.world.counters
        result = RunResult(
            run_dir=self.folder,
            goal_reached=all(g.name in state.goals_reached for g in self.controller.goals),
            end_reason=state.end_reason,
            steps=c.steps,
            interventions=c.interventions,
            critical_steps=c.critical_steps,
            milestones=state.milestones,
            score=score,
            wall=state.wall,
            llm=self.llm_result(),
            world=self.world.spec.name,
            milestone_order=labels(self.world.spec),
            resources=self.resources(),
            prior=self.prior_result(),
        )
        atomic_write_json(self.folder / "result.json", result.to_json(), indent=1)
        return result


def llm_preflight(config: RunConfig, resuming: bool = False) -> str | None:
    """Before a run starts or resumes (before anything is made or changed): can its LLM endpoint be reached
    at all? None when it can, or when there is none to ask (offline, ``--replay-llm``). When it cannot
    (connection refused, no such host), ValueError with one line, unless ``--llm-fallback offline``: then
    the reason, for :func:`new_run`/:func:`resume_run` to go on offline."""
    if not config.llm or config.replay_llm:
        return None
    client = OpenAIClient(parse_llm_spec(config.llm), config.base_url, timeout=config.llm_timeout, max_retries=0)
    why = client.unreachable(config.llm_timeout)
    if why and config.llm_fallback != "offline":
        if resuming:
            raise ValueError(f"{why}; the run asks it (its config.json): start the endpoint again, then resume")
        raise ValueError(f"{why}; check --base-url or $OPENAI_BASE_URL (--llm-fallback offline runs without it)")
    return why


def new_run(
    config: RunConfig,
    prior_graph: CausalGraph | None = None,
    folder: Path | None = None,
    llm_down: str | None = None,
) -> AgentRun:
    """Start a run in a new folder (``runs/<time>-<name>``, or exactly ``folder``, which must not hold a run).
    The whole configuration is checked, and the world and agent built, before the folder is created; if
    the start fails after that (a live server that cannot be reached, …), the folder is removed again, and
    so are the folders above it that it created. ``llm_down``: see :class:`AgentRun`."""
    config.validate()
    if folder is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        name = config.name or f"{run_label(config.env_id, config.variant)}-s{config.seed}"
        folder = Path(config.out) / f"{stamp}-{name}"
    elif (Path(folder) / "events.jsonl").exists():
        raise RunFolderError(f"{folder}: already holds a run (resume it instead)")
    folder = Path(folder)
    run = AgentRun(config, folder, prior_graph=prior_graph, llm_down=llm_down)
    config = run.config = replace(config, conditions=world_conditions(run.env, config.conditions))  # written out
    try:
        created = _make_folder(folder)
    except BaseException:
        run.close()
        raise
    try:
        run.log.write_config(config.to_dict())
        run.attach_logging()
        run.log.event("start", config=config.log_dict(), world=world_record(run.world.spec))
        run.note_llm_down()
        run.ask_beliefs()
        run.world.reset(seed=config.seed)
        run.checkpoint()
    except BaseException:
        run.close()
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise
    return run


def _make_folder(folder: Path) -> Path | None:
    """Create a run folder (and the folders above it); the topmost folder it created (None if ``folder``
    existed). RunFolderError naming the path where that is impossible (a file in the way, no permission,
    a read-only file system)."""
    if folder.is_dir():
        return None
    missing = folder
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    try:
        folder.mkdir(parents=True)
    except OSError as err:
        at = f" (at {err.filename})" if err.filename and Path(err.filename) != folder else ""
        raise RunFolderError(f"cannot create the run folder {folder}: {err.strerror}{at}") from None
    return missing


def load_config(folder: Path) -> RunConfig:
    """The :class:`RunConfig` of a run folder; RunFolderError naming the file if it is unreadable or invalid."""
    path = Path(folder) / "config.json"
    try:
        config = RunConfig.from_dict(json.loads(path.read_bytes().decode("utf-8")))
        config.validate()
    except OSError as err:
        raise RunFolderError(f"{path}: unreadable run config ({err.strerror})") from None
    except (ValueError, TypeError, AttributeError) as err:
        raise RunFolderError(f"{path}: invalid run config ({err})") from None
    return config


def resume_run(folder: Path, llm_down: str | None = None) -> AgentRun:
    """Continue a killed run. Nothing in the folder changes until the resume is proved safe: the checkpoint
    and config are validated, the events up to the checkpoint read and replayed on a fresh world in memory
    (every field of every transition compared); only then are stale temp files removed, the events after
    the checkpoint (redone now) kept in ``events-after-<seq>.jsonl`` and cut from ``events.jsonl``.

    A run that finished but was killed before its ``result.json`` was written is only finished: its loop
    writes the result, and no event is added. A finished run with its result is refused. The LLM usage
    and failure counts are rebuilt from the log, so ``result.json`` counts the whole run."""
    folder = Path(folder)
    checkpoint = load_checkpoint(folder)
    config = load_config(folder)
    if is_simulator(config.env_id) and not config.conditions:  # a run from before the 1.19 rules were the default
        config = replace(config, conditions=("plain",))
    events_path = folder / "events.jsonl"
    cut = plan_cut(events_path, checkpoint["seq"])
    finished = checkpoint["controller"].get("phase") == "done" or any(e["kind"] == "end" for e in cut.kept)
    if finished and (folder / "result.json").exists():
        raise RunFolderError(f"{folder}: the run has finished (its log ends with 'end'); nothing to resume")
    run = AgentRun(config, folder, resume=checkpoint, llm_down=llm_down)
    run.recount(cut.kept)
    if finished:  # killed between its last event and result.json: only the result is written, no event
        run.world.counters = Counters(**{k: checkpoint["counters"][k] for k in COUNTER_KEYS})
        log.info("%s had finished; writing its result.json", folder)
        return run
    try:
        run.world.replay(cut.kept)
    except ReplayDiverged as err:
        run.close()
        raise RunFolderError(f"{events_path}: {err}; cannot resume, nothing was changed") from None
    except BaseException:
        run.close()
        raise
    run.world.counters = Counters(**{k: checkpoint["counters"][k] for k in COUNTER_KEYS})
    tail = apply_cut(cut)
    run.attach_logging()
    run.log.event("resume", from_seq=checkpoint["seq"], dropped_events=cut.dropped, tail=tail)
    run.note_llm_down()
    log.info("resumed %s at event %d (%d later events redone, kept in %s)", folder, cut.seq, cut.dropped, tail)
    return run
