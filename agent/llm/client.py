"""LLM clients: the protocol, the OpenAI-compatible implementation, and per-role token accounting.

``OpenAIClient`` talks to any OpenAI-compatible chat-completions endpoint through the ``openai`` SDK
(``OPENAI_BASE_URL`` / ``--base-url``, ``OPENAI_API_KEY``), with a timeout per call and bounded
retries with exponential backoff on transport errors, time-outs, rate limits (429) and server errors
(5xx). Other HTTP errors are not retried. Every failed attempt is kept as a short string ("HTTP 429",
"APITimeoutError") on the reply or the error, so the run log and the usage book count them.

The API key is read from the environment and never logged; credentials inside the base URL are taken
out of it (sent as the same Basic authorization header the HTTP client would send) and the client's
loggers mask any credential (:mod:`agent.llm.redact`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from agent.llm.redact import guard_client_logs, redact
from agent.llm.redact import redact_url as redact_url  # agent.run imports it from here

log = logging.getLogger(__name__)

Message = dict[str, Any]


RATE_LIMITED = "HTTP 429"
TIMED_OUT = "APITimeoutError"
PREFLIGHT_TIMEOUT_S = 10.0  # the most the start-up reachability check waits


class LLMError(RuntimeError):
    """A call that failed after its retries (transport, time-out, rate limit, server error).

    ``kind`` names the failure for the counts (``transport`` here); ``attempts`` and ``attempt_errors``
    (one short string per failed attempt) are None when unknown (a recording made before they existed)."""

    kind = "transport"

    def __init__(
        self,
        message: str,
        latency: float | None = None,
        attempts: int | None = None,
        attempt_errors: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.latency = latency
        self.attempts = attempts
        self.attempt_errors = None if attempt_errors is None else tuple(attempt_errors)


@dataclass(frozen=True)
class LLMReply:
    """A completion. ``attempts`` (1 = answered at once) and ``attempt_errors`` (the failed attempts
    before it) are None when unknown (a recording made before they existed)."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency: float = 0.0
    attempts: int | None = 1
    attempt_errors: tuple[str, ...] | None = ()


@dataclass
class Usage:
    """One role's calls: ``failures`` (calls that gave no usable reply), tokens, ``retries`` (attempts
    after the first), ``rate_limited`` (attempts answered HTTP 429), ``timeouts`` (attempts timed out)."""

    calls: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    rate_limited: int = 0
    timeouts: int = 0


@dataclass
class UsageBook:
    """Token and call accounting per role (hypothesis, planner, actor, perception)."""

    roles: dict[str, Usage] = field(default_factory=dict)

    def add(self, role: str, reply: LLMReply | None, error: LLMError | None = None) -> None:
        """Count one call: its ``reply`` (tokens), and ``error`` when it failed (a failed call may still
        have a reply, e.g. one too large to use). A call with neither is a failure of unknown cause."""
        usage = self.roles.setdefault(role, Usage())
        usage.calls += 1
        if reply is None or error is not None:
            usage.failures += 1
        if reply is not None:
            usage.prompt_tokens += reply.prompt_tokens
            usage.completion_tokens += reply.completion_tokens
        source = error if error is not None else reply
        attempts = getattr(source, "attempts", None) or 1
        errors = getattr(source, "attempt_errors", None) or ()
        usage.retries += attempts - 1
        usage.rate_limited += sum(e == RATE_LIMITED for e in errors)
        usage.timeouts += sum(e == TIMED_OUT for e in errors)

    def add_recorded(self, event: Mapping[str, Any]) -> None:
        """Count one recorded ``llm_call`` event as :meth:`add` counted the call (a resumed run's usage is
        rebuilt from its log this way). Logs written before attempts were recorded count none."""
        usage = self.roles.setdefault(str(event.get("role")), Usage())
        usage.calls += 1
        usage.failures += event.get("ok") is False
        usage.prompt_tokens += int(event.get("prompt_tokens") or 0)
        usage.completion_tokens += int(event.get("completion_tokens") or 0)
        attempts, errors = event.get("attempts"), event.get("attempt_errors") or ()
        usage.retries += max(0, int(attempts) - 1) if attempts is not None else 0
        usage.rate_limited += sum(e == RATE_LIMITED for e in errors)
        usage.timeouts += sum(e == TIMED_OUT for e in errors)

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


