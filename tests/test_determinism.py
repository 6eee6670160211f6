"""Same input → byte-identical outputs (what makes DVC's cache work)."""

from __future__ import annotations

import hashlib

from conftest import SEED_TXT, parse_to


def _hashes(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def test_text_parse_twice_identical(tmp_path):
    _, d1 = parse_to(SEED_TXT, tmp_path / "one", "jianghai-14th")
    _, d2 = parse_to(SEED_TXT, tmp_path / "two", "jianghai-14th")
    h1, h2 = _hashes(d1), _hashes(d2)
    assert h1 == h2
    assert "document.json" in h1 and "sections.parquet" in h1


def test_parquet_metadata(tmp_path):
    import pyarrow.parquet as pq

    res, d = parse_to(SEED_TXT, tmp_path, "jianghai-14th")
    md = pq.read_schema(d / "paragraphs.parquet").metadata
    assert md[b"plan_id"] == b"jianghai-14th"
    assert md[b"source_sha256"].decode() == hashlib.sha256(SEED_TXT.read_bytes()).hexdigest()
    assert b"pipeline_version" in md and b"schema_version" in md
