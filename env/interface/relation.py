"""One learned (or true) causal relation: what an action needs and what it yields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Need:
    """One cause of an action.

    ``quantity`` is how many must be held; ``consumed`` says whether the action uses them up
    (ingredients, fuel) or only needs them held (tools, stations). ``alternatives`` lists other
    items seen to serve in the same role (any planks, any fuel, a better pickaxe).
    """

    quantity: int
    consumed: bool
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "consumed": self.consumed, "alternatives": list(self.alternatives)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Need:
        return cls(int(data["quantity"]), bool(data["consumed"]), tuple(data.get("alternatives", ())))


@dataclass(frozen=True)
class Evidence:
    """How a relation was established: transitions sampled, do()-interventions run, confirmations."""

    samples: int = 0
    interventions: int = 0
    confirmations: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"samples": self.samples, "interventions": self.interventions, "confirmations": self.confirmations}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(int(data.get("samples", 0)), int(data.get("interventions", 0)), int(data.get("confirmations", 0)))


@dataclass(frozen=True)
class CausalRelation:
    """``needs`` (item -> Need) are the causes of ``action``; ``yields`` (item -> count) its effects.

    ``yields`` holds the smallest count seen per effect; ``yield_range`` the (min, max) seen, for
    stochastic drops.
    """

    action: str
    needs: Mapping[str, Need] = field(default_factory=dict)
    yields: Mapping[str, int] = field(default_factory=dict)
    yield_range: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    evidence: Evidence = Evidence()
    confidence: float = 1.0

    def consumed(self) -> dict[str, int]:
        return {item: need.quantity for item, need in self.needs.items() if need.consumed}

    def held(self) -> dict[str, int]:
        return {item: need.quantity for item, need in self.needs.items() if not need.consumed}

    def takes_from_world(self) -> bool:
        """Whether the action uses nothing up from the inventory but yields items: it takes them from the world (a
        gather or mine action; the world's blocks are what it uses up)."""
        return not self.consumed() and bool(self.yields)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "needs": {item: need.to_dict() for item, need in sorted(self.needs.items())},
            "yields": dict(sorted(self.yields.items())),
            "yield_range": {item: list(r) for item, r in sorted(self.yield_range.items())},
            "evidence": self.evidence.to_dict(),
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CausalRelation:
        return cls(
            action=str(data["action"]),
            needs={str(k): Need.from_dict(v) for k, v in data.get("needs", {}).items()},
            yields={str(k): int(v) for k, v in data.get("yields", {}).items()},
            yield_range={str(k): (int(v[0]), int(v[1])) for k, v in data.get("yield_range", {}).items()},
            evidence=Evidence.from_dict(data.get("evidence", {})),
            confidence=float(data.get("confidence", 1.0)),
        )
