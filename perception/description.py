"""What a describer says about one frame: block kinds, roughly where they are, and a short text.

A frame is cut into a 3 x 3 grid: ``left | centre | right`` across, ``upper | middle | lower`` down. A
:class:`Region` is one block kind (or ``sky``) in one cell, with the share of the frame's pixels it covers
and a rough distance (``near`` / ``far``; see :mod:`perception.offline` for the heuristic).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HORIZONTAL = ("left", "centre", "right")
VERTICAL = ("upper", "middle", "lower")
DISTANCES = ("near", "far")
SKY = "sky"
"""The pseudo block kind of sky pixels (sun included)."""

_AHEAD = {"left": "left", "centre": "ahead", "right": "right"}


@dataclass(frozen=True)
class Region:
    """One block kind in one cell of the 3 x 3 grid.

    ``fraction`` is the share of the whole frame's pixels (0..1) that show ``block`` in this cell.
    """

    block: str
    horizontal: str
    vertical: str
    distance: str
    fraction: float

    def __post_init__(self) -> None:
        if not isinstance(self.block, str) or not self.block:
            raise ValueError(f"Region.block must be a non-empty block name, got {self.block!r}")
        for name, value, valid in (
            ("horizontal", self.horizontal, HORIZONTAL),
            ("vertical", self.vertical, VERTICAL),
            ("distance", self.distance, DISTANCES),
        ):
            if value not in valid:
                raise ValueError(f"Region.{name} must be one of {', '.join(valid)}, got {value!r}")
        if isinstance(self.fraction, bool) or not isinstance(self.fraction, int | float) or not 0 <= self.fraction <= 1:
            raise ValueError(f"Region.fraction must be a number in 0..1, got {self.fraction!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "horizontal": self.horizontal,
            "vertical": self.vertical,
            "distance": self.distance,
            "fraction": self.fraction,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Region:
        if not isinstance(data, Mapping):
            raise ValueError(f"a region must be a mapping, got {type(data).__name__}")
        try:
            return cls(
                str(data["block"]), data["horizontal"], data["vertical"], data["distance"], float(data["fraction"])
            )
        except KeyError as exc:
            raise ValueError(f"region {dict(data)!r} lacks the key {exc.args[0]!r}") from None


@dataclass(frozen=True)
class Description:
    """A structured description of one frame.

    ``blocks``: the regions, largest first. ``text``: a short summary for LLM prompts, e.g.
    ``"grass_block left/ahead/right near; water left far; oak_log ahead near; sky above"``.
    ``width``/``height``: the frame's size. ``unknown``: the share of pixels no colour matched.
    """

    blocks: tuple[Region, ...]
    text: str
    width: int
    height: int
    unknown: float = 0.0

    @property
    def kinds(self) -> frozenset[str]:
        """Every block kind seen (``sky`` included)."""
        return frozenset(r.block for r in self.blocks)

    def sees(self, block: str) -> bool:
        return any(r.block == block for r in self.blocks)

    def regions(self, block: str) -> tuple[Region, ...]:
        return tuple(r for r in self.blocks if r.block == block)

    def fraction(self, block: str, horizontal: str | None = None, vertical: str | None = None) -> float:
        """Share of the frame showing ``block``, optionally in one column and/or one row band."""
        return sum(
            r.fraction
            for r in self.blocks
            if r.block == block
            and (horizontal is None or r.horizontal == horizontal)
            and (vertical is None or r.vertical == vertical)
        )

    def is_near(self, block: str, horizontal: str | None = None) -> bool:
        return any(
            r.distance == "near" for r in self.regions(block) if horizontal is None or r.horizontal == horizontal
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "blocks": [r.to_dict() for r in self.blocks],
            "text": self.text,
            "width": self.width,
            "height": self.height,
            "unknown": self.unknown,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Description:
        if not isinstance(data, Mapping):
            raise ValueError(f"a description must be a mapping, got {type(data).__name__}")
        missing = [k for k in ("blocks", "text", "width", "height") if k not in data]
        if missing:
            raise ValueError(f"description lacks the key(s) {', '.join(missing)}")
        return cls(
            tuple(Region.from_dict(r) for r in data["blocks"]),
            str(data["text"]),
            int(data["width"]),
            int(data["height"]),
            float(data.get("unknown", 0.0)),
        )


def summarise(regions: tuple[Region, ...], max_kinds: int = 6) -> str:
    """The short text of a description: per block kind (largest first) where it is, by distance.

    Columns read ``left``, ``ahead``, ``right``; sky reads ``sky above`` unless it also shows below the
    horizon line (an open edge: ``sky above and ahead``).
    """
    totals: dict[str, float] = {}
    for r in regions:
        totals[r.block] = totals.get(r.block, 0.0) + r.fraction
    parts = []
    for kind in sorted(totals, key=lambda k: (-totals[k], k))[:max_kinds]:
        mine = [r for r in regions if r.block == kind]
        if kind == SKY:
            low = any(r.vertical == "lower" for r in mine)
            parts.append("sky above and ahead" if low else "sky above")
            continue
        by_distance = []
        for distance in DISTANCES:
            cols = [h for h in HORIZONTAL if any(r.horizontal == h and r.distance == distance for r in mine)]
            if cols:
                by_distance.append(f"{'/'.join(_AHEAD[c] for c in cols)} {distance}")
        parts.append(f"{kind} {', '.join(by_distance)}")
    return "; ".join(parts) if parts else "nothing recognisable"
