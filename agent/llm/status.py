"""Did a run that was asked to use an LLM really have one? Counted from its events, so a resumed run
(its log recounted) and a replayed run (the same events) report the same.

``status`` is ``ok`` (every call answered and every reply used), ``degraded`` (some calls failed, some
replies were refused, or some decisions fell back to the offline component) or ``unavailable`` (the LLM
was asked but not one valid answer came back: every decision was the offline agent's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OK, DEGRADED, UNAVAILABLE = "ok", "degraded", "unavailable"
CALL_FAILURES = ("transport",)  # llm_failure kinds that are failed calls, not refused replies (logs without `stage`)


def failure_stage(event: Mapping[str, Any]) -> str:
    """``call`` (no reply: transport, time-out, HTTP error, a reply too large to keep) or ``reply`` (a reply
    that was refused: not JSON, unknown item, …). Logs written before ``stage`` existed are told apart by
    the failure kind and the too-large message of a call (``… bytes (limit …``)."""
    stage = event.get("stage")
    if stage in ("call", "reply"):
        return str(stage)
    failure, error = str(event.get("failure")), str(event.get("error") or "")
    return "call" if failure in CALL_FAILURES or (failure == "too_large" and "bytes (limit" in error) else "reply"


@dataclass
class LLMTally:
    """A run's LLM record: calls, valid answers, failed calls, refused replies, fallbacks (decisions the
    offline component took, the ones after the endpoint was given up included), tokens, the failure counts
    per ``role:kind`` and why the endpoint was given up (``unavailable``)."""

    calls: int = 0
    ok_calls: int = 0
    failed_calls: int = 0  # calls without a usable reply (transport, time-out, HTTP error, too large)
    invalid_replies: int = 0
    fallbacks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    unavailable: str = ""

    def count(self, kind: str, event: Mapping[str, Any]) -> None:
        """Count one event (any kind; those that are not about the LLM are ignored)."""
        if kind == "llm_call":
            self.calls += 1
            self.ok_calls += event.get("ok") is True
            self.failed_calls += event.get("ok") is False
            self.prompt_tokens += int(event.get("prompt_tokens") or 0)
            self.completion_tokens += int(event.get("completion_tokens") or 0)
        elif kind == "llm_failure":
            key = f"{event['role']}:{event['failure']}"
            self.kinds[key] = self.kinds.get(key, 0) + 1
            if failure_stage(event) == "reply":
                self.invalid_replies += 1
        elif kind == "llm_fallback":
            key = f"{event['role']}:fallback"
            self.kinds[key] = self.kinds.get(key, 0) + 1
            self.fallbacks += 1
        elif kind == "llm_unavailable" and not self.unavailable:
            self.unavailable = str(event.get("error") or "the endpoint was given up")

    @property
    def answers(self) -> int:
        """Replies that were parsed, validated and used."""
        return max(0, self.ok_calls - self.invalid_replies)

    @property
    def status(self) -> str:
        if self.answers == 0 and (self.calls or self.fallbacks or self.unavailable):
            return UNAVAILABLE
        if self.failed_calls or self.invalid_replies or self.fallbacks or self.unavailable:
            return DEGRADED
        return OK

    def reason(self) -> str:
        """What went wrong, in one line ('' when the status is ``ok``)."""
        if self.status == OK:
            return ""
        parts = []
        if self.failed_calls:
            parts.append(f"{self.failed_calls} failed call(s)")
        if self.invalid_replies:
            parts.append(f"{self.invalid_replies} refused repl{'y' if self.invalid_replies == 1 else 'ies'}")
        if self.fallbacks:
            parts.append(f"{self.fallbacks} offline fallback(s)")
        given_up = [f"given up: {self.unavailable}"] if self.unavailable else []
        return "; ".join(part for part in (", ".join(parts), *given_up) if part)

    def to_dict(self, model: str, usage: Mapping[str, Any]) -> dict[str, Any]:
        """``result.json``'s ``llm`` object."""
        return {
            "status": self.status,
            "reason": self.reason(),
            "model": model,
            "calls": self.calls,
            "answers": self.answers,
            "failed_calls": self.failed_calls,
            "invalid_replies": self.invalid_replies,
            "fallbacks": self.fallbacks,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "tokens": self.prompt_tokens + self.completion_tokens,
            "usage": dict(usage),
            "failures": dict(sorted(self.kinds.items())),
        }
