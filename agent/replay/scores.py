"""The learned graph's scores against the world's ground truth, as the run wrote them to ``result.json``
(``agent.scoring.final_score``; replay itself never sees the ground truth): SHD, precision and recall,
exact actions, alternatives, quantity errors and the per-action differences. A run without
``result.json`` has no scores; a world without ground truth is "not scored"; a result.json from before
the differences were recorded shows the numbers it has."""

from __future__ import annotations

from typing import Any

SCORED, NOT_SCORED, NO_RESULT = "scored", "not scored", "no result"
FIGURES = ("shd", "precision", "recall", "f1", "exact_actions", "total_actions", "quantity_errors",
           "alternatives_found", "alternatives_total", "alternatives_extra")  # fmt: skip
HEAD = ("SHD", "precision", "recall", "F1", "exact actions", "alternatives found/total", "extra alternatives",
        "quantity errors")  # fmt: skip


def summary(result: dict[str, Any] | None) -> dict[str, Any]:
    """``status`` (scored, not scored, no result), ``why`` when not scored, the figures of
    :data:`FIGURES`, ``differences`` (lines; None when result.json predates them) and
    ``differences_total`` (how many there were before result.json capped the list)."""
    if result is None:
        return {"status": NO_RESULT, "why": "no result.json: the run did not finish"}
    score = result.get("score")
    if not isinstance(score, dict) or score.get("shd") is None:
        return {"status": NOT_SCORED, "why": "the world has no ground truth to score against"}
    differences = score.get("differences")
    differences = [str(line) for line in differences] if isinstance(differences, list) else None
    total = score.get("differences_total")
    return {
        "status": SCORED,
        **{key: score.get(key) for key in FIGURES},
        "differences": differences,
        "differences_total": total if isinstance(total, int) else None if differences is None else len(differences),
    }


def _ratio(x: Any) -> str:
    return f"{x:.2f}" if isinstance(x, int | float) else "-"


def _of(x: Any, y: Any) -> str:
    return "-" if x is None else f"{x}/{y}" if y is not None else str(x)


def score_row(score: dict[str, Any]) -> tuple[str, ...]:
    """One row under :data:`HEAD` (a scored run)."""
    return (
        str(score.get("shd")),
        _ratio(score.get("precision")),
        _ratio(score.get("recall")),
        _ratio(score.get("f1")),
        _of(score.get("exact_actions"), score.get("total_actions")),
        _of(score.get("alternatives_found"), score.get("alternatives_total")),
        "-" if score.get("alternatives_extra") is None else str(score["alternatives_extra"]),
        "-" if score.get("quantity_errors") is None else str(score["quantity_errors"]),
    )


def headline(score: dict[str, Any]) -> str:
    """One line: ``SHD 0 (precision 1.00, recall 1.00); 41/41 actions exact; 24/24 alternatives
    found, 0 extra; 0 quantity errors``, or why the run is not scored."""
    if score["status"] != SCORED:
        return f"{score['status']}: {score['why']}"
    parts = [f"SHD {score['shd']} (precision {_ratio(score['precision'])}, recall {_ratio(score['recall'])})"]
    if score.get("exact_actions") is not None:
        parts.append(f"{_of(score['exact_actions'], score['total_actions'])} actions exact")
    if score.get("alternatives_found") is not None:
        found = _of(score["alternatives_found"], score["alternatives_total"])
        parts.append(f"{found} alternatives found, {score['alternatives_extra']} extra")
    if score.get("quantity_errors") is not None:
        parts.append(f"{score['quantity_errors']} quantity errors")
    return "; ".join(parts)


def by_action(lines: list[str]) -> dict[str, list[str]]:
    """result.json's difference lines grouped per action, in order: ``"missing: mine_iron_ore needs
    stone_pickaxe"`` and ``"missing: mine_iron_ore yields raw_iron"`` become ``mine_iron_ore: ["missing
    needs stone_pickaxe", "missing yields raw_iron"]``; ``"quantity: craft_planks: needs oak_log x2,
    truth x1"`` becomes ``craft_planks: ["needs oak_log x2, truth x1"]``. A line of another shape is
    kept whole under ``""``."""
    out: dict[str, list[str]] = {}
    for line in lines:
        kind, _, rest = line.partition(": ")
        if kind == "quantity" and ": " in rest:
            action, _, how = rest.partition(": ")
        elif kind in ("missing", "extra") and " " in rest:
            action, _, edge = rest.partition(" ")
            how = f"{kind} {edge}"
        else:
            action, how = "", line
        out.setdefault(action, []).append(how)
    return out


def _joined(hows: list[str]) -> str:
    """``missing needs crafting_table, diamond; missing yields diamond_axe``: edges of one kind together."""
    groups: dict[str, list[str]] = {}
    for how in hows:
        words = how.split(" ")
        key, item = (" ".join(words[:2]), " ".join(words[2:])) if words[0] in ("missing", "extra") else (how, "")
        groups.setdefault(key, []).append(item)
    return "; ".join(f"{key} {', '.join(i for i in items if i)}".rstrip() for key, items in groups.items())


def difference_rows(score: dict[str, Any]) -> list[tuple[str, str]]:
    """The differences from the ground truth, one ``(action, how)`` row per action (``craft_diamond_axe``,
    ``missing needs crafting_table, diamond, stick; missing yields diamond_axe``), then how many lines
    result.json left out; a note when result.json predates them; nothing when not scored."""
    if score["status"] != SCORED:
        return []
    lines = score["differences"]
    if lines is None:
        return [("", "per-action differences not recorded (this result.json predates them)")]
    rows = [(action, _joined(hows) if action else hows[0]) for action, hows in by_action(lines).items()]
    left_out = (score["differences_total"] or 0) - len(lines)
    return [*rows, *([("", f"… {left_out} more differences not kept in result.json")] if left_out > 0 else [])]


def difference_lines(score: dict[str, Any]) -> list[str]:
    """:func:`difference_rows` as lines (``action: how``)."""
    return [f"{action}: {how}" if action else how for action, how in difference_rows(score)]


def check_score(result: dict[str, Any] | None) -> list[str]:
    """Disagreements within result.json's score: its ``shd`` against the top-level one, and, when the
    list of differences is whole, the missing/extra lines against SHD and the quantity lines against
    ``quantity_errors``. Empty when they agree or there is no score."""
    score = summary(result)
    if score["status"] != SCORED:
        return []
    out = []
    if result is not None and "shd" in result and result["shd"] != score["shd"]:
        out.append(f"score: SHD {score['shd']}, but {result['shd']} at the top of result.json")
    lines = score["differences"]
    if lines is not None and score["differences_total"] == len(lines):
        edges = sum(line.startswith(("missing: ", "extra: ")) for line in lines)
        quantities = sum(line.startswith("quantity: ") for line in lines)
        if edges != score["shd"]:
            out.append(f"score: SHD {score['shd']}, but {edges} missing or extra edges listed")
        if score["quantity_errors"] is not None and quantities != score["quantity_errors"]:
            out.append(f"score: {score['quantity_errors']} quantity errors, but {quantities} listed")
    return out
