"""ADAM's own per-action procedure, as a baseline for benchmarks (our reading of the paper).

ADAM samples an action N times with 32 of every known item, takes a hypothesis from the records,
then verifies causes by removing **one item at a time** from the full stock and re-running. Without
an LLM every known item is a candidate; with one (``adam_llm`` in the benchmark) only the causes the
model proposes are verified (our hypothesis prompt: ADAM's own prompt text is not reproduced). It does
not use consumption as evidence, tests every held item separately, and records one cause per role
(no alternatives). The curriculum around it is ours (:mod:`causal_graph.learner`), so the two
procedures are compared on the same sequence of actions.
"""

from __future__ import annotations

from causal_graph.discovery import Discoverer, DiscoveryConfig, DiscoveryOutcome
from causal_graph.proposer import consistent_consumption, reproducible_effects
from env.interface.relation import CausalRelation, Evidence, Need

ADAM_SAMPLES = 5  # the paper's N samplings per action; configurable
ADAM_STOCK = 32  # "32 of each" item in the sampling inventory


def adam_config() -> DiscoveryConfig:
    return DiscoveryConfig(samples=ADAM_SAMPLES, stock=ADAM_STOCK, find_alternatives=False)


class AdamDiscoverer(Discoverer):
    """One-at-a-time removal over the full stock (ADAM's intervention-based causal discovery)."""

    def _discover(
        self,
        action: str,
        known: list[str],
        outcome: DiscoveryOutcome,
        likely_held: set[str] = frozenset(),
        **_resource_aware: object,  # singles, lower tiers, alternatives later: not ADAM's procedure
    ) -> DiscoveryOutcome:
        known = self._fit(known, self._priority)  # what one intervention can hold, when the world limits it
        stock = {item: self.stock(item) for item in known}
        outcome.sampled = list(known)
        runs = []
        for _ in range(self.config.samples):
            t = self._trial(action, stock, "sample")
            runs.append(t)
            if not t.success:
                outcome.runs = runs
                return outcome
        outcome.runs = runs
        effects, ranges = reproducible_effects(runs)
        if not effects:
            return outcome
        candidates = list(known)
        if getattr(self.proposer, "source", "offline") != "offline":
            # ADAM with an LLM: the model proposes the causes; only those are verified, one at a time
            hyp = self._propose(action, runs, known)
            if hyp is not None and hyp.source != "offline":
                candidates = [i for i in known if i in hyp.consumed or i in hyp.likely]
        source = "adam" if candidates == list(known) else "adam+llm"
        self.on_event("hypothesis", {"action": action, "source": source, "effects": effects, "candidates": candidates})
        causes = []
        for item in candidates:
            t = self._trial(action, {i: q for i, q in stock.items() if i != item}, "do")
            runs.append(t)
            if not t.success:
                causes.append(item)
        consumed = consistent_consumption([t for t in runs[: self.config.samples]])
        needs = {i: Need(consumed.get(i, 1), i in consumed) for i in causes}
        relation = CausalRelation(
            action,
            needs,
            effects,
            {i: r for i, r in ranges.items() if r[0] != r[1]},
            Evidence(samples=self.config.samples, interventions=len(candidates), confirmations=len(runs) - len(causes)),
        )
        outcome.relation, outcome.status = relation, "explained"
        return outcome


class InterventionOnlyDiscoverer(Discoverer):
    """No proposer: every known item is a candidate cause (consumed or not), pruned by the same
    adaptive group testing with full stock; what the last successful run consumed marks the consumed
    causes. A baseline for what the hypothesis step saves."""

    def _discover(
        self,
        action: str,
        known: list[str],
        outcome: DiscoveryOutcome,
        likely_held: set[str] = frozenset(),
        **_resource_aware: object,  # singles, lower tiers, alternatives later: not this baseline's procedure
    ) -> DiscoveryOutcome:
        runs = []
        last_win: list = []

        answers: dict[frozenset[str], bool] = {}  # no stock is tested twice

        def works(items) -> bool:
            key = frozenset(items)
            if key not in answers:
                t = self._trial(action, {i: self.stock(i) for i in items}, "do")
                runs.append(t)
                if t.success:
                    last_win[:] = [t]
                answers[key] = t.success
            return answers[key]

        outcome.runs = runs
        known = self._fit(known, self._priority)  # what one intervention can hold, when the world limits it
        outcome.sampled = list(known)
        if not works(known):
            return outcome
        kept = [] if works(()) else self._minimise(list(known), works)
        if last_win and set(last_win[0].before) != set(kept) and not works(kept):
            outcome.status = "unverified"
            return outcome
        effects, ranges = reproducible_effects(runs)
        if not effects:
            return outcome
        used = last_win[0].consumed
        needs = {i: Need(int(used[i]), True) if i in used else Need(1, False) for i in kept}
        outcome.relation = CausalRelation(
            action,
            needs,
            effects,
            {i: r for i, r in ranges.items() if r[0] != r[1]},
            Evidence(samples=0, interventions=len(runs), confirmations=sum(t.success for t in runs)),
        )
        outcome.status = "explained"
        self.on_event("relation", outcome.relation.to_dict())
        return outcome
