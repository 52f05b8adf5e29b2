"""Credentials never reach a log: URL credentials, key-like query parameters, authorization headers and
the API key are masked in text, and the HTTP client's loggers (``openai``, ``httpx``, ``httpcore`` and
their children, whatever their version suffix) carry a filter that masks every record they make.

Those loggers are set to WARNING unless someone chose their level; the filter holds at any level
(``-v``, ``OPENAI_LOG=debug``), since it acts where the record is made, on each of them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"
CLIENT_LOGGERS = ("openai", "httpx", "httpcore")  # prefixes: httpx2, httpcore2.http11, openai._base_client
MIN_SECRET = 4  # shorter strings are not masked on their own (they would mask ordinary words)

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/\s@?#]*@")
_QUERY_KEY = re.compile(r"(?P<name>[?&](?:api[-_]?key|key|token|access[-_]token|secret)=)[^&#\s\"']*", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?P<name>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL credentials, key-like query parameters, authorization values and ``secrets`` masked."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    text = _QUERY_KEY.sub(lambda m: f"{m['name']}{MASK}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m['name']}{MASK}", text)
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_url(url: str | None) -> str | None:
    """A base URL safe to log (credentials and key-like query parameters masked)."""
    return redact(url) if url else url


class CredentialFilter(logging.Filter):
    """Masks credentials in every record that passes (the message with its arguments, and a traceback)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = frozenset(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep only the format
            message = str(record.msg)
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = redact(message, self.secrets), None
        return True


def guard_client_logs(secrets: Iterable[str] = ()) -> None:
    """Put a :class:`CredentialFilter` for ``secrets`` on every existing logger of the HTTP client, and set
    its top-level loggers to WARNING where no level was chosen (and the root logger is not at DEBUG, as
    with ``adam -v``). Idempotent; call it again after the
    client has made requests (some libraries create their loggers on first use)."""
    wanted = frozenset(s for s in secrets if s)
    names = [n for n in logging.Logger.manager.loggerDict if n.split(".", 1)[0].startswith(CLIENT_LOGGERS)]
    verbose = logging.getLogger().getEffectiveLevel() <= logging.DEBUG  # -v: a user asked for every line
    for top in sorted({n.split(".", 1)[0] for n in names}):
        if logging.getLogger(top).level == logging.NOTSET and not verbose:
            logging.getLogger(top).setLevel(logging.WARNING)
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, CredentialFilter) and wanted <= f.secrets for f in logger.filters):
            logger.addFilter(CredentialFilter(wanted))
