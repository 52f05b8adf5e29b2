"""The live game's bridge errors as the world contract's :class:`env.interface.EnvironmentUnavailable`.

The bridge imports nothing of ``env``, so its "cannot be used" errors (:class:`bridge.errors.BridgeUnavailable`:
setup missing, a process that cannot start, a server that cannot be reached, a recovery that failed) are turned
into :class:`LiveUnavailable` where they leave the live env; commands catch ``EnvironmentUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from bridge.errors import BridgeUnavailable
from env.interface import EnvironmentUnavailable

F = TypeVar("F", bound=Callable[..., Any])


class LiveUnavailable(EnvironmentUnavailable):
    """The live game cannot be started, reached or recovered. ``str()`` is the bridge error's one line
    (``"RecoveryFailed: ..."``); ``name``, ``message`` and ``context`` are its own, and the bridge error is the
    ``__cause__`` (its Node stderr tail is kept as a note here too)."""

    def __init__(self, error: BridgeUnavailable) -> None:
        super().__init__(str(error))
        self.name, self.message, self.context = error.name, error.message, dict(error.context)
        for note in getattr(error, "__notes__", ()):
            self.add_note(note)


@contextmanager
def environment_errors() -> Iterator[None]:
    """Re-raise a :class:`bridge.errors.BridgeUnavailable` as :class:`LiveUnavailable`."""
    try:
        yield
    except BridgeUnavailable as err:
        raise LiveUnavailable(err) from err


def converts_bridge_errors(method: F) -> F:
    """A method whose :class:`bridge.errors.BridgeUnavailable` leaves it as :class:`LiveUnavailable`."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with environment_errors():
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
