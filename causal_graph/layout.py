"""A layered layout whose edges go around the boxes: the geometry of every graph picture.

Nodes sit in columns (their layer, left to right); igraph's Sugiyama layout orders each column to cut
crossings. An edge spanning several columns passes each column in between through a dummy slot of its
own, so it never runs through a box; the edges that leave one source with one style share those slots
(a trunk that branches off at each target, as graphviz's ``concentrate`` does). Every edge ends on a
short horizontal stub at its box's side; the stubs of a box are spread along that side, one per edge,
far enough apart to carry a label each. Lengths are in inches, y grows downwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Point = tuple[float, float]
SWEEPS = 12  # passes that move slots towards their neighbours
DUMMY_WEIGHT = 4.0  # how much more a trunk's dummy wants its place than a box


@dataclass(frozen=True)
class Spacing:
    """Lengths of the layout, in inches."""

    column_gap: float = 1.25  # between the widest boxes of two neighbouring columns
    node_gap: float = 0.22  # between two boxes of a column
    line_gap: float = 0.16  # between a passing edge and a box or another passing edge
    label_pitch: float = 0.21  # between two labelled edge ends on one side of a box
    line_pitch: float = 0.07  # between two unlabelled edge ends on one side of a box
    stub_in: float = 0.42  # the straight end of an edge before a box's column (it carries the label)
    stub_out: float = 0.1  # the straight start of an edge after a box's column


@dataclass(frozen=True)
class Box:
    """A node's box: centre, width and height."""

    name: str
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, a: Point, b: Point, inset: float = 1e-6) -> bool:
        """Whether the segment a-b passes through the inside of this box (touching its border does not)."""
        left, right = self.x - self.w / 2 + inset, self.x + self.w / 2 - inset
        top, bottom = self.y - self.h / 2 + inset, self.y + self.h / 2 - inset
        t0, t1 = 0.0, 1.0  # Liang-Barsky clipping of the segment against the box
        dx, dy = b[0] - a[0], b[1] - a[1]
        for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True


@dataclass(frozen=True)
class Route:
    """One edge drawn as a polyline from its source's box to its target's; ``label_at`` is the middle of
    its incoming stub, where its label goes."""

    source: str
    target: str
    points: tuple[Point, ...]
    data: Mapping[str, Any]
    label_at: Point


