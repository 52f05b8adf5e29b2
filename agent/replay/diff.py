"""Two replayed runs side by side: graph edges only in one, milestone steps, steps and interventions
per phase, scores, LLM usage, failures and (apart from them) trial outcomes.

Edges are compared by name, which says nothing when the runs name things differently (an
``obfuscated`` run against an ``original`` one, two vocabularies, two worlds): when the runs share
fewer than half of their item and action names, the diff says so (``names``, ``warning``) and lists no
edges, only how many each run has; milestones (labels) and counts still compare."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from agent.milestones import union
from agent.replay.analysis import PHASES, PURSUE, Analysis
from agent.replay.tables import column_widths
from causal_graph.graph import CausalGraph
from causal_graph.metrics import edge_differences
from env.interface.relation import CausalRelation, Need

CONFIG_KEYS = ("variant", "seed", "goals", "env_goals", "samples", "max_steps", "llm", "discovery", "env_id")
SAME_NAMES = 0.5  # the share of the smaller vocabulary both runs must name for edges to compare by name


def names(graph: CausalGraph) -> set[str]:
    """The item and action names of ``graph`` (its vocabulary)."""
    return (
        set(graph.actions())
        | {item for rel in graph.relations() for need in rel.needs.values() for item in need.alternatives}
        | set(graph.items())
    )


def vocabulary(a: Analysis, b: Analysis) -> dict[str, Any]:
    """Whether runs A and B name things alike: ``same``, ``shared`` names, how many each has (``a``,
    ``b``) and the variants. Two runs whose graphs are empty count as alike."""
    na, nb = names(a.graph), names(b.graph)
    shared = len(na & nb)
    smaller = min(len(na), len(nb))
    return {
        "same": smaller == 0 or shared >= SAME_NAMES * smaller,
        "shared": shared,
        "a": len(na),
        "b": len(nb),
        "variants": [a.run.config.get("variant"), b.run.config.get("variant")],
    }


def names_warning(names_check: dict[str, Any]) -> str | None:
    """The one line that says edges cannot be compared by name, or None when they can."""
    if names_check["same"]:
        return None
    va, vb = (str(v) if v is not None else "?" for v in names_check["variants"])
    shared = f"{names_check['shared']} of {min(names_check['a'], names_check['b'])} names shared"
    which = f"{va} vs {vb}, {shared}" if va != vb else f"both {va}, {shared}"
    return f"the runs use different item names ({which}): edges cannot be compared by name"


def graph_differences(a: Analysis, b: Analysis) -> dict[str, Any]:
    """Edges (``"craft_planks needs oak_log"``, ``"gather_oak_log yields oak_log"``) only in run A and
    only in run B, matched as :func:`causal_graph.metrics.edge_differences` matches them (a needs edge
    matches when the groups of alternatives overlap); ``equal`` when there are none. ``details`` lists
    the matched edges whose quantities, alternatives or yield ranges differ."""
    scope = sorted(set(a.graph.actions()) | set(b.graph.actions()))
    only_a, only_b = [], []
    for line in edge_differences(a.graph, b.graph, scope, overlap=True):
        which, edge = line.split(": ", 1)
        (only_b if which == "missing" else only_a).append(edge)
    details = [
        line for action in scope for line in _details(action, a.graph.relation(action), b.graph.relation(action))
    ]
    return {"equal": not (only_a or only_b), "only_a": only_a, "only_b": only_b, "details": details}


def _details(action: str, ra: CausalRelation | None, rb: CausalRelation | None) -> list[str]:
    """Readable differences between two relations of ``action`` on the edges both have."""
    if ra is None or rb is None:
        return []
    out = []
    for item in sorted(ra.needs.keys() & rb.needs.keys()):
        na, nb = ra.needs[item], rb.needs[item]
        if (na.quantity, na.consumed) != (nb.quantity, nb.consumed):
            out.append(f"{action} needs {item}: {_need(na)} in A, {_need(nb)} in B")
        if sorted(na.alternatives) != sorted(nb.alternatives):
            alt_a, alt_b = ", ".join(na.alternatives) or "none", ", ".join(nb.alternatives) or "none"
            out.append(f"{action} needs {item}: alternatives ({alt_a}) in A, ({alt_b}) in B")
    for item in sorted(ra.yields.keys() & rb.yields.keys()):
        ya, yb = _yield(ra, item), _yield(rb, item)
        if ya != yb:
            out.append(f"{action} yields {item}: {ya} in A, {yb} in B")
    return out


def _need(need: Need) -> str:
    return f"x{need.quantity} {'consumed' if need.consumed else 'held'}"


def _yield(rel: CausalRelation, item: str) -> str:
    span = rel.yield_range.get(item)
    return f"x{rel.yields[item]}" + (f" (range {span[0]}-{span[1]})" if span else "")


def diff_runs(a: Analysis, b: Analysis) -> dict[str, Any]:
    """JSON-able comparison of runs A and B; numbers are ``[a, b]`` pairs."""
    ca, cb = a.run.config, b.run.config
    labels = [m for m in union((a.milestone_labels, b.milestone_labels)) if m in a.milestones or m in b.milestones]
    labels += sorted((set(a.milestones) | set(b.milestones)) - set(labels))
    roles = sorted(set(a.llm) | set(b.llm))
    names_check = vocabulary(a, b)
    warning = names_warning(names_check)
    if warning is None:
        graph = {"compared": True, **graph_differences(a, b)}
    else:  # every edge would differ by name alone: list none
        graph = {"compared": False, "equal": None, "only_a": [], "only_b": [], "details": []}
    graph["edges"] = [_edge_count(a.graph), _edge_count(b.graph)]
    return {
        "runs": [str(a.run.path), str(b.run.path)],
        "warning": warning,
        "names": names_check,
        "config": {k: [ca.get(k), cb.get(k)] for k in CONFIG_KEYS if ca.get(k) != cb.get(k)},
        "graph": graph,
        "milestones": {label: [_m(a, label, "step"), _m(b, label, "step")] for label in labels},
        "milestone_wall": {label: [_m(a, label, "wall"), _m(b, label, "wall")] for label in labels},
        "counts": {
            "events": [len(a.run.events), len(b.run.events)],
            "steps": [a.steps, b.steps],
            "interventions": [a.interventions, b.interventions],
            "trials": [a.trials, b.trials],
            "explained actions": [len(a.graph.relations()), len(b.graph.relations())],
            "SHD": [_score(a, "shd"), _score(b, "shd")],
            "exact actions": [_score(a, "exact_actions"), _score(b, "exact_actions")],
            "alternatives found": [_score(a, "alternatives_found"), _score(b, "alternatives_found")],
        },
        "phases": {p: {k: [a.phases[p][k], b.phases[p][k]] for k in ("steps", "interventions")} for p in PHASES},
        "llm": {role: {k: [_llm(a, role, k), _llm(b, role, k)] for k in ("calls", "tokens")} for role in roles},
        "failures": {
            "failed plan steps": [a.phases[PURSUE]["failed_steps"], b.phases[PURSUE]["failed_steps"]],
            "mismatches": [_count(a.failures["mismatches"]), _count(b.failures["mismatches"])],
            "abandoned goals": [len(a.failures["abandoned_goals"]), len(b.failures["abandoned_goals"])],
            "relearned": [len(a.failures["relearned"]), len(b.failures["relearned"])],
            "LLM fallbacks": [sum(a.failures["llm_fallbacks"].values()), sum(b.failures["llm_fallbacks"].values())],
        },
        "trial_outcomes": {
            "failed trial steps": [_trial_steps(a), _trial_steps(b)],
            "never explained": [len(a.trial_outcomes["unexplained"]), len(b.trial_outcomes["unexplained"])],
        },
    }


def _edge_count(graph: CausalGraph) -> int:
    """Needs plus yields edges."""
    return sum(len(rel.needs) + len(rel.yields) for rel in graph.relations())


def _m(analysis: Analysis, label: str, key: str) -> Any:
    m = analysis.milestones.get(label)
    return None if m is None else m.get(key)


def _score(analysis: Analysis, key: str) -> Any:
    """A figure of the run's score (None when not scored)."""
    return analysis.score.get(key)