def split_credentials(url: str | None) -> tuple[str | None, str | None]:
    """``url`` without the credentials in it, and the Basic authorization header they stand for (what
    the HTTP client would send for them), or None when it holds none."""
    if not url:
        return url, None
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])), f"Basic {token}"


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
        given = base_url or os.environ.get("OPENAI_BASE_URL")
        url, authorization = split_credentials(given)
        self.base_url = url
        self.max_retries = max_retries
        self.backoff = backoff
        self.temperature = temperature
        self._sleep = sleep
        self._openai = openai
        api_key = os.environ.get("OPENAI_API_KEY") or "not-needed"
        parts = urlsplit(given or "")
        secrets = (api_key, authorization, parts.password, parts.username, *(authorization or "").split()[1:])
        self._secrets = tuple(unquote(s) for s in secrets if s) + tuple(s for s in secrets if s)
        guard_client_logs(self._secrets)
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=url,
            timeout=timeout,
            max_retries=0,  # retries are ours: bounded, logged, counted
            default_headers={"Authorization": authorization} if authorization else None,
        )
        self._lock = threading.Lock()

    def unreachable(self, timeout: float = PREFLIGHT_TIMEOUT_S) -> str | None:
        """Why the endpoint cannot be reached at all (connection refused, no such host, not a URL), or None.

        One cheap request (``GET models``, no retry): any HTTP answer, an error status included, shows
        the endpoint is there; so does a time-out (the run's own calls, with their time-out and retries,
        will tell how it answers)."""
        guard_client_logs(self._secrets)
        errors = self._openai
        try:
            self._client.with_options(timeout=min(timeout, PREFLIGHT_TIMEOUT_S), max_retries=0).models.list()
        except errors.APITimeoutError:
            return None
        except errors.APIConnectionError as err:
            cause = err.__cause__ or err
            detail = redact(f"{type(cause).__name__}: {cause}", self._secrets)
            return f"cannot reach the LLM endpoint {redact_url(str(self._client.base_url))}: {detail}"
        except (errors.APIStatusError, ValueError, TypeError, AttributeError):
            return None  # it answered (an error status, or a body the SDK could not read)
        return None

    def complete(self, role: str, messages: Sequence[Message]) -> LLMReply:
        guard_client_logs(self._secrets)  # loggers the HTTP client created since (on its first request)
        errors = self._openai
        last = ""
        failed: list[str] = []
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
                    attempt_errors=tuple(failed),
                )
            except (errors.APIConnectionError, errors.APITimeoutError) as err:  # time-out is a subclass
                failed.append(type(err).__name__)
                last = redact(f"{type(err).__name__}: {err}", self._secrets)
            except errors.APIStatusError as err:
                failed.append(f"HTTP {err.status_code}")
                last = f"HTTP {err.status_code}: {type(err).__name__}"
                if err.status_code not in self.RETRYABLE_STATUS:
                    raise LLMError(f"{role}: {last} (not retried)", None, attempt, failed) from None
            except (ValueError, TypeError, AttributeError) as err:  # a body the SDK could not read
                failed.append(f"unreadable response ({type(err).__name__})")
                last = redact(f"unreadable response: {type(err).__name__}: {err}", self._secrets)
            if attempt <= self.max_retries:
                delay = self.backoff * 2 ** (attempt - 1)
                log.debug("%s call failed (%s); retry %d in %.2f s", role, last, attempt, delay)
                self._sleep(delay)
        attempts = self.max_retries + 1
        raise LLMError(f"{role}: failed after {attempts} attempts: {last[:300]}", None, attempts, failed)
