"""docs/schema.md documents every column of every contract file, and the
contract's required columns are present with the documented types; the
files are friendly to every reader (no SQL keywords as column names, pandas
reads nullable integers as integers)."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import ROOT

from pipeline import schemas

#: the contract's required columns (DESIGN.md), with the schema 2.0 names of
#: those that were SQL keywords: order → seq, group → group_label, check → rule
REQUIRED = {
    "sections.parquet": ["node_id", "parent_id", "kind", "number", "label", "title", "level", "seq",
                         "page_start", "page_end"],
    "paragraphs.parquet": ["para_id", "node_id", "column_no", "seq", "text", "page_start", "page_end"],
    "columns.parquet": ["column_no", "title", "node_id", "kind", "page_start", "text"],
    "column_items.parquet": ["column_no", "item_no", "label", "text"],
    "indicators.parquet": ["table_id", "row_no", "category", "group_label", "name", "unit", "attribute", "page"],
    "indicator_values.parquet": ["table_id", "row_no", "measure", "year", "raw", "value", "qualifier",
                                 "is_cumulative"],
    "projects.parquet": ["project_no", "category_no", "category", "subcategory_no", "subcategory", "name",
                         "content", "start_year", "end_year", "total_investment", "invested_before",
                         "invested_in_period", "unit"],
    "project_summary.parquet": ["level", "category_no", "subcategory_no", "name", "n_items", "total_investment",
                                "invested_before", "invested_in_period"],
    "tables.parquet": ["table_id", "page", "row", "col", "text", "row_span", "col_span", "is_header"],
    "validation.parquet": ["rule", "severity", "table_id", "location", "message", "expected", "actual", "source"],
    "keywords.parquet": ["node_id", "keyword", "weight"],
}


def test_required_columns_present(seed_text):
    _, d = seed_text
    for name, cols in REQUIRED.items():
        schema = pq.read_schema(d / name)
        assert "plan_id" in schema.names
        missing = [c for c in cols if c not in schema.names]
        assert not missing, (name, missing)
        assert schema.equals(schemas.CONTRACT[name], check_metadata=False), name


def test_schema_doc_covers_every_column():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"## `([\w.]+)`\n(.*?)(?=\n## `|\Z)", doc, flags=re.S))
    for name, schema in schemas.CONTRACT.items():
        assert name in sections, name
        for f in schema:
            assert re.search(rf"\| `{f.name}` \| [^|]+ \| \S", sections[name]), (name, f.name)


def test_schema_doc_covers_diff_changes():
    from pipeline.diff import CHANGES_SCHEMA

    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    part = doc.split("changes.parquet`", 1)[1]
    for f in CHANGES_SCHEMA:
        assert re.search(rf"\| `{f.name}` \| [^|]+ \| \S", part), f.name


def test_no_column_is_a_reserved_sql_word():
    """DuckDB's own list of reserved words: none is a column name, so
    queries need no quoting (``order``, ``group``, ``check`` were)."""
    import duckdb

    from pipeline.diff import CHANGES_SCHEMA

    reserved = {r[0] for r in duckdb.sql("select keyword_name from duckdb_keywords() "
                                         "where keyword_category = 'reserved'").fetchall()}
    assert reserved == schemas.SQL_RESERVED
    names = {f.name for s in [*schemas.CONTRACT.values(), CHANGES_SCHEMA] for f in s}
    assert not names & reserved, names & reserved


def test_unquoted_duckdb_queries_work(seed_text):
    import duckdb

    _, d = seed_text
    rows = duckdb.sql(f"select seq, label, title from '{d}/sections.parquet' order by seq limit 1").fetchall()
    assert rows[0][0] == 0
    groups = duckdb.sql(f"select group_label, count(*) from '{d}/indicators.parquet' where group_label is not null "
                        "group by group_label order by group_label").fetchall()
    assert ("森林发展", 2) in groups
    rules = duckdb.sql(f"select rule, source, count(*) from '{d}/validation.parquet' group by all order by all")
    assert ("row_identity", "document", 10) in rules.fetchall()


def test_pandas_reads_nullable_integers_as_integers(seed_text):
    """``year`` is null for growth measures; pandas still reads 2025, not 2025.0."""
    import pandas as pd

    _, d = seed_text
    vals = pd.read_parquet(d / "indicator_values.parquet")
    assert vals["year"].isna().any() and str(vals["year"].dtype) == "Int32"
    assert 2025 in set(vals["year"].dropna())
    assert str(vals.query("year == 2025")["year"].iloc[0]) == "2025"      # not "2025.0"
    projs = pd.read_parquet(d / "projects.parquet")
    assert str(projs["total_investment"].dtype) == "Int64" and str(projs["start_year"].dtype) == "Int32"
    paras = pd.read_parquet(d / "paragraphs.parquet")
    assert str(paras["column_no"].dtype) == "Int32" and paras["column_no"].isna().any()
    # every integer and boolean column of every file, by the schema
    for name, schema in schemas.CONTRACT.items():
        df = pd.read_parquet(d / name)
        for f in schema:
            if f.type in (schemas.I32, pa.int64()):
                assert str(df[f.name].dtype) in ("Int32", "Int64"), (name, f.name, df[f.name].dtype)
            elif f.type == schemas.BOOL:
                assert str(df[f.name].dtype) == "boolean", (name, f.name)


def test_output_file_names_match_the_contract():
    """outdir names the contract's files without importing pyarrow; the
    names are those of schemas.CONTRACT, in the same order."""
    from pipeline import outdir

    assert outdir.CONTRACT_FILES == tuple(schemas.CONTRACT)
    assert outdir.plan_files() == frozenset(schemas.CONTRACT) | {"document.json"}
