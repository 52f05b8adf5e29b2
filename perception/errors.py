"""Errors of the perception module."""

from __future__ import annotations


class FrameError(ValueError):
    """A frame that cannot be described: empty, not decodable, of the wrong size or colour mode, or not a
    frame of the simulator's renderer at all (blank, or mostly colours the palette does not know).

    The message says what was wrong and what was expected. Callers that drive an agent catch it, skip
    perception for that step and log the message.
    """
