"""Perception: first-person frames -> structured descriptions (block kinds, where, a short text).

* :class:`Describer` - the protocol: ``describe(frame) -> Description``.
* :class:`OfflineDescriber` - reads the simulator's rendered frames from the pixels alone (palette colours).
* :class:`PerceptionNavigator` - picks movements toward a block kind from descriptions.
* :class:`FrameError` - an empty, undecodable, wrong-size or unrecognisable frame.
"""

from __future__ import annotations

from perception.description import HORIZONTAL, SKY, VERTICAL, Description, Region
from perception.errors import FrameError
from perception.navigate import MOVES, NAVIGATION_MIN_FRACTION, PerceptionNavigator
from perception.offline import OfflineDescriber
from perception.protocol import Describer, load_frame

__all__ = [
    "HORIZONTAL",
    "MOVES",
    "NAVIGATION_MIN_FRACTION",
    "SKY",
    "VERTICAL",
    "Describer",
    "Description",
    "FrameError",
    "OfflineDescriber",
    "PerceptionNavigator",
    "Region",
    "load_frame",
]
