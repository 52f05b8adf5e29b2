"""The world contract: what a world declares (:class:`WorldSpec`), and what the agent may do with it (:class:`World`).

A world is a gymnasium environment with a ``world_spec`` attribute (a :class:`WorldSpec`) whose action space is
``Discrete(len(world_spec.action_names))`` in that order, whose ``reset(options={"inventory": {...}})`` sets the
inventory exactly (a do()-intervention), and whose ``info`` dicts carry the keys of :data:`STEP_INFO` (and
:data:`RESET_INFO` after a reset). Optional methods: ``ground_truth()`` (the true relations, for scoring only),
``ground_truth_other_ways()`` (further true relations of actions that work in several ways, for scoring only),
``resolve_item(name)`` and ``resolve_block(name)`` (a name a person typed, e.g. a real name in a world that shows
obfuscated ones, to the name the agent sees). ``docs/worlds.md`` walks through a complete example world.

**Placed things.** Some actions change the world rather than the inventory (placing a workbench). A world that
has such things declares ``places=True``, reports the placed things near the agent as ``info["placed"]`` (name ->
count) and sets them with the reset option ``placed`` (a do() on the world next to the agent). The agent sees
them as part of its state, under names with the :data:`PLACED` prefix (``placed:workbench``), so an action that
places something has an effect like any other, and an action that needs a placed thing has it as a cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from env.interface.frames import FramePalette
from env.interface.relation import CausalRelation
from env.interface.transition import Counters, Transition

PLACED = "placed:"  # the prefix of a placed thing in the agent's state: "placed:workbench"

RELATIVE_ROLES = ("forward", "backward", "left", "right", "turn_left", "turn_right")
ABSOLUTE_ROLES = ("north", "east", "south", "west")
MOVEMENT_KINDS = ("relative", "absolute", "none")

# What every step's info holds (required), and what it may hold (optional), for :class:`env.interface.handle.EnvWorld`.
STEP_INFO = ("inventory", "action", "success", "reason", "consumed", "added")
# "lost" / "lost_placed": items / placed things the world took during the step, not the action (a station a
# creeper blew up); a world leaves them out of "consumed" (see Transition.lost).
# "dropped": gains that did not fit in the inventory (stack or slot limits); "durability": uses left per held
# tool; "ores_left": what a finite world still holds (the simulator's conditions).
STEP_INFO_OPTIONAL = (
    "placed", "position", "nearby", "step_ticks", "restarts", "error", "lost", "lost_placed", "dropped",
    "durability", "ores_left",
)  # fmt: skip
RESET_INFO = ("inventory",)
# "trimmed": item -> how many of an intervention's counts did not fit (lowered to fit); "conditions": the world's
# conditions when some are on (the simulator's durability, stacks, scarce, noisy, hostile, cap).
RESET_INFO_OPTIONAL = ("placed", "position", "nearby", "restarts", "trimmed", "conditions", "ores_left", "durability")


class EnvironmentUnavailable(RuntimeError):
    """The environment cannot be started or reached: a live server down, its bridge not installed. The
    message says what is missing; commands report it without a traceback."""


def placed_name(thing: str) -> str:
    """The state name of a placed thing: ``placed_name("workbench") == "placed:workbench"``."""
    return PLACED + thing


def is_placed(name: str) -> bool:
    return name.startswith(PLACED)


def split_state(state: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The agent's state as (inventory, placed things without the prefix)."""
    inventory = {k: v for k, v in state.items() if not is_placed(k)}
    placed = {k[len(PLACED) :]: v for k, v in state.items() if is_placed(k)}
    return inventory, placed


@dataclass(frozen=True)
class Movements:
    """How a world's agent moves: ``relative`` (forward, turn: the Minecraft kind), ``absolute`` (compass
    directions: a grid world), or ``none``. ``roles`` maps each role (:data:`RELATIVE_ROLES` or
    :data:`ABSOLUTE_ROLES`) to the world's action name for it; a relative world needs at least ``forward`` and a
    turn, an absolute one all four directions."""

    kind: str = "none"
    roles: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in MOVEMENT_KINDS:
            raise ValueError(f"movement kind must be one of {', '.join(MOVEMENT_KINDS)}, got {self.kind!r}")
        valid = {"relative": RELATIVE_ROLES, "absolute": ABSOLUTE_ROLES, "none": ()}[self.kind]
        unknown = set(self.roles) - set(valid)
        if unknown:
            raise ValueError(
                f"unknown {self.kind} movement role(s) {sorted(unknown)}; valid: {', '.join(valid) or 'none'}"
            )
        if self.kind == "relative" and not ("forward" in self.roles and {"turn_left", "turn_right"} & set(self.roles)):
            raise ValueError("relative movements need at least a 'forward' and a 'turn_left' or 'turn_right' action")
        if self.kind == "absolute" and set(self.roles) != set(ABSOLUTE_ROLES):
            raise ValueError(f"absolute movements need all of {', '.join(ABSOLUTE_ROLES)}")
        if len(set(self.roles.values())) != len(self.roles):
            raise ValueError("each movement role needs its own action")

    @property
    def actions(self) -> tuple[str, ...]:
        """The movement action names, in role order."""
        order = RELATIVE_ROLES if self.kind == "relative" else ABSOLUTE_ROLES
        return tuple(self.roles[r] for r in order if r in self.roles)

    def explore(self, detour: int) -> str | None:
        """The ``detour``-th move of a square spiral whose legs double (1, 1, 2, 2, 4, 4, ... moves), so that
        repeated detours sweep ever wider ground, also from a corner of the world. Relative: forwards, with a
        right turn between legs; absolute: legs north, east, south, west in turn. None: the world has no moves."""
        if self.kind == "none":
            return None
        if self.kind == "absolute":
            i, leg, k = 0, 1, 0
            while True:
                for _ in range(2):
                    if detour < i + leg:
                        return self.roles[ABSOLUTE_ROLES[k % 4]]
                    i, k = i + leg, k + 1
                leg *= 2
        forward = self.roles["forward"]
        turn = self.roles.get("turn_right") or self.roles["turn_left"]
        i, leg = 0, 1
        while True:
            for _ in range(2):
                if detour < i + leg:
                    return forward
                if detour == i + leg:
                    return turn
                i += leg + 1
            leg *= 2


