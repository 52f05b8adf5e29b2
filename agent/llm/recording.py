"""Every LLM call goes to the run log; a recorded run replays without any server.

``RecordingClient`` wraps a client: each call becomes an ``llm_call`` event (role, model, request key,
messages, reply text, tokens, latency, ok/error, attempts and the failed attempts' errors). A reply
over :data:`MAX_REPLY_BYTES` is a failed call (:class:`ReplyTooLarge`): the log keeps its first
:data:`REPLY_PREFIX_CHARS` characters, its size and its SHA-256. ``ReplayClient`` serves the replies of
a recorded run by request key, so ``adam run --replay-llm RUN_DIR`` needs no server and gives the same
events (failures included).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agent.llm.client import LLMClient, LLMError, LLMReply, Message, UsageBook, request_key
from agent.runlog import read_events

Emit = Callable[..., Any]
log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 64 * 1024  # a reply larger than this (UTF-8) is a failed call, not stored whole
REPLY_PREFIX_CHARS = 2_000  # what the log keeps of such a reply


class ReplyTooLarge(LLMError):
    """A reply over :data:`MAX_REPLY_BYTES`. ``reply`` holds its first characters (and its tokens),
    ``size`` its length in bytes, ``sha256`` the hash of the whole text."""

    kind = "too_large"

    def __init__(self, message: str, reply: LLMReply, size: int, sha256: str) -> None:
        super().__init__(message, reply.latency, reply.attempts, reply.attempt_errors)
        self.reply, self.size, self.sha256 = reply, size, sha256

    @classmethod
    def check(cls, role: str, reply: LLMReply) -> None:
        """Raise unless ``reply`` is within :data:`MAX_REPLY_BYTES`."""
        data = reply.text.encode("utf-8", "surrogatepass")
        if len(data) <= MAX_REPLY_BYTES:
            return
        kept = LLMReply(
            reply.text[:REPLY_PREFIX_CHARS], reply.model, reply.prompt_tokens, reply.completion_tokens,
            reply.latency, reply.attempts, reply.attempt_errors,
        )  # fmt: skip
        message = f"{role}: reply too large: {len(data)} bytes (limit {MAX_REPLY_BYTES})"
        raise cls(message, kept, len(data), hashlib.sha256(data).hexdigest())


def _attempt_fields(source: LLMReply | LLMError) -> dict[str, Any]:
    """``attempts`` and ``attempt_errors`` when known (a replayed old recording has neither)."""
    if source.attempts is None:
        return {}
    return {"attempts": source.attempts, "attempt_errors": list(source.attempt_errors or ())}


class RecordingClient:
    """Logs each call through ``emit('llm_call', ...)`` and keeps per-role usage.

    After ``breaker`` consecutive failed calls (each already retried) the endpoint is taken as down:
    later calls fail at once (``llm_unavailable`` is logged once) and the offline components decide.
    A reply too large to use is a failed call but shows the endpoint is up.
    """

    def __init__(self, inner: LLMClient, emit: Emit, usage: UsageBook | None = None, breaker: int = 5) -> None:
        self.inner = inner
        self.model = inner.model
        self.emit = emit
        self.usage = usage or UsageBook()
        self.breaker = breaker
        self._failed_in_a_row = 0

    def complete(self, role: str, messages: Sequence[Message]) -> LLMReply:
        if self._failed_in_a_row >= self.breaker:
            raise LLMError(f"{role}: the LLM endpoint failed {self.breaker} calls in a row; not asking again")
        key = request_key(self.model, messages)
        start = time.perf_counter()
        try:
            reply = self.inner.complete(role, messages)
            ReplyTooLarge.check(role, reply)
        except ReplyTooLarge as err:
            self._failed_in_a_row = 0
            self.usage.add(role, err.reply, err)
            self.emit(
                "llm_call", role=role, model=err.reply.model, request_model=self.model, key=key,
                messages=list(messages), reply=err.reply.text, reply_bytes=err.size, reply_sha256=err.sha256,
                prompt_tokens=err.reply.prompt_tokens, completion_tokens=err.reply.completion_tokens,
                latency=round(err.reply.latency, 6), ok=False, error=str(err), **_attempt_fields(err),
            )  # fmt: skip
            raise
        except LLMError as err:
            self._failed_in_a_row += 1
            if self._failed_in_a_row == self.breaker:
                self.emit("llm_unavailable", failures=self.breaker, error=str(err)[:300])
                log.warning(
                    "the LLM endpoint failed %d calls in a row (%s); not asking it again in this run: the offline "
                    "agent decides",
                    self.breaker,
                    str(err)[:200],
                )
            self.usage.add(role, None, err)
            latency = err.latency if err.latency is not None else time.perf_counter() - start
            self.emit(
                "llm_call", role=role, model=self.model, request_model=self.model, key=key,
                messages=list(messages), reply=None, prompt_tokens=0, completion_tokens=0,
                latency=round(latency, 6), ok=False, error=str(err), **_attempt_fields(err),
            )  # fmt: skip
            raise
        self._failed_in_a_row = 0
        self.usage.add(role, reply)
        self.emit(
            "llm_call", role=role, model=reply.model, request_model=self.model, key=key,
            messages=list(messages), reply=reply.text,
            prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
            latency=round(reply.latency, 6), ok=True, error=None, **_attempt_fields(reply),
        )  # fmt: skip
        return reply


class ReplayClient:
    """Answers from a recorded run's ``llm_call`` events, in order per request key (a recorded failure
    fails again, the same way)."""

    def __init__(self, run_dir: Path) -> None:
        events, _ = read_events(Path(run_dir) / "events.jsonl")
        calls = [e for e in events if e["kind"] == "llm_call"]
        if not calls and not events:
            raise ValueError(f"{run_dir}: no events to replay LLM calls from")
        self.model = calls[0]["request_model"] if calls else "replay"
        # the recorded run could not reach its endpoint at start and went on offline: why (else None)
        self.down_at_start: str | None = next(
            (str(e.get("error")) for e in events if e["kind"] == "llm_unavailable" and e.get("at_start")), None
        )
        self._by_key: dict[str, list[dict[str, Any]]] = {}
        for call in calls:
            self._by_key.setdefault(call["key"], []).append(call)
        self._used: dict[str, int] = {}

    def complete(self, role: str, messages: Sequence[Message]) -> LLMReply:
        key = request_key(self.model, messages)
        recorded = self._by_key.get(key, [])
        index = self._used.get(key, 0)
        if index >= len(recorded):
            raise LLMError(f"{role}: request not in the recording (key {key[:12]}…); the run has diverged")
        self._used[key] = index + 1
        call = recorded[index]
        attempts = call.get("attempts")
        errors = tuple(call["attempt_errors"]) if attempts is not None else None
        if not call["ok"] and "reply_bytes" in call:
            reply = LLMReply(
                call["reply"], call["model"], call["prompt_tokens"], call["completion_tokens"], call["latency"],
                attempts, errors,
            )  # fmt: skip
            raise ReplyTooLarge(call["error"], reply, call["reply_bytes"], call["reply_sha256"])
        if not call["ok"]:
            raise LLMError(call["error"] or "recorded failure", call["latency"], attempts, errors)
        return LLMReply(
            call["reply"], call["model"], call["prompt_tokens"], call["completion_tokens"], call["latency"],
            attempts, errors,
        )  # fmt: skip
