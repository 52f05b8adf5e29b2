"""The multimodal LLM describer: the frame goes as a PNG data URL in a chat-completions request to
any OpenAI-compatible vision model, through the agent's LLM client (so every call is recorded in the
run log and replays without a server). The reply is validated like every LLM reply: JSON only,
known block kinds, positions from the fixed vocabulary; an invalid reply is a counted failure and
the offline describer describes that frame instead."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Collection
from typing import Any

from PIL import Image

from perception.description import DISTANCES, HORIZONTAL, SKY, VERTICAL, Description, Region, summarise
from perception.protocol import Describer, load_frame

Emit = Callable[..., Any]


def data_url(frame: Image.Image) -> str:
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def parse_description(text: str, kinds: Collection[str], width: int, height: int) -> Description:
    from agent.llm.replies import ReplyError, parse_object

    data = parse_object(text)
    blocks = data.get("blocks")
    if not isinstance(blocks, list):
        raise ReplyError("wrong_shape", "'blocks' must be a list")
    regions = []
    for i, raw in enumerate(blocks[:64]):
        if not isinstance(raw, dict):
            raise ReplyError("wrong_shape", f"blocks[{i}] must be an object")
        kind = raw.get("block")
        if kind != SKY and kind not in kinds:
            raise ReplyError("unknown_item", f"blocks[{i}]: {str(kind)[:60]!r} is not a known block kind")
        for field, valid in (("horizontal", HORIZONTAL), ("vertical", VERTICAL), ("distance", DISTANCES)):
            if raw.get(field) not in valid:
                raise ReplyError("wrong_shape", f"blocks[{i}].{field} must be one of {', '.join(valid)}")
        fraction = raw.get("fraction", 0.0)
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
            raise ReplyError("bad_count", f"blocks[{i}].fraction must be a number in 0..1")
        regions.append(Region(kind, raw["horizontal"], raw["vertical"], raw["distance"], float(fraction)))
    regions.sort(key=lambda r: -r.fraction)
    text_field = data.get("text")
    text_out = text_field[:300] if isinstance(text_field, str) and text_field else summarise(tuple(regions))
    return Description(tuple(regions), text_out, width, height, 0.0)


class LLMDescriber:
    """Describes frames with a vision model; falls back to ``fallback`` (offline) on a failed reply."""

    def __init__(self, client: Any, emit: Emit, kinds: Collection[str], fallback: Describer, attempts: int = 2) -> None:
        self.client, self.emit, self.kinds, self.fallback, self.attempts = client, emit, list(kinds), fallback, attempts

    def describe(self, frame: Any) -> Description:
        from agent.llm.ask import ask
        from agent.llm.prompts import render

        image = Image.fromarray(load_frame(frame))
        prompt = render("perception", kinds=", ".join(self.kinds))
        content = [{"type": "text", "text": prompt}, {"type": "image_url", "image_url": {"url": data_url(image)}}]
        width, height = image.size
        result = ask(
            self.client,
            "perception",
            content,
            lambda text: parse_description(text, set(self.kinds), width, height),
            self.emit,
            self.attempts,
        )
        return result if result is not None else self.fallback.describe(image)
