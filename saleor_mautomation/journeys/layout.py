"""Where the canvas draws a journey's nodes: ``{node id: {"x": .., "y": ..}}``, kept beside
the definition (the draft's, then each version's) and never read by the engine.

``layout_check`` is what a saved layout must be: positions of nodes the definition has (and of
its entry, under ``"entry"``), finite numbers of a sane size. ``layout_layered`` draws a
definition tidily for the presets; the editor's tidy-up (dagre) is its own.
"""

from __future__ import annotations

import math
from typing import Any

from saleor_mautomation.journeys.definition import MAX_NODES, journey_parse, successors
from saleor_mautomation.segments.errors import FieldError

# The key of the entry's position (the entry is drawn above the start; no node is "entry").
ENTRY = "entry"
# Positions beyond this are a mistake, not a canvas: |x| and |y| stay within it.
MAX_COORDINATE = 1_000_000
# Distance between two ranks (top to bottom) and two nodes of one rank, in canvas pixels.
RANK_GAP = 140
NODE_GAP = 260


def draft_node_ids(draft: Any) -> set[str]:
    """The node ids of a draft, which may be incomplete or of the wrong shape while edited."""
    nodes = draft.get("nodes") if isinstance(draft, dict) else None
    return {str(node_id) for node_id in nodes} if isinstance(nodes, dict) else set()


def layout_check(layout: Any, *, node_ids: set[str]) -> list[FieldError]:
    """The problems of ``layout`` for a definition with these nodes (none: it may be saved)."""
    if not isinstance(layout, dict):
        return [FieldError("layout", "an object of node id -> {x, y}")]
    if len(layout) > MAX_NODES + 1:
        return [FieldError("layout", f"at most {MAX_NODES + 1} positions")]
    errors = []
    for node_id, position in layout.items():
        field = f"layout.{str(node_id)[:40]}"
        if node_id != ENTRY and node_id not in node_ids:
            errors.append(FieldError(field, "no such node"))
        elif not (isinstance(position, dict) and set(position) == {"x", "y"}):
            errors.append(FieldError(field, "an object of x and y"))
        elif not all(_coordinate(position[axis]) for axis in ("x", "y")):
            errors.append(FieldError(field, f"x and y are numbers within ±{MAX_COORDINATE}"))
    return errors


def _coordinate(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_COORDINATE
    )


def layout_kept(layout: dict[str, Any], *, node_ids: set[str]) -> dict[str, Any]:
    """The positions of ``layout`` whose node is still there (after the definition changed)."""
    return {key: value for key, value in layout.items() if key == ENTRY or key in node_ids}


def layout_layered(definition: dict[str, Any]) -> dict[str, dict[str, float]]:
    """A tidy top-to-bottom layout: the entry above the start, each node one rank below the
    furthest node leading to it (edges back up a loop left out), below the node that leads to
    it first (a branching node's outputs side by side, in their order), nodes of one rank
    pushed apart. The editor's own tidy-up (dagre) may draw it differently; this one only has
    to be readable and stable."""
    nodes = journey_parse(definition).nodes
    start = str(definition["start"])
    order: list[str] = []  # first visits, depth first, successors in their order
    back: set[tuple[str, str]] = set()
    on_path: set[str] = set()

    def visit(node_id: str) -> None:
        order.append(node_id)
        on_path.add(node_id)
        for target in successors(nodes[node_id]):
            if target in on_path:
                back.add((node_id, target))
            elif target not in order:
                visit(target)
        on_path.discard(node_id)

    visit(start)
    rank = {node_id: 1 for node_id in order}
    for node_id in _topological(order, nodes, back):
        for target in successors(nodes[node_id]):
            if (node_id, target) not in back:
                rank[target] = max(rank[target], rank[node_id] + 1)
    rows: dict[int, list[str]] = {}
    for node_id in order:
        rows.setdefault(rank[node_id], []).append(node_id)
    wanted = {start: 0.0}
    x: dict[str, float] = {}
    for r in sorted(rows):
        # Each node under the parent that placed it first; a rank's nodes then pushed apart.
        row = sorted(rows[r], key=lambda node_id: wanted[node_id])
        for i, node_id in enumerate(row):
            x[node_id] = (
                wanted[node_id] if i == 0 else max(wanted[node_id], x[row[i - 1]] + NODE_GAP)
            )
        for node_id in rows[r]:
            forward = [
                t for t in dict.fromkeys(successors(nodes[node_id])) if (node_id, t) not in back
            ]
            for i, target in enumerate(forward):
                wanted.setdefault(target, x[node_id] + (i - (len(forward) - 1) / 2) * NODE_GAP)
    return {ENTRY: {"x": x[start], "y": 0.0}} | {
        node_id: {"x": x[node_id], "y": float(rank[node_id] * RANK_GAP)} for node_id in order
    }


def _topological(order: list[str], nodes: dict[str, Any], back: set[tuple[str, str]]) -> list[str]:
    """``order``'s nodes so that every forward edge goes from an earlier to a later one."""
    incoming = {node_id: 0 for node_id in order}
    for node_id in order:
        for target in set(successors(nodes[node_id])):
            if (node_id, target) not in back:
                incoming[target] += 1
    ready = [node_id for node_id in order if incoming[node_id] == 0]
    done: list[str] = []
    while ready:
        node_id = ready.pop(0)
        done.append(node_id)
        for target in set(successors(nodes[node_id])):
            if (node_id, target) not in back:
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
    return done
