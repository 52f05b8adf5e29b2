"""What a run pursues, typed: an item to hold (:class:`ItemGoal`) or a place to be (:class:`EnvironmentGoal`,
ADAM's environment factors such as "be next to water").

A goal's ``name`` is how the run log and the controller's state record it (``diamond``, ``near:water``); the
type, not the spelling, tells the two kinds apart (an item of a world may well hold a ``:``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

ENVIRONMENT_KINDS = ("near", "on", "see")


@dataclass(frozen=True)
class ItemGoal:
    """Hold at least one ``item`` (its name as the agent sees it)."""

    item: str

    @property
    def name(self) -> str:
        return self.item

    def reached(self, state: Mapping[str, int]) -> bool:
        return state.get(self.item, 0) > 0


@dataclass(frozen=True)
class EnvironmentGoal:
    """A goal about the surroundings, ``KIND:BLOCK`` (``near:water``): ``near`` and ``on`` are reached when
    the block is among the world's nearby blocks (its ``info["nearby"]``), ``see`` when perception sees it.
    ``shown``: the block as the world reports it (an obfuscated world's token; empty: ``block`` itself)."""

    kind: str
    block: str
    shown: str = ""

    @classmethod
    def parse(cls, text: str) -> EnvironmentGoal:
        """``near:water`` -> ``EnvironmentGoal("near", "water")``; ValueError naming the text otherwise."""
        kind, _, block = str(text).partition(":")
        if kind not in ENVIRONMENT_KINDS or not block:
            raise ValueError(f"invalid environment goal {text!r}; use near:BLOCK, on:BLOCK or see:BLOCK")
        return cls(kind, block)

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.block}"

    def shown_as(self, resolve: Callable[[str], str]) -> EnvironmentGoal:
        """This goal with its block as the world names it (``resolve``: the world's ``resolve_block``)."""
        return EnvironmentGoal(self.kind, self.block, resolve(self.block))

    def satisfied(self, nearby: tuple[str, ...]) -> bool:
        """Whether the block (as the world reports it) is among the nearby blocks (within 4 blocks)."""
        return (self.shown or self.block) in nearby


Goal = ItemGoal | EnvironmentGoal
