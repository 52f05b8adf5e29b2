"""Rich tables that fit the terminal without cutting a name: every column gets at least its longest
unbreakable cell (an item or action name, a number) and its header's longest word; headers and the
columns marked ``wrap`` wrap at spaces; when even that is too wide, the ``optional`` columns go (the
caption says which), and only then does a cell fold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

_NUMBER = set("0123456789.,+-±%/ ")


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _numeric(cells: Sequence[str]) -> bool:
    return bool(cells) and all(set(c) <= _NUMBER or c in ("-", "") for c in cells)


def column_widths(
    head: Sequence[str], rows: Sequence[Sequence[str]], width: int, wrap: Sequence[int] = ()
) -> tuple[list[int], int]:
    """Widths for the columns of ``head`` within ``width`` characters (borders and padding included),
    and their minimum total (which may exceed ``width``). The widest columns shrink first, never below
    their minimum."""
    natural, least = [], []
    for index, header in enumerate(head):
        cells = [row[index] for row in rows]
        body = max(map(_longest_line, cells), default=0)
        natural.append(max(_longest_line(header), body))
        unbreakable = max(map(_longest_word, cells), default=0) if index in wrap else body
        least.append(max(_longest_word(header), unbreakable, 1))
    overhead = 3 * len(head) + 1
    widths = list(natural)
    excess = sum(widths) + overhead - width
    while excess > 0:
        shrinkable = [i for i in range(len(widths)) if widths[i] > least[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths, sum(least) + overhead


def fitted_table(
    title: str | None,
    head: Sequence[str],
    rows: Sequence[Sequence[Any]],
    width: int,
    *,
    wrap: Sequence[int] = (),
    optional: Sequence[int] = (),
    caption: str | None = None,
) -> Table:
    """A table of ``rows`` under ``head`` that fits ``width`` columns (see the module docstring).
    ``wrap``: indexes of columns whose cells may wrap at spaces (sentences, lists); ``optional``:
    indexes of columns to leave out, in that order, when the table cannot fit otherwise. Numeric
    columns are right-aligned, the rest left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    keep = list(range(len(head)))
    dropped: list[str] = []
    for index in optional:
        shown_head = [head[i] for i in keep]
        shown_rows = [[row[i] for i in keep] for row in cells]
        least = column_widths(shown_head, shown_rows, width, [keep.index(i) for i in wrap if i in keep])[1]
        if least <= width:
            break
        keep.remove(index)
        dropped.append(head[index])
    shown_head = [head[i] for i in keep]
    shown_rows = [[row[i] for i in keep] for row in cells]
    widths, _ = column_widths(shown_head, shown_rows, width, [keep.index(i) for i in wrap if i in keep])
    notes = [caption] if caption else []
    if dropped:
        notes.append(f"not shown at this width: {', '.join(dropped)} (wider terminal or --json)")
    table = Table(title=title, title_justify="left", caption="; ".join(notes) or None, caption_justify="left")
    for position, (header, column_width) in enumerate(zip(shown_head, widths, strict=True)):
        numeric = position > 0 and _numeric([row[position] for row in shown_rows])
        table.add_column(
            header, justify="right" if numeric else "left", width=column_width, overflow="fold", no_wrap=False
        )
    for row in shown_rows:
        table.add_row(*row)
    return table
