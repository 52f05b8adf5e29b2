"""Choosing movements toward a block kind from frame descriptions (environment-factor goals: ``near:water``).

:class:`PerceptionNavigator` sees only :class:`~perception.description.Description` s, never the
simulator's state. Its policy, per step:

1. **Target in view** - head for the column where most of it is: ``centre`` -> ``move_forward``;
   ``left`` / ``right`` -> ``move_left`` / ``move_right`` (a sidestep keeps the target in view, where a
   90 degree turn would swing a target 20-40 degrees off-centre out of the ~86 degree wide view).
2. **A hint in view** (for water: sand, since beaches ring the water) - the same, toward the hint.
3. **Nothing in view** - scan: turn right up to three times to look in all four directions, scoring
   each view by how open it is (sky at and below the horizon band: no hill in the way), then face the
   best direction (not the way back, when another is as good) and walk forward ``leg`` moves before
   scanning again; legs grow by one each time, up to ``max_leg``. A walk stops early at an open edge (sky
   in the lower centre: the end of the world) or when the view stops changing (pushing against it).

The state (scan progress, heading by dead reckoning of its own turns, the walk in progress) lives in
the object; :meth:`reset` starts over. Success is decided by the environment (``info["nearby"]``:
within 4 blocks), not here; the navigator only picks moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from perception.description import SKY, Description

MOVES = ("move_forward", "move_backward", "move_left", "move_right", "turn_left", "turn_right")
"""The simulator's movement action ids (``env/data/actions.toml``)."""

DEFAULT_HINTS: Mapping[str, tuple[str, ...]] = {"water": ("sand",), "sand": ("water",)}
"""Block kinds that tend to lie next to a target: seen instead of it, they are worth walking to."""

_SIDESTEP = {"left": "move_left", "centre": "move_forward", "right": "move_right"}


@dataclass
class _Search:
    """Progress of the search while neither the target nor a hint is in view."""

    walk_left: int = 0  # forward moves left in the current leg
    legs: int = 0  # legs walked so far (their length grows every second leg)
    scan_left: int | None = None  # turns left in the scan under way, None when not scanning
    ignore_hints: int = 0  # moves left during which hints are not followed (a hint that led nowhere)
    on_hint: bool = False  # a hint was next to the agent since the last scan
    last_view: tuple | None = None  # the regions seen before the last forward move


class PerceptionNavigator:
    """Picks one movement per step toward ``target`` from the description of the current frame.

    ``hints`` maps a target to kinds worth approaching when the target is out of view; ``first_leg`` and
    ``max_leg`` bound the forward walks between scans; ``min_fraction`` is the least share of the frame a
    sighting must cover.
    """

    def __init__(
        self,
        hints: Mapping[str, tuple[str, ...]] | None = None,
        first_leg: int = 2,
        leg_growth: int = 2,
        min_fraction: float = 0.0,
        hint_pause: int = 12,
    ) -> None:
        if first_leg < 1 or leg_growth < 0:
            raise ValueError(f"need first_leg >= 1 and leg_growth >= 0, got {first_leg}, {leg_growth}")
        self.hints = dict(DEFAULT_HINTS if hints is None else hints)
        self.first_leg = first_leg
        self.leg_growth = leg_growth
        self.min_fraction = min_fraction
        self.hint_pause = hint_pause
        self.heading = 0  # quarter turns to the right since the start, mod 4 (dead reckoning)
        self._side: str | None = None  # the column of the last sidestep, while sidestepping
        self._search = _Search()

    def reset(self) -> None:
        """Forget the search (a new episode or a new target)."""
        self.heading, self._side = 0, None
        self._search = _Search()

    def next_move(self, description: Description, target: str) -> str:
        """The next movement action id toward ``target`` (one of :data:`MOVES`)."""
        s = self._search
        s.ignore_hints = max(s.ignore_hints - 1, 0)
        hints = () if s.ignore_hints else self.hints.get(target, ())
        for kind in (target, *hints):
            if kind != target and description.is_near(kind):
                s.on_hint = True
                continue  # next to the hint: look around from here instead
            column = self._column(description, kind)
            if column is not None:
                s.walk_left, s.scan_left, s.on_hint = 0, None, False
                return self._approach(column)
        self._side = None
        return self._explore(description)

    # ------------------------------------------------------------------------------------------------
    def _approach(self, column: str) -> str:
        """Step toward a sighting in ``column``; a sighting on the side opposite the last sidestep lies
        between the two places, so it is ahead: move forward rather than step back and forth."""
        opposite = {"left": "right", "right": "left"}.get(column)
        if opposite is not None and self._side == opposite:
            column = "centre"
        self._side = None if column == "centre" else column
        return _SIDESTEP[column]

    def _column(self, description: Description, kind: str) -> str | None:
        """The column where ``kind`` covers the most of the frame (the centre when it has at least a
        quarter of the best side's share), or None when it is not in view."""
        shares = {h: description.fraction(kind, horizontal=h) for h in ("centre", "left", "right")}
        best = max(shares, key=lambda h: shares[h])  # ties: centre first
        if shares[best] <= self.min_fraction:
            return None
        return "centre" if shares["centre"] >= 0.25 * shares[best] else best

    def _turn(self, move: str) -> str:
        self.heading = (self.heading + (1 if move == "turn_right" else -1)) % 4
        return move

    def _explore(self, description: Description) -> str:
        s = self._search
        if s.walk_left > 0 and s.scan_left is None:
            stuck = description.blocks == s.last_view
            edge = description.fraction(SKY, horizontal="centre", vertical="lower") > 0
            if not (stuck or edge):
                return self._forward(description)
            s.walk_left = 0
        if s.scan_left is None:
            s.scan_left = 3
        if s.scan_left > 0:  # three left turns show the other three directions and end a right turn on
            s.scan_left -= 1
            return self._turn("turn_left")
        s.scan_left = None
        if s.on_hint:  # looked around from next to a hint and saw no target: leave hints be a while
            s.ignore_hints, s.on_hint = self.hint_pause, False
        s.walk_left = self.first_leg + self.leg_growth * (s.legs // 2)
        s.legs += 1
        return self._forward(description)

    def _forward(self, description: Description) -> str:
        self._search.walk_left -= 1
        self._search.last_view = description.blocks
        return "move_forward"
