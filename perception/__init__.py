"""Perception: first-person frames -> structured descriptions (block kinds, where, a short text).

* :class:`Describer` - the protocol: ``describe(frame) -> Description``.
* :class:`OfflineDescriber` - reads a world's flat-coloured frames from the pixels alone, by the world's palette
  (:class:`env.interface.FramePalette`, declared through its ``frame_palette()``).
* :class:`PerceptionNavigator` - picks movement roles (forward, left, turn_left, ...) toward a block kind.
* :class:`FrameError` - an empty, undecodable, wrong-size or unrecognisable frame.
"""

from __future__ import annotations

from perception.description import HORIZONTAL, SKY, VERTICAL, Description, Region
from perception.errors import FrameError
from perception.navigate import NAVIGATION_MIN_FRACTION, ROLES, PerceptionNavigator
from perception.offline import OfflineDescriber
from perception.protocol import Describer, load_frame

__all__ = [
    "HORIZONTAL",
    "NAVIGATION_MIN_FRACTION",
    "SKY",
    "VERTICAL",
    "Describer",
    "Description",
    "FrameError",
    "OfflineDescriber",
    "PerceptionNavigator",
    "ROLES",
    "Region",
    "load_frame",
]
