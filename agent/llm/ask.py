"""One bounded question to the LLM: render, call, parse, validate; on failure retry with the error
stated, then give up with :class:`NoAnswer` (the caller's offline component decides, and the log and
the decision's own record say so)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from agent.llm.client import LLMClient, LLMError
from agent.llm.prompts import system_message
from agent.llm.replies import ReplyError

T = TypeVar("T")
Emit = Callable[..., Any]


class NoAnswer(Exception):
    """No usable reply in the allowed attempts; ``reason`` is the last failure (``kind: detail``)."""

    def __init__(self, role: str, reason: str) -> None:
        super().__init__(f"{role}: no usable reply ({reason})")
        self.role, self.reason = role, reason


def ask(
    client: LLMClient,
    role: str,
    prompt: str | list[dict[str, Any]],
    parse: Callable[[str], T],
    emit: Emit,
    attempts: int = 2,
) -> T:
    """The parsed reply; :class:`NoAnswer` after ``attempts`` failed tries (each logged as
    ``llm_failure``, ``stage`` ``call`` when no reply came or ``reply`` when it was refused, then one
    ``llm_fallback``). ``prompt`` is the user message's content: text, or
    content parts (text and an image)."""
    messages: list[dict[str, Any]] = [system_message(role), {"role": "user", "content": prompt}]
    reason = "no attempt made"
    for attempt in range(1, attempts + 1):
        try:
            reply = client.complete(role, messages)
        except LLMError as err:
            reason = f"{err.kind}: {str(err)[:200]}"
            emit("llm_failure", role=role, failure=err.kind, stage="call", error=str(err)[:300], attempt=attempt)
            continue
        try:
            return parse(reply.text)
        except ReplyError as err:
            reason = str(err)[:200]
            emit("llm_failure", role=role, failure=err.kind, stage="reply", error=str(err)[:300], attempt=attempt)
            messages = [
                *messages,
                {"role": "assistant", "content": reply.text[:2000]},
                {
                    "role": "user",
                    "content": f"That reply was invalid ({str(err)[:200]}). Reply with the JSON object only.",
                },
            ]
    emit("llm_fallback", role=role, attempts=attempts, reason=reason)
    raise NoAnswer(role, reason)
