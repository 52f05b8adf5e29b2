"""Perception in the loop: take the world's current frame, describe it, log it (and keep the frame
when asked). A frame that cannot be described is logged and the step goes on without perception."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image

from perception.description import SKY, Description, summarise
from perception.errors import FrameError
from perception.protocol import Describer


class Perceiver:
    def __init__(
        self,
        frame: Callable[[], Any],
        step: Callable[[], int],
        describer: Describer,
        emit: Callable[..., Any],
        frames_dir: Path | None = None,
        source: str = "offline",
        rename: Callable[[str], str] | None = None,
    ) -> None:
        self._frame, self._step = frame, step
        self.describer, self.emit, self.frames_dir, self.source = describer, emit, frames_dir, source
        self.rename = rename or (lambda name: name)
        self.last: Description | None = None

    def agent_text(self, description: Description) -> str:
        """The description's text in the names the agent knows (obfuscated worlds rename blocks; there the
        text is rebuilt from the renamed regions)."""
        if all(self.rename(r.block) == r.block for r in description.blocks if r.block != SKY):
            return description.text
        regions = tuple(
            replace(r, block=r.block if r.block == SKY else self.rename(r.block)) for r in description.blocks
        )
        return summarise(regions)

    def look(self, why: str) -> Description | None:
        step = self._step()
        try:
            pixels = self._frame()
            description = self.describer.describe(pixels)
        except FrameError as err:
            self.emit("perception_error", step=step, why=why, error=str(err)[:300])
            self.last = None
            return None
        ref = None
        if self.frames_dir is not None:
            self.frames_dir.mkdir(parents=True, exist_ok=True)
            path = self.frames_dir / f"{step:06d}-{why}.png"
            Image.fromarray(pixels).save(path)
            ref = f"{self.frames_dir.name}/{path.name}"
        source = getattr(self.describer, "last_source", self.source)  # an LLM describer says when it fell back
        self.emit("perception", step=step, why=why, source=source, frame=ref, description=description.to_dict())
        self.last = description
        return description