@dataclass(frozen=True)
class WorldSpec:
    """What a world declares to the agent (and nothing of its rules).

    ``action_names``: every action, movements included, in the order of the action space. ``item_names``: the
    items an inventory may hold (as the agent sees them). ``milestones``: (item, label) pairs, in order, that a
    run reports when first reached (none: none). ``capacity``: the most item kinds one intervention may set
    (None: no limit). ``stack_limits`` / ``default_stack``: the most of one item an inventory can hold (None: no
    known limit); interventions and discovery stocks stay within it. ``places``: the world reports and sets
    placed things (see the module docstring). ``name``: how reports name the world."""

    name: str
    action_names: tuple[str, ...]
    item_names: tuple[str, ...]
    movements: Movements = Movements()
    milestones: tuple[tuple[str, str], ...] = ()
    capacity: int | None = None
    stack_limits: Mapping[str, int] = field(default_factory=dict)
    default_stack: int | None = None
    places: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "action_names", tuple(self.action_names))
        object.__setattr__(self, "item_names", tuple(self.item_names))
        object.__setattr__(self, "milestones", tuple((str(i), str(label)) for i, label in self.milestones))
        if not self.action_names or len(set(self.action_names)) != len(self.action_names):
            raise ValueError("a world needs at least one action, each named once")
        missing = [a for a in self.movements.actions if a not in self.action_names]
        if missing:
            raise ValueError(f"movement action(s) {missing} are not among the world's actions")
        known = set(self.item_names)
        unknown = [i for i, _ in self.milestones if i not in known and not is_placed(i)]
        if unknown:
            raise ValueError(f"milestone item(s) {unknown} are not among the world's items")
        for what, value in (("capacity", self.capacity), ("default_stack", self.default_stack)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"{what} must be a positive integer or None, got {value!r}")
        bad = {k: v for k, v in self.stack_limits.items() if isinstance(v, bool) or not isinstance(v, int) or v < 1}
        if bad:
            raise ValueError(f"stack limits must be positive integers, got {bad}")

    @property
    def tech_actions(self) -> tuple[str, ...]:
        """The actions that are not movements (what the agent learns the causes of)."""
        moves = set(self.movements.actions)
        return tuple(a for a in self.action_names if a not in moves)

    @property
    def milestone_items(self) -> dict[str, str]:
        """item -> label, in the declared order."""
        return dict(self.milestones)

    def stack_limit(self, item: str) -> int | None:
        """The most of ``item`` an inventory can hold (a placed thing: as its item); None when not known."""
        name = item[len(PLACED) :] if is_placed(item) else item
        return self.stack_limits.get(name, self.default_stack)


class World(Protocol):
    """What the agent and the learner act through (:class:`env.interface.handle.EnvWorld` wraps any world env).

    The state (``inventory()``, a transition's ``before``/``after``) holds the inventory and, in a world that
    places things, the placed things near the agent under :data:`PLACED` names; ``intervene`` sets both."""

    spec: WorldSpec
    counters: Counters

    @property
    def action_names(self) -> tuple[str, ...]: ...

    @property
    def movement_actions(self) -> tuple[str, ...]: ...

    @property
    def capacity(self) -> int | None: ...

    def act(self, action: str) -> Transition: ...

    def intervene(self, inventory: Mapping[str, int]) -> None:
        """do(): set the state exactly (the inventory, and the placed things where the world has them)."""
        ...

    def inventory(self) -> dict[str, int]: ...

    def stack_limit(self, item: str) -> int | None: ...

    def ground_truth(self) -> list[CausalRelation] | None:
        """The world's true relations, for scoring after the fact only; None when it has none."""
        ...

    def resolve_item(self, name: str) -> str:
        """An item a person named (a real name in a world that shows others) as the agent sees it."""
        ...

    def resolve_block(self, name: str) -> str:
        """A block kind of an environment goal as the world reports it nearby."""
        ...

    def frame_palette(self) -> FramePalette | None:
        """The colours the world draws its frames with (for offline perception); None when it declares none."""
        ...