@dataclass
class Layout:
    """Boxes, routed edges and the centre of each column (with its layer), in inches."""

    boxes: dict[str, Box] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    columns: list[tuple[int, float]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    def crossings(self) -> list[tuple[str, str, str]]:
        """``(source, target, box)`` for every edge that passes through a box other than its two ends."""
        found = []
        for route in self.routes:
            segments = list(zip(route.points, route.points[1:], strict=False))
            for box in self.boxes.values():
                if box.name in (route.source, route.target):
                    continue
                if any(box.overlaps(a, b) for a, b in segments):
                    found.append((route.source, route.target, box.name))
        return found


def layered_layout(
    nodes: Mapping[str, tuple[int, float, float]],
    edges: Sequence[tuple[str, str, Mapping[str, Any]]],
    spacing: Spacing = Spacing(),
) -> Layout:
    """Lay out ``nodes`` (name -> (layer, width, minimum height)) and route ``edges`` ((source, target,
    data): ``data["bundle"]`` groups the edges of one source that may share a trunk, a true
    ``data["label"]`` makes room for a label at the target). A box grows taller to give each of its edge
    ends a place of its own."""
    if not nodes:
        return Layout()
    return _Extended(nodes, edges, spacing).layout()


@dataclass(frozen=True)
class _Slot:
    """A vertex of the extended graph: a node's box, or a dummy where a trunk passes a column."""

    key: Hashable
    rank: int
    w: float = 0.0
    h: float = 0.0

    @property
    def dummy(self) -> bool:
        return isinstance(self.key, tuple)


class _Extended:
    """The graph igraph orders: the boxes and the trunks' dummy slots, every edge between neighbouring
    columns."""

    def __init__(self, nodes: Mapping[str, tuple[int, float, float]], edges: Sequence, spacing: Spacing) -> None:
        self.spacing = spacing
        self.edges = edges
        layers = sorted({layer for layer, _, _ in nodes.values()})
        self.layer_of = dict(enumerate(layers))
        rank = {layer: r for r, layer in self.layer_of.items()}
        self.slots: dict[Hashable, _Slot] = {n: _Slot(n, rank[layer], w, h) for n, (layer, w, h) in nodes.items()}
        self.paths = [self._path(u, v, data.get("bundle")) for u, v, data in edges]
        self.neighbours: dict[Hashable, set[Hashable]] = {key: set() for key in self.slots}
        self.ends: dict[Hashable, set[tuple[Hashable, bool]]] = {key: set() for key in self.slots}  # (other, into)
        for path in self.paths:
            for a, b in zip(path, path[1:], strict=False):
                self.neighbours[a].add(b)
                self.neighbours[b].add(a)
                self.ends[a].add((b, False))
                self.ends[b].add((a, True))
        self.labelled = {(p[-1], p[-2], True) for p, (*_, d) in zip(self.paths, edges, strict=True) if d.get("label")}
        for key, slot in list(self.slots.items()):
            if not slot.dummy:
                self.slots[key] = _Slot(key, slot.rank, slot.w, self._height(slot))

    def _path(self, u: str, v: str, bundle: Hashable) -> list[Hashable]:
        """The slots an edge passes: its source, one dummy per column in between (shared by the edges of
        one source and bundle going the same way), its target. An edge within one column turns round in a
        dummy of the next column."""
        ru, rv = self.slots[u].rank, self.slots[v].rank
        step = 1 if rv >= ru else -1
        between = range(ru + step, rv, step) if rv != ru else [ru + 1]
        path: list[Hashable] = [u]
        for rank in between:
            key = ("dummy", u, bundle, step, rank)
            self.slots.setdefault(key, _Slot(key, rank))
            path.append(key)
        return [*path, v]

    def side(self, key: Hashable, other: Hashable) -> int:
        """-1 when ``other`` is in a column left of ``key``'s, +1 when right."""
        return 1 if self.slots[other].rank > self.slots[key].rank else -1

    def _height(self, slot: _Slot) -> float:
        """A box tall enough for its edge ends: a label's height apart where they carry labels."""
        tallest = slot.h
        for side in (-1, 1):
            ends = [end for end in self.ends[slot.key] if self.side(slot.key, end[0]) == side]
            labelled = any((slot.key, *end) in self.labelled for end in ends)
            pitch = self.spacing.label_pitch if labelled else self.spacing.line_pitch
            tallest = max(tallest, pitch * len(ends) + 0.06)
        return tallest

    def layout(self) -> Layout:
        ys = self._rows()
        xs, widths = self._columns()
        ports = self._ports(ys)
        layout = Layout()
        for key, slot in self.slots.items():
            if not slot.dummy:
                layout.boxes[str(key)] = Box(str(key), xs[slot.rank], ys[key], slot.w, slot.h)
        for path, (u, v, data) in zip(self.paths, self.edges, strict=True):
            points, label_at = self._polyline(path, ports, ys, xs, widths)
            layout.routes.append(Route(u, v, tuple(points), data, label_at))
        layout.columns = [(layer, xs[r]) for r, layer in self.layer_of.items()]
        return _normalised(layout)

    def _rows(self) -> dict[Hashable, float]:
        """The y of every slot. igraph orders each column (fewer crossings) and gives first positions; then
        sweeps move every slot towards its neighbours (a trunk's dummies most, so trunks run straight),
        each column placed as close to that as its order and the room its boxes need allow."""
        import igraph

        keys = list(self.slots)
        index = {key: i for i, key in enumerate(keys)}
        pairs = set()
        for path in self.paths:
            for a, b in zip(path, path[1:], strict=False):
                lo, hi = sorted((a, b), key=lambda k: self.slots[k].rank)
                pairs.add((index[lo], index[hi]))
        graph = igraph.Graph(n=len(keys), edges=sorted(pairs), directed=True)
        coords = graph.layout_sugiyama(layers=[self.slots[k].rank for k in keys], maxiter=200).coords
        ranks = sorted({slot.rank for slot in self.slots.values()})
        columns = {
            r: sorted((k for k in keys if self.slots[k].rank == r), key=lambda k: (coords[index[k]][0], index[k]))
            for r in ranks
        }
        ys: dict[Hashable, float] = {}
        for column in columns.values():  # packed, centred on 0: what a box returns to, so nothing drifts off
            self._place(column, dict.fromkeys(column, 0.0), ys)
        anchor = dict(ys)
        for sweep in range(SWEEPS):
            for r in ranks if sweep % 2 == 0 else reversed(ranks):
                wanted = {k: self._pull(k, ys, anchor) for k in columns[r]}
                self._place(columns[r], wanted, ys)
        return ys

    def _pull(self, key: Hashable, ys: Mapping[Hashable, float], anchor: Mapping[Hashable, float]) -> float:
        """Where a slot is pulled: a dummy to the mean of its neighbours (so trunks run straight), a box
        halfway between igraph's place and its neighbours' median (so the picture does not drift)."""
        around = sorted(ys[o] for o in self.neighbours[key])
        if not around:
            return anchor[key]
        if self.slots[key].dummy:
            return sum(around) / len(around)
        middle = len(around) // 2
        median = around[middle] if len(around) % 2 else (around[middle - 1] + around[middle]) / 2
        return (anchor[key] + median) / 2

    def _place(self, column: list[Hashable], wanted: Mapping[Hashable, float], ys: dict[Hashable, float]) -> None:
        """Set the ys of one column, in its order and at least :meth:`_apart` apart, as close to ``wanted``
        as can be (least squares, dummies weighing more: isotonic regression by pooling adjacent
        violators)."""
        offsets = [0.0]
        for a, b in zip(column, column[1:], strict=False):
            offsets.append(offsets[-1] + self._apart(self.slots[a], self.slots[b]))
        blocks: list[list[float]] = []  # [weighted sum, weight, count]
        for key, offset in zip(column, offsets, strict=True):
            weight = DUMMY_WEIGHT if self.slots[key].dummy else 1.0
            blocks.append([weight * (wanted[key] - offset), weight, 1])
            while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
                total, weight, count = blocks.pop()
                blocks[-1] = [blocks[-1][0] + total, blocks[-1][1] + weight, blocks[-1][2] + count]
        at = 0
        for total, weight, count in blocks:
            for key in column[at : at + count]:
                ys[key] = total / weight + offsets[at]
                at += 1

    def _apart(self, a: _Slot, b: _Slot) -> float:
        gap = self.spacing.node_gap if not (a.dummy or b.dummy) else self.spacing.line_gap
        return (a.h + b.h) / 2 + gap

    def _columns(self) -> tuple[dict[int, float], dict[int, float]]:
        """The centre x and the widest box of every column."""
        last = max(slot.rank for slot in self.slots.values())
        widths = {r: 0.0 for r in range(last + 1)}
        for slot in self.slots.values():
            widths[slot.rank] = max(widths[slot.rank], slot.w)
        xs = {0: widths[0] / 2}
        for r in range(1, last + 1):
            xs[r] = xs[r - 1] + widths[r - 1] / 2 + self.spacing.column_gap + widths[r] / 2
        return xs, widths

    def _ports(self, ys: Mapping[Hashable, float]) -> dict[tuple[Hashable, Hashable, bool], float]:
        """The y where the edge between a slot and its neighbour meets the slot: spread evenly along the
        box's side in the order of the neighbours' heights (so ends do not cross); a dummy's own y."""
        ports = {}
        for key, slot in self.slots.items():
            for side in (-1, 1):
                ends = sorted(
                    (e for e in self.ends[key] if self.side(key, e[0]) == side), key=lambda e: (ys[e[0]], e[1])
                )
                for i, end in enumerate(ends):
                    top = ys[key] - slot.h / 2
                    ports[(key, *end)] = ys[key] if slot.dummy else top + (i + 0.5) * slot.h / len(ends)
        return ports

    def _polyline(
        self, path: list[Hashable], ports: Mapping, ys: Mapping, xs: Mapping[int, float], widths: Mapping[int, float]
    ) -> tuple[list[Point], Point]:
        """The points of one edge: straight through each column's band (its boxes and stubs), diagonal only
        between bands; and the middle of the incoming stub."""
        s = self.spacing
        points: list[Point] = []
        label_at = (0.0, 0.0)
        for i, key in enumerate(path):
            slot = self.slots[key]
            x, half = xs[slot.rank], widths[slot.rank] / 2
            for j, other in ((i - 1, "in"), (i + 1, "out")):
                if not 0 <= j < len(path):
                    continue
                side = self.side(key, path[j])
                y = ports[key, path[j], other == "in"]
                outer = x + side * (half + (s.stub_in if side < 0 else s.stub_out))
                face = x + side * slot.w / 2
                ends = [(outer, y), (face, y)] if other == "in" else [(face, y), (outer, y)]
                if slot.dummy:
                    ends = [(outer, y)]
                if other == "in" and j == len(path) - 2 and i == len(path) - 1:
                    label_at = ((outer + x + side * half) / 2, y)
                points += [p for p in ends if not points or p != points[-1]]
        return points, label_at


def _normalised(layout: Layout) -> Layout:
    """Shifted so that the leftmost and topmost thing drawn is at 0."""
    xs = [b.x - b.w / 2 for b in layout.boxes.values()] + [p[0] for r in layout.routes for p in r.points]
    ys = [b.y - b.h / 2 for b in layout.boxes.values()] + [p[1] for r in layout.routes for p in r.points]
    x0, y0 = min(xs), min(ys)
    x1 = max([b.x + b.w / 2 for b in layout.boxes.values()] + [p[0] for r in layout.routes for p in r.points])
    y1 = max([b.y + b.h / 2 for b in layout.boxes.values()] + [p[1] for r in layout.routes for p in r.points])

    def moved(p: Point) -> Point:
        return (p[0] - x0, p[1] - y0)

    return Layout(
        boxes={n: Box(n, b.x - x0, b.y - y0, b.w, b.h) for n, b in layout.boxes.items()},
        routes=[
            Route(r.source, r.target, tuple(map(moved, r.points)), r.data, moved(r.label_at)) for r in layout.routes
        ],
        columns=[(layer, x - x0) for layer, x in layout.columns],
        width=x1 - x0,
        height=y1 - y0,
    )
