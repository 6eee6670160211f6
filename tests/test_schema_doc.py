"""docs/schema.md documents every column of every contract file, and the
contract's required columns are present with the documented types."""

from __future__ import annotations

import re

import pyarrow.parquet as pq
from conftest import ROOT

from pipeline import schemas

REQUIRED = {
    "sections.parquet": ["node_id", "parent_id", "kind", "number", "label", "title", "level", "order",
                         "page_start", "page_end"],
    "paragraphs.parquet": ["para_id", "node_id", "column_no", "order", "text", "page_start", "page_end"],
    "columns.parquet": ["column_no", "title", "node_id", "kind", "page_start", "text"],
    "column_items.parquet": ["column_no", "item_no", "label", "text"],
    "indicators.parquet": ["table_id", "row_no", "category", "group", "name", "unit", "attribute", "page"],
    "indicator_values.parquet": ["table_id", "row_no", "measure", "year", "raw", "value", "qualifier",
                                 "is_cumulative"],
    "projects.parquet": ["project_no", "category_no", "category", "subcategory_no", "subcategory", "name",
                         "content", "start_year", "end_year", "total_investment", "invested_before",
                         "invested_in_period", "unit"],
    "project_summary.parquet": ["level", "category_no", "subcategory_no", "name", "n_items", "total_investment",
                                "invested_before", "invested_in_period"],
    "tables.parquet": ["table_id", "page", "row", "col", "text", "row_span", "col_span", "is_header"],
    "validation.parquet": ["check", "severity", "table_id", "location", "message", "expected", "actual"],
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
