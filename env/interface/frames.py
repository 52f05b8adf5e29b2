"""What a world may declare about its first-person frames: the colours it draws them with (:class:`FramePalette`).

A world whose frames are flat-coloured (every pixel of a block kind one of a few exact colours, everything else
sky) declares its palette through a ``frame_palette()`` method; a colour-reading describer
(:class:`perception.offline.OfflineDescriber`) then names the block kinds of a frame from its pixels alone. A
world without one (no frames, or textured ones) declares nothing, and gets no offline perception. Pure data:
nothing here knows any world.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

SKY_NAME = "sky"  # what a describer calls sky; no block kind may be named so


def _colour(value: object, what: str) -> RGB:
    if (
        not isinstance(value, tuple)
        or len(value) != 3
        or not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    ):
        raise ValueError(f"frame palette: {what} must be an (r, g, b) tuple of ints in 0..255, got {value!r}")
    return value


@dataclass(frozen=True)
class FramePalette:
    """The colours of a world's frames, for a describer that reads them by colour.

    ``blocks``: the block kinds a frame can show, named as the world's ``resolve_block`` accepts them (unique,
    none named ``sky``); ``shades``: for each block kind, in the same order, every colour a pixel of it can take
    (its shaded faces; at least one); ``horizon`` and ``zenith``: the sky, a straight blend from the colour at
    the horizon to the colour straight up; ``sun``: the colour of a sun disc drawn over the sky, or None.
    ValueError (one line) for a palette that breaks any of this."""

    blocks: tuple[str, ...]
    shades: tuple[tuple[RGB, ...], ...]
    horizon: RGB
    zenith: RGB
    sun: RGB | None = None

    def __post_init__(self) -> None:
        if (
            not isinstance(self.blocks, tuple)
            or not self.blocks
            or not all(isinstance(b, str) and b for b in self.blocks)
        ):
            raise ValueError(f"frame palette: blocks must be a non-empty tuple of names, got {self.blocks!r}")
        repeated = sorted({b for b in self.blocks if self.blocks.count(b) > 1})
        if repeated or SKY_NAME in self.blocks:
            raise ValueError(f"frame palette: block names must be unique and not {SKY_NAME!r}: {repeated or SKY_NAME}")
        if not isinstance(self.shades, tuple) or len(self.shades) != len(self.blocks):
            raise ValueError(f"frame palette: shades must give one tuple of colours per block ({len(self.blocks)})")
        for name, colours in zip(self.blocks, self.shades, strict=True):
            if not isinstance(colours, tuple) or not colours:
                raise ValueError(f"frame palette: block {name!r} needs a non-empty tuple of colours")
            for colour in colours:
                _colour(colour, f"a colour of {name!r}")
        _colour(self.horizon, "horizon")
        _colour(self.zenith, "zenith")
        if self.sun is not None:
            _colour(self.sun, "sun")
