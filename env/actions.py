"""The agent's action library (env/data/actions.toml): ids and targets, never requirements."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from env.data import load_toml

KINDS = ("gather", "mine", "craft", "smelt", "move")


@dataclass(frozen=True)
class ActionSpec:
    """One action of the library.

    ``blocks``: target blocks of a gather/mine action; ``item``: result of a craft, input of a smelt;
    ``forward``/``right``/``turn``: a movement.
    """

    id: str
    kind: str
    blocks: tuple[str, ...] = ()
    item: str | None = None
    forward: int = 0
    right: int = 0
    turn: int = 0

    @property
    def is_movement(self) -> bool:
        return self.kind == "move"


# --actions: ADAM's hand-picked 41 (the default), or generated from the rules
ACTION_LIBRARIES = ("adam41", "overworld")
DEFAULT_ACTIONS = "adam41"


def check_library(library: str) -> str:
    """``library`` if it names an action library; else a ValueError naming the valid ones."""
    if library not in ACTION_LIBRARIES:
        raise ValueError(f"unknown action library {library!r}; valid: {', '.join(ACTION_LIBRARIES)}")
    return library


def action_library(library: str = DEFAULT_ACTIONS) -> tuple[ActionSpec, ...]:
    """All actions of ``library``, in library order (the order of the simulator's ``Discrete`` action space):
    ``adam41``, ADAM's 41 and the movements (:file:`env/data/actions.toml`); ``overworld``, those and every action
    the rules allow in this world (:mod:`env.library`)."""
    if check_library(library) == "overworld":
        from env.library import overworld_library  # it reads the rules, which read this module's data

        return overworld_library()
    return adam_library()


@cache
def adam_library() -> tuple[ActionSpec, ...]:
    """ADAM's 41 actions and the movements, as :file:`env/data/actions.toml` lists them."""
    specs = []
    for raw in load_toml("actions.toml")["action"]:
        if raw["kind"] not in KINDS:
            raise ValueError(f"action {raw['id']!r} has unknown kind {raw['kind']!r}; kinds: {', '.join(KINDS)}")
        specs.append(
            ActionSpec(
                id=raw["id"],
                kind=raw["kind"],
                blocks=tuple(raw.get("blocks", ())),
                item=raw.get("item"),
                forward=int(raw.get("forward", 0)),
                right=int(raw.get("right", 0)),
                turn=int(raw.get("turn", 0)),
            )
        )
    return tuple(specs)


@cache
def action_ids() -> tuple[str, ...]:
    return tuple(spec.id for spec in action_library())


def action_spec(action_id: str) -> ActionSpec:
    for spec in action_library():
        if spec.id == action_id:
            return spec
    raise ValueError(f"unknown action {action_id!r}; valid actions: {', '.join(action_ids())}")


def movement_ids() -> tuple[str, ...]:
    return tuple(spec.id for spec in action_library() if spec.is_movement)


def movement_roles() -> dict[str, str]:
    """Each movement's role in the world contract (:class:`env.interface.Movements`, relative), read from its
    ``forward``/``right``/``turn`` values: ``{"forward": "move_forward", …, "turn_right": "turn_right"}``."""
    by_vector = {
        (1, 0, 0): "forward",
        (-1, 0, 0): "backward",
        (0, -1, 0): "left",
        (0, 1, 0): "right",
        (0, 0, -1): "turn_left",
        (0, 0, 1): "turn_right",
    }
    roles = {}
    for spec in action_library():
        if spec.is_movement:
            role = by_vector.get((spec.forward, spec.right, spec.turn))
            if role is None:
                raise ValueError(f"movement {spec.id!r} is no single step or turn; cannot give it a role")
            roles[role] = spec.id
    return roles
