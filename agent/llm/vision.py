"""The vision role: a multimodal LLM describer (a :class:`perception.Describer`). The frame goes as a PNG data
URL in a chat-completions request to any OpenAI-compatible vision model, through the agent's LLM client (so every
call is recorded in the run log and replays without a server). The prompt names the block kinds as the agent knows
them (an obfuscated world's shown names, never the real ones), and the reply is read in those names. It is validated
like every LLM reply: JSON only, exactly the asked keys, known block kinds, positions from the fixed vocabulary, at
least one region; an invalid reply is a counted failure and the offline describer describes that frame instead
(``last_source`` says which one did)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Collection, Mapping
from typing import Any

from PIL import Image

from agent.llm.ask import NoAnswer, ask
from agent.llm.prompts import render
from agent.llm.replies import ReplyError, expect_keys, parse_object
from perception.description import DISTANCES, HORIZONTAL, SKY, VERTICAL, Description, Region
from perception.protocol import Describer, load_frame

Emit = Callable[..., Any]


def data_url(frame: Image.Image) -> str:
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


MAX_REGIONS = 64  # 9 cells x the kinds a frame can show, with room to spare
REGION_KEYS = ("block", "horizontal", "vertical", "distance", "fraction")


def parse_description(text: str, kinds: Collection[str] | Mapping[str, str], width: int, height: int) -> Description:
    """``{"blocks": [{block, horizontal, vertical, distance, fraction}, ...], "text": "..."}`` with at
    least one region. ``kinds``: the block kinds the prompt offered; a mapping (offered name -> block
    kind) reads the reply in the offered names and describes in the mapped ones."""
    data = parse_object(text)
    expect_keys(data, ("blocks", "text"))
    blocks, text_field = data["blocks"], data["text"]
    if not isinstance(blocks, list) or not blocks:
        raise ReplyError("wrong_shape" if not isinstance(blocks, list) else "empty", "'blocks' must list the view")
    if len(blocks) > MAX_REGIONS:
        raise ReplyError("wrong_shape", f"'blocks' lists {len(blocks)} regions (at most {MAX_REGIONS})")
    if not isinstance(text_field, str) or not text_field.strip():
        raise ReplyError("wrong_shape" if not isinstance(text_field, str) else "empty", "'text' must be a sentence")
    real = dict(kinds) if isinstance(kinds, Mapping) else {k: k for k in kinds}
    regions = []
    for i, raw in enumerate(blocks):
        if not isinstance(raw, dict):
            raise ReplyError("wrong_shape", f"blocks[{i}] must be an object")
        expect_keys(raw, REGION_KEYS, where=f"blocks[{i}]")
        kind = raw["block"]
        if kind != SKY and (not isinstance(kind, str) or kind not in real):
            raise ReplyError("unknown_item", f"blocks[{i}]: {str(kind)[:60]!r} is not a known block kind")
        for field, valid in (("horizontal", HORIZONTAL), ("vertical", VERTICAL), ("distance", DISTANCES)):
            if raw[field] not in valid:
                raise ReplyError("wrong_shape", f"blocks[{i}].{field} must be one of {', '.join(valid)}")
        fraction = raw["fraction"]
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
            raise ReplyError("bad_count", f"blocks[{i}].fraction must be a number in 0..1")
        block = SKY if kind == SKY else real[kind]
        regions.append(Region(block, raw["horizontal"], raw["vertical"], raw["distance"], float(fraction)))
    regions.sort(key=lambda r: -r.fraction)
    return Description(tuple(regions), text_field.strip()[:300], width, height, 0.0)


class LLMDescriber:
    """Describes frames with a vision model; falls back to ``fallback`` (offline) on a failed reply.

    ``kinds`` are block kinds as the describer's output names them; ``rename`` gives each one's name as
    the agent knows it (an obfuscated world's token), the only name the model is shown.
    ``last_source``: ``llm``, or ``offline (llm fallback: REASON)`` after the last frame fell back."""

    def __init__(
        self,
        client: Any,
        emit: Emit,
        kinds: Collection[str],
        fallback: Describer,
        attempts: int = 2,
        rename: Callable[[str], str] | None = None,
    ) -> None:
        self.client, self.emit, self.fallback, self.attempts = client, emit, fallback, attempts
        rename = rename or (lambda name: name)
        self.kinds = {rename(kind): kind for kind in kinds}  # offered name -> block kind
        self.last_source = "llm"

    def describe(self, frame: Any) -> Description:
        image = Image.fromarray(load_frame(frame))
        prompt = render("perception", kinds=", ".join(self.kinds))
        content = [{"type": "text", "text": prompt}, {"type": "image_url", "image_url": {"url": data_url(image)}}]
        width, height = image.size
        try:
            result = ask(
                self.client,
                "perception",
                content,
                lambda text: parse_description(text, self.kinds, width, height),
                self.emit,
                self.attempts,
            )
        except NoAnswer as err:
            self.last_source = f"offline (llm fallback: {err.reason[:120]})"
            return self.fallback.describe(image)
        self.last_source = "llm"
        return result
