"""LLM clients: the protocol, the OpenAI-compatible implementation, and per-role token accounting.

``OpenAIClient`` talks to any OpenAI-compatible chat-completions endpoint through the ``openai`` SDK
(``OPENAI_BASE_URL`` / ``--base-url``, ``OPENAI_API_KEY``), with a timeout per call and bounded
retries with exponential backoff on transport errors, time-outs, rate limits (429) and server errors
(5xx). Other HTTP errors are not retried. The API key is read from the environment and never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

Message = dict[str, Any]


class LLMError(RuntimeError):
    """A call that failed after its retries (transport, time-out, rate limit, server error)."""

    def __init__(self, message: str, latency: float | None = None) -> None:
        super().__init__(message)
        self.latency = latency


@dataclass(frozen=True)
class LLMReply:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency: float = 0.0
    attempts: int = 1


@dataclass
class Usage:
    calls: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class UsageBook:
    """Token and call accounting per role (hypothesis, planner, actor, perception)."""

    roles: dict[str, Usage] = field(default_factory=dict)

    def add(self, role: str, reply: LLMReply | None) -> None:
        usage = self.roles.setdefault(role, Usage())
        usage.calls += 1
        if reply is None:
            usage.failures += 1
        else:
            usage.prompt_tokens += reply.prompt_tokens
            usage.completion_tokens += reply.completion_tokens

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {role: vars(u).copy() for role, u in sorted(self.roles.items())}


class LLMClient(Protocol):
    """Completes a chat for a ``role``; raises :class:`LLMError` when it cannot."""

    model: str

    def complete(self, role: str, messages: Sequence[Message]) -> LLMReply: ...


def request_key(model: str, messages: Sequence[Message]) -> str:
    """Cache key of a request: the model and the exact messages."""
    blob = json.dumps({"model": model, "messages": list(messages)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def parse_llm_spec(spec: str) -> str:
    """``openai:MODEL`` -> ``MODEL``."""
    provider, _, model = spec.partition(":")
    if provider != "openai" or not model:
        raise ValueError(f"invalid --llm {spec!r}; use openai:MODEL (any OpenAI-compatible endpoint)")
    return model


def redact_url(url: str | None) -> str | None:
    """A base URL safe to log (credentials in it removed)."""
    if not url or "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


class OpenAIClient:
    """Chat completions through the ``openai`` SDK, JSON replies requested."""

    RETRYABLE_STATUS = (408, 409, 429, 500, 502, 503, 504)

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        temperature: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import openai

        self.model = model
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        self.max_retries = max_retries
        self.backoff = backoff
        self.temperature = temperature
        self._sleep = sleep
        self._openai = openai
        self._client = openai.OpenAI(
            api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
            base_url=self.base_url,
            timeout=timeout,
            max_retries=0,  # retries are ours: bounded, logged, counted
        )
        self._lock = threading.Lock()

    def complete(self, role: str, messages: Sequence[Message]) -> LLMReply:
        errors = self._openai
        last = ""
        for attempt in range(1, self.max_retries + 2):
            start = time.perf_counter()
            try:
                response = self._client.chat.completions.create(
                    model=self.model,
                    messages=list(messages),
                    temperature=self.temperature,
                    response_format={"type": "json_object"},
                )
                choice = response.choices[0] if response.choices else None
                text = (choice.message.content if choice and choice.message else None) or ""
                usage = response.usage
                return LLMReply(
                    text=text,
                    model=getattr(response, "model", None) or self.model,
                    prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                    completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
                    latency=time.perf_counter() - start,
                    attempts=attempt,
                )
            except (errors.APIConnectionError, errors.APITimeoutError) as err:  # time-out is a subclass
                last = f"{type(err).__name__}: {err}"
            except errors.APIStatusError as err:
                last = f"HTTP {err.status_code}: {type(err).__name__}"
                if err.status_code not in self.RETRYABLE_STATUS:
                    raise LLMError(f"{role}: {last} (not retried)") from None
            except (ValueError, TypeError, AttributeError) as err:  # a body the SDK could not read
                last = f"unreadable response: {type(err).__name__}: {err}"
            if attempt <= self.max_retries:
                delay = self.backoff * 2 ** (attempt - 1)
                log.debug("%s call failed (%s); retry %d in %.2f s", role, last, attempt, delay)
                self._sleep(delay)
        raise LLMError(f"{role}: failed after {self.max_retries + 1} attempts: {last[:300]}")
