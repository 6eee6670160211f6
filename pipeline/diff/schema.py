"""The diff's record (:class:`Change`) and the explicit pyarrow schema of
``changes.parquet``.

Columns (contract: ``level`` … ``detail``; the others are additions,
documented here):

``plan_a``      (added) plan id of version A (also in the file metadata), so
                several diffs read together still say what they compare
``plan_b``      (added) plan id of version B
``level``       ``chapter`` / ``section`` / ``paragraph`` / ``column`` /
                ``indicator`` / ``project``.  Outline nodes above a chapter
                (篇) and annexes report as ``chapter``, deeper headings
                (一、/（一）) as ``section``; ``detail.kind`` keeps the node kind.
                Column items and paragraphs inside a 专栏 report as ``column``.
                Project summary rows (合计, categories) report as ``project``
                with ``detail.summary`` set.
``change``      ``added`` / ``removed`` / ``modified`` / ``moved`` / ``renamed``
``a_ref``       id of the item in version A (``node_id``, ``para_id``,
                ``专栏N``, ``专栏N#k`` for item k, ``table_id#row_no``,
                ``table_id#project_no``, ``table_id#level:name``); null if added
``b_ref``       the same in version B; null if removed
``a_path``      where the item sits in A (outline path, `` › `` separated)
``b_path``      the same in B
``a_text``      text in A (title for renamed nodes, paragraph text, row summary)
``b_text``      text in B
``similarity``  0..1 similarity of the A and B item (null when one side is missing)
``detail``      JSON object: ``ops`` = word-level edit ops ``[["=", text],
                ["-", text], ["+", text]]`` for texts, ``fields`` =
                ``[{"field", "a", "b"}]`` for table rows and renamed/moved
                nodes, plus change-specific keys (``from``/``to`` for moves,
                ``split_from``/``merged_into``, ``kind``)
``chapter``     (added) the chapter the change belongs to, as printed in B
                (``第四章 …``), or in A when the chapter was removed; null for
                table rows (indicators, projects)
``seq``         (added) 0-based row number: document order of B, then
                indicators, then projects
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyarrow as pa

from .. import __version__
from ..model import SCHEMA_VERSION
from ..schemas import dictionary_encode, pandas_metadata

LEVELS = ("chapter", "section", "paragraph", "column", "indicator", "project")
CHANGES = ("added", "removed", "modified", "moved", "renamed")

_CAT = pa.dictionary(pa.int32(), pa.string())

#: Explicit schema of ``changes.parquet``.
CHANGES_SCHEMA = pa.schema([
    pa.field("plan_a", _CAT, nullable=False),
    pa.field("plan_b", _CAT, nullable=False),
    pa.field("level", _CAT, nullable=False),
    pa.field("change", _CAT, nullable=False),
    pa.field("a_ref", pa.string()),
    pa.field("b_ref", pa.string()),
    pa.field("a_path", pa.string()),
    pa.field("b_path", pa.string()),
    pa.field("a_text", pa.string()),
    pa.field("b_text", pa.string()),
    pa.field("similarity", pa.float64()),
    pa.field("detail", pa.string()),
    pa.field("chapter", pa.string()),
    pa.field("seq", pa.int32(), nullable=False),
])


@dataclass(slots=True)
class Change:
    """One reported difference between version A and version B."""

    level: str
    change: str
    a_ref: str | None = None
    b_ref: str | None = None
    a_path: str | None = None
    b_path: str | None = None
    a_text: str | None = None
    b_text: str | None = None
    similarity: float | None = None
    detail: dict = field(default_factory=dict)
    chapter: str | None = None
    #: sort key (document position); not written, ``seq`` is derived from it
    sort_key: tuple = ()
    #: (not written) where ``chapter`` sits in B's reading order (A-only
    #: chapters where they were), and which node it is (``b:<ref>``/``a:<ref>``)
    chapter_pos: float = -1.0
    chapter_node: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown change level {self.level!r}")
        if self.change not in CHANGES:
            raise ValueError(f"unknown change kind {self.change!r}")


def file_metadata(plan_a: str, plan_b: str, sha_a: str | None, sha_b: str | None) -> dict[bytes, bytes]:
    """Footer metadata of ``changes.parquet``: both plan ids, their source
    hashes and the pipeline/schema versions (no timestamps: reruns are
    byte-identical)."""
    return {b"plan_a": plan_a.encode(), b"plan_b": plan_b.encode(),
            b"source_sha256_a": (sha_a or "").encode(), b"source_sha256_b": (sha_b or "").encode(),
            b"pipeline_version": __version__.encode(), b"schema_version": SCHEMA_VERSION.encode()}


def to_table(changes: list[Change], metadata: dict[bytes, bytes]) -> pa.Table:
    """Changes (already in final order) → a Table of :data:`CHANGES_SCHEMA`
    (``plan_a``/``plan_b`` from the ``metadata`` of :func:`file_metadata`)."""
    cols: dict[str, pa.Array] = {}
    for f in CHANGES_SCHEMA:
        if f.name in ("plan_a", "plan_b"):
            vals = [metadata[f.name.encode()].decode()] * len(changes)
        elif f.name == "seq":
            vals = list(range(len(changes)))
        elif f.name == "detail":
            vals = [json.dumps(c.detail, ensure_ascii=False, sort_keys=True) for c in changes]
        elif f.name == "similarity":
            vals = [None if c.similarity is None else round(float(c.similarity), 4) for c in changes]
        else:
            vals = [getattr(c, f.name) for c in changes]
        if pa.types.is_dictionary(f.type):
            cols[f.name] = dictionary_encode(vals, f.type)   # without pyarrow.compute (0.07 s to import)
        else:
            cols[f.name] = pa.array(vals, type=f.type)
    return pa.table(cols, schema=CHANGES_SCHEMA).replace_schema_metadata(
        {**metadata, b"pandas": pandas_metadata(CHANGES_SCHEMA)})
