"""The offline describer: names block kinds in a flat-coloured frame from its pixels alone, by the world's palette.

The palette is the world's (:class:`env.interface.FramePalette`, declared through the world contract's
``frame_palette()``; a world without one gets no offline perception). The simulator's renderer (:mod:`env.render`)
declares its own: every block pixel is exactly ``round(base colour x face factor)`` (``env/data/palette.toml``:
18 blocks x 4 faces, any two blocks' colours >= 16 apart) and every other pixel is sky (a gradient from the
horizon colour to the zenith colour) or the sun disc.

How it works. The describer classifies each distinct colour of the frame once: an exact palette match first,
otherwise the nearest of the palette's block colours (72 for the simulator), the sky gradient (a segment in RGB)
and the sun, accepted within ``tolerance`` (default 24, Euclidean RGB: absorbs light JPEG or resampling noise) and
left ``unknown`` beyond it. The pixels are then counted per block kind in a 3 x 3 grid (``left | centre | right``
x ``upper | middle | lower``); cells under ``min_fraction`` of the frame (default 0.5%) are dropped, except that a
kind whose total passes the threshold is kept at its largest cell.

Distance heuristic. At pitch 0 the horizon is the middle row, and with the 70 degree vertical field of
view the lower third of the frame shows level ground within about 7 blocks of the eye (1.62 blocks above
the ground). A kind is ``near`` in a column when its footprint reaches the lower third - it covers at least
``near_fraction`` (default 0.1%) of the frame in that column's lower cell, or that cell is reported - and
``far`` otherwise; all cells of that kind in that column share the verdict (a tree trunk rising from
close ground is near all the way up, the canopy of that tree alone reads far). Sky is always ``far``;
sky in the lower third means an open edge (the end of the world).

What it can see (in the simulator's frames): which of the 18 block kinds (and sky) show in the frame, how much
of the frame each covers and roughly where (left / centre / right, upper / middle / lower, near / far), down
to about 0.5% of the pixels (a 2 x 2 block face at ~20 blocks). It uses only the palette (what a person looking
at the frame sees), never the world's voxels, position or inventory.

What it cannot see: anything behind the first block a ray hits (no seeing through leaves, water or
hills; a cave's ores behind its walls stay hidden; with the eye in water the renderer draws water
see-through, so a swimming agent sees none); distances beyond near / far (the heuristic assumes level
ground and pitch 0: from a hilltop far ground reads near, and a close block whose base is hidden reads far);
block kinds whose colour is changed by lighting, fog, textures or tinting the palette does not have
(ores and stone differ by only ~16 colour units, so stronger lighting changes would confuse them); items,
mobs or the player's hand (the renderer draws none); and real-game frames (Minecraft's or
prismarine-viewer's textured, lit images) - those need a different classifier, and are refused here with a
:class:`~perception.errors.FrameError` because most of their pixels match no palette colour.
"""

from __future__ import annotations

import numpy as np

from env.interface.frames import FramePalette
from perception.description import DISTANCES, HORIZONTAL, SKY, VERTICAL, Description, Region, summarise
from perception.errors import FrameError
from perception.protocol import FrameLike, load_frame


def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


