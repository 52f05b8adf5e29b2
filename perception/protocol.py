"""The describer protocol, and turning whatever a caller holds (image, array, bytes, path) into RGB pixels."""

from __future__ import annotations

import io
from os import PathLike
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image, UnidentifiedImageError

from perception.description import Description
from perception.errors import FrameError

FrameLike = Image.Image | np.ndarray | bytes | bytearray | memoryview | str | PathLike
"""What :func:`load_frame` accepts: a PIL image, an ``(H, W, 3)`` uint8 array, encoded image bytes, or a path."""

LOSSLESS_MODES = ("RGB", "RGBA", "P")
"""PIL modes converted to RGB without losing colour (alpha is dropped); other modes are refused."""


@runtime_checkable
class Describer(Protocol):
    """Turns one first-person frame into a :class:`~perception.description.Description`.

    Implementations raise :class:`~perception.errors.FrameError` for a frame they cannot describe.
    """

    def describe(self, frame: Image.Image) -> Description: ...


def _decode(data: bytes, what: str) -> Image.Image:
    if not data:
        raise FrameError(f"empty frame: {what} holds no bytes")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise FrameError(f"not a decodable image: {what} ({len(data)} bytes, starting {data[:8]!r}): {exc}") from None
    return image


def load_frame(frame: FrameLike, expected_size: tuple[int, int] | None = None) -> np.ndarray:
    """The frame's pixels as a C-contiguous ``(height, width, 3)`` uint8 array.

    ``expected_size`` is ``(width, height)``; a frame of another size raises :class:`FrameError`, as do an
    empty frame, undecodable bytes, a missing file, a non-colour mode (``L``, ``CMYK``, ...) and an array of
    the wrong shape or dtype.
    """
    if isinstance(frame, bytes | bytearray | memoryview):
        frame = _decode(bytes(frame), "the bytes")
    elif isinstance(frame, str | PathLike):
        path = Path(frame)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FrameError(f"cannot read frame file {str(path)!r}: {exc.strerror or exc}") from None
        frame = _decode(data, f"file {str(path)!r}")
    if isinstance(frame, Image.Image):
        if frame.width == 0 or frame.height == 0:
            raise FrameError(f"empty frame: the image is {frame.width}x{frame.height} pixels")
        if frame.mode not in LOSSLESS_MODES:
            raise FrameError(
                f"frame has colour mode {frame.mode!r}; a describer needs colour ({', '.join(LOSSLESS_MODES)}): "
                "block kinds are told apart by colour"
            )
        pixels = np.asarray(frame.convert("RGB") if frame.mode != "RGB" else frame)
    elif isinstance(frame, np.ndarray):
        pixels = frame
        if pixels.size == 0:
            raise FrameError(f"empty frame: the array has shape {pixels.shape}")
        if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
            raise FrameError(
                f"frame array must be (height, width, 3) uint8 RGB, got shape {pixels.shape} dtype {pixels.dtype}"
            )
    else:
        raise FrameError(
            f"cannot describe a {type(frame).__name__}: pass a PIL image, an (H, W, 3) uint8 array, "
            "encoded image bytes or a path"
        )
    height, width = pixels.shape[:2]
    if expected_size is not None and (width, height) != tuple(expected_size):
        raise FrameError(
            f"frame is {width}x{height} pixels but {expected_size[0]}x{expected_size[1]} (width x height) was expected"
        )
    return np.ascontiguousarray(pixels)
