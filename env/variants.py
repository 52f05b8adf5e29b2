"""Variants of the rules as data overlays: ``original``, ``adam_modified``, ``random:SEED``,
``obfuscated`` (names only), and the per-run obfuscation vocabulary."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from env.actions import DEFAULT_ACTIONS, ActionSpec, action_library
from env.blocks import world_blocks
from env.data import load_toml
from env.rules import Recipe, Rules, base_rules
from env.techtree import obtainable

VARIANTS = ("original", "adam_modified", "obfuscated", "random:SEED")


@dataclass(frozen=True)
class Variant:
    """A parsed variant name: which rule overlay, and whether names are obfuscated."""

    name: str
    changes: tuple[Mapping[str, Any], ...] = ()
    obfuscated: bool = False


def parse_variant(name: str, actions: str = DEFAULT_ACTIONS) -> Variant:
    """``original`` | ``adam_modified`` | ``obfuscated`` | ``random:SEED`` (SEED: an integer, 0 or more), for the
    action library ``actions`` (a random variant perturbs that library's tree). Anything else, ``random`` without
    a seed included, raises ValueError naming the valid variants."""
    if not isinstance(name, str):
        raise ValueError(f"variant must be a string, got {name!r}; valid variants: {', '.join(VARIANTS)}")
    if name == "original":
        return Variant(name)
    if name == "obfuscated":
        return Variant(name, obfuscated=True)
    if name == "adam_modified":
        return Variant(name, tuple(load_toml("variants.toml")["adam_modified"]["change"]))
    if name == "random" or name.startswith("random:"):
        seed_text = name.partition(":")[2].strip()
        if not seed_text.isdecimal():
            raise ValueError(
                f"invalid variant {name!r}: a random variant is random:SEED, and the seed must be an integer "
                "0 or more, as in 'random:3'"
            )
        seed = int(seed_text)
        return Variant(f"random:{seed}", tuple(random_changes(seed, actions=actions)))
    raise ValueError(f"invalid variant {name!r}; valid variants: {', '.join(VARIANTS)}")


def apply_change(rules: Rules, change: Mapping[str, Any]) -> Rules:
    """Apply one overlay change (see env/data/variants.toml) to every recipe for ``change['item']``."""
    item = change["item"]
    recipes = rules.recipes_for(item)
    if not recipes:
        raise ValueError(f"variant change names item {item!r}, which has no recipe")
    remove = set(change.get("remove", ()))
    out = []
    for r in recipes:
        if remove and not remove <= r.items():
            continue  # an other-material alternative of a removed item goes with it
        consumed = {i: q for i, q in r.consumed.items() if i not in remove}
        held = set(r.held) - remove
        for i, q in change.get("add_consumed", {}).items():
            consumed[i] = consumed.get(i, 0) + int(q)
        held |= set(change.get("add_held", ()))
        out.append(Recipe(r.result, r.count, consumed, frozenset(held), r.method, r.source))
    if not out:
        raise ValueError(f"variant change {dict(change)!r} removes every recipe for {item!r}")
    recipes_by_item = dict(rules.recipes)
    recipes_by_item[item] = tuple(out)
    return rules.with_recipes(recipes_by_item)


def variant_rules(variant: Variant) -> Rules:
    rules = base_rules()
    for change in variant.changes:
        rules = apply_change(rules, change)
    return rules


def _made_items(specs: Iterable[ActionSpec]) -> list[str]:
    """Results of the craft and smelt actions of ``specs`` (smelt results via smelting.toml)."""
    from env.techtree import smelt_results

    smelts = smelt_results(base_rules())
    out = []
    for spec in specs:
        if spec.kind == "craft" and spec.item:
            out.append(spec.item)
        elif spec.kind == "smelt" and spec.item in smelts:
            out.append(smelts[spec.item])
    return out


def random_changes(seed: int, k: int | None = None, actions: str = DEFAULT_ACTIONS) -> list[dict[str, Any]]:
    """``k`` seeded dependency additions/removals over the tree of the action library ``actions`` (default k:
    variants.toml's, per library) that keep diamond and every craft's and smelt's result obtainable."""
    return copy.deepcopy(_random_changes(seed, k, actions))


@cache
def _random_changes(seed: int, k: int | None, actions: str) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    counts = load_toml("variants.toml")["random"]
    k = int(counts["changes"] if actions == DEFAULT_ACTIONS else counts[f"changes_{actions}"]) if k is None else k
    specs = [s for s in action_library(actions) if not s.is_movement]
    rules = base_rules()
    made = _made_items(specs)
    blocks = world_blocks(actions)
    base_level = obtainable(rules, specs, blocks)
    needed = {i for i in [*made, "diamond"] if i in base_level}
    changes: list[dict[str, Any]] = []
    for _ in range(200):
        if len(changes) >= k:
            break
        item = made[int(rng.integers(len(made)))]
        primary = rules.recipes_for(item)
        primary = [r for r in primary if r.method in ("craft", "smelt")]
        if not primary:
            continue
        recipe = primary[0]
        if rng.random() < 0.5:
            candidates = sorted(i for i in recipe.items() if not (i in recipe.consumed and len(recipe.consumed) == 1))
            if not candidates:
                continue
            change: dict[str, Any] = {"item": item, "remove": [candidates[int(rng.integers(len(candidates)))]]}
        else:
            lower = sorted(
                i for i, lvl in base_level.items() if lvl < base_level.get(item, 0) and i not in recipe.items()
            )
            lower = [i for i in lower if i in needed or i in ("oak_log", "cobblestone", "coal", "dirt", "sand")]
            if not lower:
                continue
            extra = lower[int(rng.integers(len(lower)))]
            if rng.random() < 0.7:
                change = {"item": item, "add_consumed": {extra: int(rng.integers(1, 3))}}
            else:
                change = {"item": item, "add_held": [extra]}
        if any(c["item"] == item for c in changes):
            continue
        trial = apply_change(rules, change)
        have = obtainable(trial, specs, blocks)
        if all(i in have for i in needed):
            rules = trial
            changes.append(change)
    return changes


_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


class Vocabulary:
    """A per-run bijection between real names and the names the agent sees.

    Identity for un-obfuscated runs; for obfuscated runs every item, block and action name becomes a
    meaningless token (seeded, so consistent within a run and across resumes).
    """

    def __init__(self, names: Iterable[str], seed: int | None = None) -> None:
        names = sorted(set(names))
        if seed is None:
            self._shown = {n: n for n in names}
        else:
            rng = np.random.default_rng(seed)
            used: set[str] = set()
            self._shown = {}
            for n in names:
                while True:
                    token = "".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), 3))
                    if token not in used and token not in names:
                        break
                used.add(token)
                self._shown[n] = token
        self._real = {v: k for k, v in self._shown.items()}

    @property
    def obfuscated(self) -> bool:
        return any(k != v for k, v in self._shown.items())

    def shown(self, name: str) -> str:
        return self._shown.get(name, name)

    def real(self, shown: str) -> str:
        try:
            return self._real[shown]
        except KeyError:
            raise ValueError(f"unknown name {shown!r}") from None

    def knows(self, shown: str) -> bool:
        return shown in self._real

    def shown_counts(self, counts: Mapping[str, int]) -> dict[str, int]:
        return {self.shown(k): v for k, v in counts.items()}
