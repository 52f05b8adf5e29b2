"""The world contract: everything ``agent/``, ``causal_graph/`` and ``perception/`` may know of a world.

* :mod:`env.interface.world` — what a world declares (:class:`WorldSpec`, :class:`Movements`), the info keys and
  reset options it honours, and the :class:`World` protocol the agent acts through;
* :mod:`env.interface.handle` — :class:`EnvWorld`, which wraps any world env as a :class:`World`;
* :mod:`env.interface.transition` — :class:`Transition` (one executed action) and :class:`Counters`;
* :mod:`env.interface.relation` — :class:`CausalRelation` and :class:`Need`, the form of learned and true relations;
* :mod:`env.interface.frames` — :class:`FramePalette`, the colours of a world's frames (optional: offline perception).

These modules import nothing of a world's rules, data or generator; the agent imports them and the gymnasium ids.
"""

from __future__ import annotations

from env.interface.frames import FramePalette
from env.interface.relation import CausalRelation, Evidence, Need
from env.interface.transition import Counters, Transition
from env.interface.world import (
    PLACED,
    EnvironmentUnavailable,
    Movements,
    World,
    WorldSpec,
    is_placed,
    placed_name,
    split_state,
)

__all__ = [
    "PLACED",
    "CausalRelation",
    "Counters",
    "EnvironmentUnavailable",
    "Evidence",
    "FramePalette",
    "Movements",
    "Need",
    "Transition",
    "World",
    "WorldSpec",
    "is_placed",
    "placed_name",
    "split_state",
]
