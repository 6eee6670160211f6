"""Stable record ids derived from content and position (one rule, used by
emit and by the term layer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .model import Block


def paragraph_ids(blocks: Iterable[Block]) -> dict[int, str]:
    """block_id → para_id of every paragraph block: ``{node_id or 'front'}#p{k}``,
    or ``{node}#col{n}#p{k}`` inside a 专栏 (``n`` its position among the
    document's 专栏), ``k`` counting from 1 per key in reading order."""
    per_key: dict[str, int] = defaultdict(int)
    out: dict[int, str] = {}
    for b in blocks:
        if b.kind != "paragraph":
            continue
        key = b.node_id or "front"
        if b.column_key is not None:
            key = f"{key}#col{b.column_key}"
        per_key[key] += 1
        out[b.block_id] = f"{key}#p{per_key[key]}"
    return out


def item_ids(blocks: Iterable[Block]) -> dict[int, str]:
    """block_id → id of every 专栏 entry: ``{node_id or 'front'}#col{n}#i{k}``
    where ``k`` is the entry's ``item_no`` in column_items.parquet."""
    per_col: dict[int | None, int] = defaultdict(int)
    out: dict[int, str] = {}
    for b in blocks:
        if b.kind != "column_item":
            continue
        per_col[b.column_key] += 1
        out[b.block_id] = f"{b.node_id or 'front'}#col{b.column_key}#i{per_col[b.column_key]}"
    return out
