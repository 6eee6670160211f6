"""Explicit pyarrow schemas of the output contract (``output/<plan_id>/``).

Numbers are int32, missing values are nulls (never 0), values are float64,
low-cardinality text columns (kinds, measures, attributes, categories) are
dictionary-encoded.  Every file carries ``plan_id`` and file-level metadata
(plan_id, source sha256, pipeline and schema versions).  ``docs/schema.md``
documents each column with an example row.

Readers' conveniences, part of the contract:

* no column is named after a reserved SQL keyword (DuckDB's ``order``,
  ``group``, ``check`` …), so queries need no quoting — :data:`SQL_RESERVED`
  is checked by the tests;
* the files carry pandas metadata naming pandas' nullable extension types
  for integer and boolean columns (``Int32``, ``Int64``, ``boolean``), so
  ``pd.read_parquet`` reads ``year`` as ``2025`` / ``<NA>``, not ``2025.0``
  / ``NaN`` (DuckDB, Polars and pyarrow ignore it).
"""

from __future__ import annotations

import datetime
import json
import sys
from contextlib import contextmanager

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
    ("title", STR), ("level", I32), ("seq", I32), ("page_start", I32), ("page_end", I32),
    ("path", STR), ("text", STR),
)
PARAGRAPHS = _s(
    ("para_id", STR), ("node_id", STR), ("column_no", I32), ("seq", I32), ("text", STR),
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
    ("kind", CAT), ("node_id", STR), ("column_no", I32), ("table_id", STR), ("seq", I32),
    ("text", STR), ("page", I32),
)
TABLES = _s(
    ("table_id", STR), ("page", I32), ("row", I32), ("col", I32), ("text", STR),
    ("row_span", I32), ("col_span", I32), ("is_header", BOOL), ("kind", CAT), ("title", STR),
    ("ocr", BOOL),
)
INDICATORS = _s(
    ("table_id", STR), ("row_no", I32), ("category_no", I32), ("category", CAT), ("group_label", STR),
    ("name", STR), ("unit", CAT), ("attribute", CAT), ("page", I32),
)
INDICATOR_VALUES = _s(
    ("table_id", STR), ("row_no", I32), ("measure", CAT), ("year", I32), ("raw", STR),
    ("value", F64), ("qualifier", CAT), ("is_cumulative", BOOL), ("merged_with", STR),
    ("value_max", F64),
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
    ("rule", CAT), ("severity", CAT), ("table_id", STR), ("location", STR), ("message", STR),
    ("expected", STR), ("actual", STR), ("source", CAT),
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

DATE = pa.date32()
#: The plan's metadata as the document states it (pipeline/metadata.py): one row.
PLAN = _s(
    ("title", STR), ("title_source", CAT), ("government", STR), ("government_source", CAT),
    ("level", CAT), ("level_source", CAT), ("kind", CAT), ("kind_source", CAT),
    ("period_start", I32), ("period_end", I32), ("period_source", CAT),
    ("horizon_year", I32), ("horizon_source", CAT),
    ("adopted_on", DATE), ("adopted_by", STR), ("adopted_source", CAT),
    ("issued_on", DATE), ("issued_source", CAT), ("issuer", STR), ("issuer_source", CAT),
    ("doc_number", STR), ("doc_number_source", CAT),
    ("source_name", STR), ("source_sha256", STR), ("source_kind", CAT),
    ("document_no", I32), ("n_documents", I32), ("page_start", I32), ("page_end", I32),
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
    "plan.parquet": PLAN,
}


#: Reserved words of DuckDB's SQL dialect (``duckdb_keywords()``, category
#: ``reserved``) that a column name must not be.
SQL_RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
default deferrable desc describe distinct do else end except false fetch for foreign from group having
in initially intersect into lambda lateral leading limit not null offset on only or order pivot pivot_longer
pivot_wider placing primary qualify references returning select show some summarize symmetric table then to
trailing true union unique unpivot using variadic when where window with
""".split())

_PANDAS_TYPE = {pa.int32(): ("int32", "Int32"), pa.int64(): ("int64", "Int64"), pa.bool_(): ("bool", "boolean")}


def pandas_metadata(schema: pa.Schema) -> bytes:
    """The ``pandas`` footer key for ``schema``: integer and boolean columns
    as pandas' nullable extension types, so pandas keeps them integers when
    a column has nulls.  Only those columns are listed (pyarrow converts the
    others by their Arrow type); no pandas version is recorded, so the bytes
    depend on the schema alone (deterministic outputs)."""
    cols = [{"name": f.name, "field_name": f.name, "pandas_type": _PANDAS_TYPE[f.type][0],
             "numpy_type": _PANDAS_TYPE[f.type][1], "metadata": None}
            for f in schema if f.type in _PANDAS_TYPE]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": cols,
                       "creator": {"library": "plan-pipeline"}}, sort_keys=True).encode()


def file_metadata(plan_id: str, sha256: str, pipeline_version: str, plan: dict | None = None) -> dict[bytes, bytes]:
    """Key/value metadata stored in every Parquet file's footer; ``plan``
    (the plan.parquet row) is stored as JSON under ``plan``."""
    meta = {b"plan_id": plan_id.encode(), b"source_sha256": sha256.encode(),
            b"pipeline_version": pipeline_version.encode(), b"schema_version": SCHEMA_VERSION.encode()}
    if plan:
        meta[b"plan"] = json.dumps(plan, ensure_ascii=False, sort_keys=True, default=str).encode()
    return meta


class _NoPandas:
    """A meta-path finder that makes ``import pandas`` fail (see below)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"{name} is not imported while tables are built", name=name)
        return None


@contextmanager
def _pandas_not_probed():
    """Keep ``pa.array`` from importing pandas (0.2 s) just to ask whether a
    Python list is a pandas object: while pandas is not imported yet, its
    import fails fast inside this block, so pyarrow records "no pandas" and
    converts the list as the sequence it is.  pyarrow imports pandas again
    as soon as something really needs it (``Table.to_pandas``)."""
    if "pandas" in sys.modules:
        yield
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def dictionary_encode(vals: list, type_: pa.DictionaryType) -> pa.DictionaryArray:
    """What ``pa.array(vals, pa.string()).dictionary_encode()`` gives (the
    dictionary in order of first occurrence, None as a null index), built
    here: ``dictionary_encode`` imports ``pyarrow.compute`` (≈0.1 s)."""
    codes: dict = {}
    indices = [None if v is None else codes.setdefault(v, len(codes)) for v in vals]
    return pa.DictionaryArray.from_arrays(pa.array(indices, type=type_.index_type),
                                          pa.array(list(codes), type=type_.value_type))


def build_table(schema: pa.Schema, rows: list[dict], plan_id: str, metadata: dict[bytes, bytes]) -> pa.Table:
    """Rows (dicts keyed by column name, without plan_id) → a Table of ``schema``,
    one column at a time (each column is one ``pa.array`` over a list)."""
    n = len(rows)
    cols = []
    with _pandas_not_probed():
        for f in schema:
            name = f.name
            vals = [plan_id] * n if name == "plan_id" else [r.get(name) for r in rows]
            if pa.types.is_dictionary(f.type):
                col = dictionary_encode(vals, f.type)
            else:
                if f.type == DATE:
                    vals = [datetime.date.fromisoformat(v) if isinstance(v, str) else v for v in vals]
                col = pa.array(vals, type=f.type)
            cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema).replace_schema_metadata(
        {**metadata, b"pandas": pandas_metadata(schema)})
