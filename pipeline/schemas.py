"""Explicit pyarrow schemas of the output contract (``output/<plan_id>/``).

Numbers are int32, missing values are nulls (never 0), values are float64,
low-cardinality text columns (kinds, measures, attributes, categories) are
dictionary-encoded.  Every file carries ``plan_id`` and file-level metadata
(plan_id, source sha256, pipeline and schema versions).  ``docs/schema.md``
documents each column with an example row.
"""

from __future__ import annotations

import pyarrow as pa

from .model import SCHEMA_VERSION

I32 = pa.int32()
F64 = pa.float64()
STR = pa.string()
BOOL = pa.bool_()
CAT = pa.dictionary(pa.int32(), pa.string())


def _s(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field("plan_id", CAT, nullable=False)] + [pa.field(n, t) for n, t in fields])


SECTIONS = _s(
    ("node_id", STR), ("parent_id", STR), ("kind", CAT), ("number", I32), ("label", STR),
    ("title", STR), ("level", I32), ("order", I32), ("page_start", I32), ("page_end", I32),
    ("path", STR), ("text", STR),
)
PARAGRAPHS = _s(
    ("para_id", STR), ("node_id", STR), ("column_no", I32), ("order", I32), ("text", STR),
    ("page_start", I32), ("page_end", I32), ("n_chars", I32), ("ocr", BOOL),
)
COLUMNS = _s(
    ("column_no", I32), ("title", STR), ("node_id", STR), ("kind", CAT), ("page_start", I32),
    ("page_end", I32), ("text", STR), ("label", STR), ("n_items", I32), ("table_id", STR),
)
COLUMN_ITEMS = _s(
    ("column_no", I32), ("item_no", I32), ("label", STR), ("text", STR), ("raw", STR),
    ("page_start", I32), ("page_end", I32), ("ocr", BOOL),
)
NOTES = _s(
    ("kind", CAT), ("node_id", STR), ("column_no", I32), ("table_id", STR), ("order", I32),
    ("text", STR), ("page", I32),
)
TABLES = _s(
    ("table_id", STR), ("page", I32), ("row", I32), ("col", I32), ("text", STR),
    ("row_span", I32), ("col_span", I32), ("is_header", BOOL), ("kind", CAT), ("title", STR),
    ("ocr", BOOL),
)
INDICATORS = _s(
    ("table_id", STR), ("row_no", I32), ("category_no", I32), ("category", CAT), ("group", STR),
    ("name", STR), ("unit", CAT), ("attribute", CAT), ("page", I32),
)
INDICATOR_VALUES = _s(
    ("table_id", STR), ("row_no", I32), ("measure", CAT), ("year", I32), ("raw", STR),
    ("value", F64), ("qualifier", CAT), ("is_cumulative", BOOL), ("merged_with", STR),
)
PROJECTS = _s(
    ("table_id", STR), ("project_no", I32), ("category_no", I32), ("category", CAT),
    ("subcategory_no", I32), ("subcategory", CAT), ("name", STR), ("content", STR),
    ("start_year", I32), ("end_year", I32), ("total_investment", pa.int64()),
    ("invested_before", pa.int64()), ("invested_in_period", pa.int64()), ("unit", CAT), ("page", I32),
)
PROJECT_SUMMARY = _s(
    ("table_id", STR), ("level", CAT), ("category_no", I32), ("subcategory_no", I32), ("name", STR),
    ("n_items", I32), ("total_investment", pa.int64()), ("invested_before", pa.int64()),
    ("invested_in_period", pa.int64()), ("page", I32),
)
VALIDATION = _s(
    ("check", CAT), ("severity", CAT), ("table_id", STR), ("location", STR), ("message", STR),
    ("expected", STR), ("actual", STR),
)
IMAGES = _s(
    ("page", I32), ("image_no", I32), ("x0", F64), ("top", F64), ("x1", F64), ("bottom", F64),
    ("width", F64), ("height", F64), ("kind", CAT), ("status", CAT), ("reason", STR),
    ("n_lines", I32), ("n_chars", I32), ("confidence", F64), ("region", I32),
)
KEYWORDS = _s(
    ("node_id", STR), ("level", I32), ("rank", I32), ("keyword", STR), ("weight", F64), ("count", I32),
)
TOKENS = _s(
    ("node_id", STR), ("para_id", STR), ("position", I32), ("token", STR),
)

#: file name → schema, in the order files are written.
CONTRACT: dict[str, pa.Schema] = {
    "sections.parquet": SECTIONS,
    "paragraphs.parquet": PARAGRAPHS,
    "columns.parquet": COLUMNS,
    "column_items.parquet": COLUMN_ITEMS,
    "notes.parquet": NOTES,
    "tables.parquet": TABLES,
    "indicators.parquet": INDICATORS,
    "indicator_values.parquet": INDICATOR_VALUES,
    "projects.parquet": PROJECTS,
    "project_summary.parquet": PROJECT_SUMMARY,
    "validation.parquet": VALIDATION,
    "images.parquet": IMAGES,
    "keywords.parquet": KEYWORDS,
    "tokens.parquet": TOKENS,
}


def file_metadata(plan_id: str, sha256: str, pipeline_version: str) -> dict[bytes, bytes]:
    """Key/value metadata stored in every Parquet file's footer."""
    return {b"plan_id": plan_id.encode(), b"source_sha256": sha256.encode(),
            b"pipeline_version": pipeline_version.encode(), b"schema_version": SCHEMA_VERSION.encode()}


def build_table(schema: pa.Schema, rows: list[dict], plan_id: str, metadata: dict[bytes, bytes]) -> pa.Table:
    """Rows (dicts keyed by column name, without plan_id) → a Table of ``schema``."""
    cols = {}
    for f in schema:
        if f.name == "plan_id":
            vals = [plan_id] * len(rows)
        else:
            vals = [r.get(f.name) for r in rows]
        if pa.types.is_dictionary(f.type):
            cols[f.name] = pa.array(vals, type=pa.string()).dictionary_encode()
            if cols[f.name].type != f.type:
                cols[f.name] = cols[f.name].cast(f.type)
        else:
            cols[f.name] = pa.array(vals, type=f.type)
    return pa.table(cols, schema=schema).replace_schema_metadata(metadata)
