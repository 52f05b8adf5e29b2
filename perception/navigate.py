"""Choosing movements toward a block kind from frame descriptions (environment-factor goals: ``near:water``).

:class:`PerceptionNavigator` sees only :class:`~perception.description.Description` s, never the
simulator's state. Its policy, per step:

The navigator picks movement **roles** (:data:`ROLES`: ``forward``, ``left``, ``turn_left``, ...), not a world's
action names: the agent maps a role to its world's action through ``WorldSpec.movements.roles`` (a world whose
movements are not relative, forward-and-turn, has no use for it and explores with its own spiral).

1. **Target in view** - head for the column where it is: ``centre`` -> ``forward`` (also when the
   centre holds at least a quarter of the best side's share), ``left`` / ``right`` -> the sidesteps ``left`` /
   ``right``. A sidestep keeps the target in view, where a 90 degree turn would swing a target 20-40
   degrees off-centre out of the ~86 degree wide view. A target on the side opposite the last sidestep
   lies between the two places, so the navigator then moves forward instead of stepping back and forth.
2. **A hint in view** (for water: sand, since beaches ring water) - the same, toward the hint, until the
   hint is near; from there it looks around (step 3), and if that shows no target it ignores hints for
   ``hint_pause`` moves so as not to circle a dry beach.
3. **Nothing in view** - a square spiral with a look-around at every corner: three left turns show the
   other three directions and leave the agent turned right by a quarter, then it walks forward a leg of
   ``first_leg``, ``first_leg``, ``first_leg + leg_growth``, ... moves (5, 5, 10, 10, ...: 4 blocks a move,
   so successive rings are ~20 blocks apart, about as far as a pond can be seen over rolling hills).
   A leg ends early at an open edge (sky in the lower centre: the end of the world) or when the view
   stops changing after a forward move (pushing against the world's edge).

The state (the spiral, the scan under way, the last sidestep, the hint pause) lives in the object;
:meth:`PerceptionNavigator.reset` starts over. Success is decided by the environment
(``info["nearby"]``: within 4 blocks), not here; the navigator only picks moves. Small, far targets
matter: describe frames for navigation with ``OfflineDescriber(palette, min_fraction=NAVIGATION_MIN_FRACTION)``
so that a pond a few pixels large at 30 blocks is not dropped as noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from env.interface.world import RELATIVE_ROLES
from perception.description import SKY, Description

ROLES = RELATIVE_ROLES
"""The movement roles the navigator picks from (a relative world's, :data:`env.interface.world.RELATIVE_ROLES`)."""

DEFAULT_HINTS: Mapping[str, tuple[str, ...]] = {"water": ("sand",), "sand": ("water",)}
"""Block kinds that tend to lie next to a target: seen instead of it, they are worth walking to."""

NAVIGATION_MIN_FRACTION = 0.0005
"""The describer's ``min_fraction`` for navigation: about 10 pixels of a 160 x 120 frame."""

_SIDESTEP = {"left": "left", "centre": "forward", "right": "right"}


@dataclass
class _Search:
    """Progress of the search while neither the target nor a hint is in view."""

    walk_left: int = 0  # forward moves left in the current leg
    legs: int = 0  # legs walked so far (their length grows every second leg)
    scan_left: int | None = None  # turns left in the scan under way, None when not scanning
    ignore_hints: int = 0  # moves left during which hints are not followed (a hint that led nowhere)
    on_hint: bool = False  # a hint was next to the agent since the last scan
    last_view: tuple | None = None  # the regions seen before the last forward move
    views: dict[tuple, int] = field(default_factory=dict)  # each view seen -> how often, to notice circling
    ignore_sightings: int = 0  # moves left during which neither the target nor a hint is followed (circling)


class PerceptionNavigator:
    """Picks one movement per step toward ``target`` from the description of the current frame.

    ``hints`` maps a target to kinds worth approaching when the target is out of view (default
    :data:`DEFAULT_HINTS`); ``first_leg`` and ``leg_growth`` size the spiral's legs (in moves);
    ``min_fraction`` is the share of the frame a sighting must exceed; ``hint_pause`` is how many moves
    hints are ignored after one led nowhere, and sightings after an approach started from the same view
    ``loop_after`` times (the moves circle).
    """

    def __init__(
        self,
        hints: Mapping[str, tuple[str, ...]] | None = None,
        first_leg: int = 5,
        leg_growth: int = 5,
        min_fraction: float = 0.0,
        hint_pause: int = 12,
        loop_after: int = 3,
    ) -> None:
        if first_leg < 1 or leg_growth < 0 or hint_pause < 0 or min_fraction < 0:
            raise ValueError(
                "need first_leg >= 1, leg_growth >= 0, hint_pause >= 0 and min_fraction >= 0, got "
                f"{first_leg}, {leg_growth}, {hint_pause}, {min_fraction}"
            )
        self.hints = dict(DEFAULT_HINTS if hints is None else hints)
        self.first_leg = first_leg
        self.leg_growth = leg_growth
        self.min_fraction = min_fraction
        self.hint_pause = hint_pause
        self.loop_after = loop_after
        self._side: str | None = None  # the column of the last sidestep, while sidestepping
        self._search = _Search()

    def reset(self) -> None:
        """Forget the search (a new episode or a new target)."""
        self._side = None
        self._search = _Search()

    def next_move(self, description: Description, target: str) -> str:
        """The next movement role toward ``target`` (one of :data:`ROLES`)."""
        s = self._search
        s.ignore_hints = max(s.ignore_hints - 1, 0)
        s.ignore_sightings = max(s.ignore_sightings - 1, 0)
        hints = () if s.ignore_hints else self.hints.get(target, ())
        for kind in () if s.ignore_sightings else (target, *hints):
            if kind != target and description.is_near(kind):
                s.on_hint = True
                continue  # next to the hint: look around from here instead
            column = self._column(description, kind)
            if column is None:
                continue
            seen = s.views[description.blocks] = s.views.get(description.blocks, 0) + 1
            if seen >= self.loop_after:
                # approached from the very same view again and again: the moves circle (a sighting this approach
                # cannot reach, at the world's edge); leave sightings be a while and walk the spiral elsewhere
                s.views.clear()
                s.ignore_sightings = self.hint_pause
                break
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
        if s.scan_left > 0:  # three left turns: the other three directions, ending a quarter turn right
            s.scan_left -= 1
            return "turn_left"
        s.scan_left = None
        if s.on_hint:  # looked around from next to a hint and saw no target: leave hints be a while
            s.ignore_hints, s.on_hint = self.hint_pause, False
        s.walk_left = self.first_leg + self.leg_growth * (s.legs // 2)
        s.legs += 1
        return self._forward(description)

    def _forward(self, description: Description) -> str:
        self._search.walk_left -= 1
        self._search.last_view = description.blocks
        return "forward"