def _trial_steps(analysis: Analysis) -> int:
    return sum(sum(actions.values()) for actions in analysis.trial_outcomes["failed_steps"].values())


def _llm(analysis: Analysis, role: str, key: str) -> int:
    rows = analysis.llm.get(role, {}).values()
    if key == "tokens":
        return int(sum(r["prompt_tokens"] + r["completion_tokens"] for r in rows))
    return int(sum(r[key] for r in rows))


def _count(mismatches: list[dict[str, Any]]) -> int:
    return sum(m["count"] for m in mismatches)


def _delta(pair: list[Any]) -> str:
    x, y = pair
    if isinstance(x, int | float) and isinstance(y, int | float) and not isinstance(x, bool):
        d = y - x
        return f"{d:+.4g}" if isinstance(d, float) else f"{d:+d}"
    return ""


def diff_view(diff: dict[str, Any], name_a: str = "A", name_b: str = "B", width: int = 120) -> Group:
    """Rich rendering, ``width`` columns at most: one table of figures (A, B, B - A) and the graph's
    edges only in one run."""
    sections = [
        ("config", diff["config"]),
        ("milestone step", diff["milestones"]),
        ("milestone agent time (s)", diff["milestone_wall"]),
        ("counts", diff["counts"]),
        ("steps per phase", {p: v["steps"] for p, v in diff["phases"].items()}),
        ("interventions per phase", {p: v["interventions"] for p, v in diff["phases"].items()}),
        ("LLM calls / tokens", {f"{r} {k}": v[k] for r, v in diff["llm"].items() for k in ("calls", "tokens")}),
        ("failures", diff["failures"]),
        ("trial outcomes (normal while learning)", diff.get("trial_outcomes", {})),
    ]
    body = [
        [f"  {key}", *("-" if v is None else str(v) for v in pair), _delta(pair)]
        for _, rows in sections
        for key, pair in rows.items()
    ]
    head = ("", "A", "B", "B - A")
    titles = [[title, "", "", ""] for title, rows in sections if rows]
    widths, _ = column_widths(head, [*body, *titles], width, wrap=(0, 1, 2))
    table = Table(title=f"A: {name_a}\nB: {name_b}", title_justify="left")
    for column, justify, column_width in zip(head, ("left", "right", "right", "right"), widths, strict=True):
        table.add_column(column, justify=justify, width=column_width, overflow="fold")
    for title, rows in sections:
        if rows:
            table.add_section()
            table.add_row(Text(title, style="bold"), "", "", "")
        for key, pair in rows.items():
            table.add_row(f"  {key}", *("-" if v is None else str(v) for v in pair), _delta(pair))
    g = diff["graph"]
    head = [Text(f"warning: {diff['warning']}", style="bold yellow")] if diff.get("warning") else []
    if not g.get("compared", True):
        ea, eb = g["edges"]
        edges = Text(f"graphs not compared edge by edge (different names): {ea} edges in A, {eb} in B", style="yellow")
    elif g["equal"]:
        edges = Text("graphs: the same edges", style="green")
    else:
        lines = [f"only in A: {e}" for e in g["only_a"]] + [f"only in B: {e}" for e in g["only_b"]]
        edges = Text("graphs differ:\n  " + "\n  ".join(lines), style="yellow")
    if g["details"]:
        edges.append("\nsame edges, different details:\n  " + "\n  ".join(g["details"]), style="dim")
    return Group(*head, table, edges)