class OfflineDescriber:
    """Describes a world's flat-coloured frames by nearest colour of its ``palette`` (see the module doc).

    ``palette``: the world's :class:`env.interface.FramePalette` (a world env's ``frame_palette()``).
    ``expected_size`` ``(width, height)``: refuse frames of another size. ``max_unknown``: refuse frames
    with a larger share of unrecognised pixels (not a frame drawn with this palette).
    """

    def __init__(
        self,
        palette: FramePalette,
        expected_size: tuple[int, int] | None = None,
        tolerance: float = 24.0,
        min_fraction: float = 0.005,
        near_fraction: float = 0.001,
        max_unknown: float = 0.5,
    ) -> None:
        if tolerance < 0 or not 0 <= min_fraction <= 1 or not 0 <= near_fraction <= 1 or not 0 <= max_unknown <= 1:
            raise ValueError(
                "tolerance must be >= 0 and min_fraction, near_fraction, max_unknown in 0..1, got "
                f"{tolerance}, {min_fraction}, {near_fraction}, {max_unknown}"
            )
        self.expected_size = expected_size
        self.tolerance = float(tolerance)
        self.min_fraction = float(min_fraction)
        self.near_fraction = float(near_fraction)
        self.max_unknown = float(max_unknown)
        if not isinstance(palette, FramePalette):
            raise TypeError(f"palette must be an env.interface.FramePalette, got {type(palette).__name__}")
        self.palette = palette
        self.names: tuple[str, ...] = (*palette.blocks, SKY)
        """Label i of :meth:`classify` names ``names[i]``; label ``len(names)`` is unknown."""
        colours = [colour for shades in palette.shades for colour in shades]
        self._colours = np.asarray(colours, dtype=np.float64)
        self._colour_labels = np.repeat(np.arange(len(palette.blocks)), [len(shades) for shades in palette.shades])
        keys = _pack(np.asarray(colours, dtype=np.uint8))
        order = np.argsort(keys, kind="stable")
        self._keys, self._key_labels = keys[order], self._colour_labels[order]
        self._horizon = np.asarray(palette.horizon, dtype=np.float64)
        self._zenith = np.asarray(palette.zenith, dtype=np.float64)
        self._sun = None if palette.sun is None else np.asarray(palette.sun, dtype=np.float64)

    @property
    def unknown_label(self) -> int:
        return len(self.names)

    def classify(self, pixels: np.ndarray) -> np.ndarray:
        """Label per pixel of an ``(H, W, 3)`` uint8 array: an index into :attr:`names`, or
        :attr:`unknown_label`. Each distinct colour is classified once (exact match, then nearest)."""
        uniq, inverse = np.unique(_pack(pixels).ravel(), return_inverse=True)
        pos = np.minimum(np.searchsorted(self._keys, uniq), len(self._keys) - 1)
        exact = self._keys[pos] == uniq
        labels = np.where(exact, self._key_labels[pos], self.unknown_label)
        rest = np.nonzero(~exact)[0]
        if rest.size:
            rgb = np.stack([(uniq[rest] >> s) & 0xFF for s in (16, 8, 0)], axis=1).astype(np.float64)
            d_blocks = np.linalg.norm(rgb[:, None, :] - self._colours[None, :, :], axis=2)
            nearest = np.argmin(d_blocks, axis=1)
            d_block = d_blocks[np.arange(rest.size), nearest]
            span = self._zenith - self._horizon
            t = np.clip((rgb - self._horizon) @ span / (float(span @ span) or 1.0), 0.0, 1.0)  # or: a one-colour sky
            d_sky = np.linalg.norm(rgb - (self._horizon + t[:, None] * span), axis=1)
            if self._sun is not None:
                d_sky = np.minimum(d_sky, np.linalg.norm(rgb - self._sun, axis=1))
            best = np.where(d_sky < d_block, len(self.names) - 1, self._colour_labels[nearest])
            best = np.where(np.minimum(d_sky, d_block) <= self.tolerance, best, self.unknown_label)
            labels[rest] = best
        return labels[inverse.ravel()].reshape(pixels.shape[:2])

    def grid_counts(self, labels: np.ndarray) -> np.ndarray:
        """Pixel counts ``[label, vertical band, column]`` (labels include unknown) of a label image."""
        h, w = labels.shape
        cell = (np.arange(h) * 3 // h)[:, None] * 3 + (np.arange(w) * 3 // w)[None, :]
        flat = labels.astype(np.int64).ravel() * 9 + cell.ravel()
        return np.bincount(flat, minlength=(self.unknown_label + 1) * 9).reshape(-1, 3, 3)

    def describe(self, frame: FrameLike) -> Description:
        """Describe one frame (PIL image, ``(H, W, 3)`` uint8 array, encoded bytes or a path).

        Raises :class:`FrameError` for an empty, undecodable, wrong-size or non-colour frame, a blank
        (all black) frame, and a frame whose pixels mostly match no palette colour.
        """
        pixels = load_frame(frame, self.expected_size)
        height, width = pixels.shape[:2]
        if not pixels.any():
            raise FrameError(
                f"blank frame: all {width}x{height} pixels are black (an env made with render_frames=False "
                "returns such frames)"
            )
        counts = self.grid_counts(self.classify(pixels))
        total = float(height * width)
        unknown = float(counts[self.unknown_label].sum()) / total
        if unknown > self.max_unknown:
            raise FrameError(
                f"not a frame drawn with the world's palette: {unknown:.0%} of its pixels match no palette colour "
                f"within {self.tolerance:g} (the offline describer cannot read textured real-game frames)"
            )
        regions = self._regions(counts, total)
        return Description(regions, summarise(regions), width, height, round(unknown, 6))

    def _regions(self, counts: np.ndarray, total: float) -> tuple[Region, ...]:
        min_px, near_px = self.min_fraction * total, max(self.near_fraction * total, 1.0)
        lower = VERTICAL.index("lower")
        out: list[Region] = []
        for label, name in enumerate(self.names):
            grid = counts[label]
            if grid.sum() == 0 or grid.sum() < min_px:
                continue
            keep = grid >= max(min_px, 1.0)
            if not keep.any():
                keep = grid == grid.max()
                keep &= np.cumsum(keep.ravel()).reshape(keep.shape) == 1  # the first largest cell only
            for v, h in zip(*np.nonzero(keep), strict=True):
                near = name != SKY and (bool(keep[lower, h]) or grid[lower, h] >= near_px)
                distance = DISTANCES[0] if near else DISTANCES[1]
                out.append(Region(name, HORIZONTAL[h], VERTICAL[v], distance, round(float(grid[v, h]) / total, 6)))
        out.sort(key=lambda r: (-r.fraction, r.block, VERTICAL.index(r.vertical), HORIZONTAL.index(r.horizontal)))
        return tuple(out)
