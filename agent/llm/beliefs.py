"""The LLM as a source of beliefs before trials (role ``belief``): what it believes each action needs and yields,
asked once per action at the start of a run, as a graph of beliefs like a prior file's.

The beliefs only steer what the learner tries first and with what stock (:mod:`causal_graph.beliefs`); nothing of
them enters the learned graph unverified, and a source whose beliefs keep being refuted stops steering. An action
the model does not know (``{"unknown": true}``) or gives no usable reply for has no belief; the run folder keeps
the beliefs (``beliefs.json``), so a resumed run steers the same way without asking again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from agent.llm.ask import Emit, NoAnswer, ask
from agent.llm.client import LLMClient
from agent.llm.prompts import render
from agent.llm.replies import BeliefReply, parse_belief
from causal_graph.graph import CausalGraph
from env.interface import CausalRelation, Need

log = logging.getLogger(__name__)

BELIEFS_FILE = "beliefs.json"  # in the run folder: the LLM's beliefs, read again on resume


def belief_relation(action: str, reply: BeliefReply) -> CausalRelation:
    needs = {item: Need(count, True) for item, count in reply.consumed.items()}
    needs.update({item: Need(1, False) for item in reply.held})
    return CausalRelation(action, needs, dict(reply.yields))


class LLMBeliefs:
    """Asks the LLM, one action at a time, what it believes the action needs and yields."""

    source = "llm"

    def __init__(self, client: LLMClient, emit: Emit, attempts: int = 2) -> None:
        self.client, self.emit, self.attempts = client, emit, attempts

    def ask_all(self, actions: Sequence[str], items: Sequence[str]) -> CausalGraph:
        """The beliefs about ``actions`` in a world with ``items`` (every action asked once; a ``beliefs`` event
        says how many the model gave, did not know, or gave no usable reply for)."""
        graph = CausalGraph()
        names = set(items)
        unknown, failed = [], []
        for action in actions:
            prompt = render("belief", action=action, items=", ".join(items))
            try:
                reply = ask(
                    self.client, "belief", prompt, lambda text: parse_belief(text, names), self.emit, self.attempts
                )
            except NoAnswer:
                failed.append(action)
                continue
            if reply is None:
                unknown.append(action)
                continue
            graph.set_relation(belief_relation(action, reply))
        believed = len(graph.relations())
        self.emit("beliefs", source=self.source, believed=believed, unknown=len(unknown), no_reply=len(failed))
        log.info(
            "the LLM believes something of %d of %d actions (%d unknown to it, %d without a usable reply)",
            believed, len(actions), len(unknown), len(failed),
        )  # fmt: skip
        return graph
