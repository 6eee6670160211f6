"""Issue 16 (5): volumes holding several plans — a PDF concatenating
documents, a text collection — are split at their document boundaries and
each document parsed as a plan of its own; a single plan is never split."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, ROOT, SEED_TXT

from pipeline import volumes
from pipeline.corpus import build_corpus, dataset
from pipeline.extract import extract
from pipeline.run import parse_documents

pytestmark = pytest.mark.slow

REAL = CORPUS / "real"
PLAN_A = CORPUS / "plan-A-plain.pdf"


def _outline(res) -> list[tuple[str, str | None, str]]:
    return [(n.kind, n.label, n.title) for n in res.structured.nodes]


@pytest.fixture(scope="module")
def plan_a_single():
    [res] = parse_documents(PLAN_A, "plan-a", jobs=2)
    return res


@pytest.fixture(scope="module")
def plan_a_x4(tmp_path_factory):
    import pikepdf  # qpdf as a library: `qpdf --empty --pages A A A A -- out.pdf`

    d = tmp_path_factory.mktemp("vol")
    vol = d / "plan-A-x4.pdf"
    with pikepdf.new() as pdf:
        sources = [pikepdf.open(PLAN_A) for _ in range(4)]
        for src in sources:
            pdf.pages.extend(src.pages)
        pdf.save(vol)
        for src in sources:
            src.close()
    out = d / "out"
    r = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(vol), "--out", str(out), "--jobs", "2"],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return vol, out


def test_plan_a_four_times_is_four_plans_of_17_chapters_and_63_sections(plan_a_x4, plan_a_single):
    _, out = plan_a_x4
    # the default plan id keeps a non-.txt extension (x.pdf → x-pdf; issue 15)
    assert sorted(p.name for p in out.iterdir()) == [f"plan-A-x4-pdf-{k}" for k in (1, 2, 3, 4)]
    single = _outline(plan_a_single)
    n_pages = max(n.page_end for n in plan_a_single.structured.nodes)
    for k in (1, 2, 3, 4):
        d = out / f"plan-A-x4-pdf-{k}"
        rows = pq.read_table(d / "sections.parquet").to_pylist()
        kinds = Counter(r["kind"] for r in rows)
        assert kinds["chapter"] == 17 and kinds["section"] == 63, (k, kinds)
        assert [(r["kind"], r["label"], r["title"]) for r in rows] == single
        # pages are the volume's pages: document k holds pages 114(k-1)+1 …
        plan = pq.read_table(d / "plan.parquet").to_pylist()[0]
        assert (plan["document_no"], plan["n_documents"]) == (k, 4)
        assert plan["page_start"] == 114 * (k - 1) + 1 and plan["page_end"] <= 114 * k
        assert plan["government"] == "江门高新区（江海区）" and plan["period_start"] == 2021
        assert max(r["page_end"] for r in rows) <= 114 * k and n_pages <= 114
        found = pq.read_table(d / "validation.parquet").to_pylist()
        assert sum(f["rule"] == "document_boundary" for f in found) == 3
        assert not [f for f in found if f["rule"] == "conservation"]


def test_a_text_collection_of_three_plans(tmp_path, seed_text):
    res_seed, _ = seed_text
    parts = [REAL / "national-9th-fyp-1996.txt", SEED_TXT, CORPUS / "national" / "11th-2006.txt"]
    vol = tmp_path / "collection.txt"
    vol.write_bytes(b"\n".join(p.read_bytes() for p in parts))
    results = parse_documents(vol, "collection")
    assert [r.plan_id for r in results] == ["collection-1", "collection-2", "collection-3"]
    meta = [(r.outputs.plan["government"], r.outputs.plan["period_start"], r.outputs.plan["period_end"])
            for r in results]
    assert meta == [("中华人民共和国", 1996, 2000), ("江门高新区（江海区）", 2021, 2025), ("中华人民共和国", 2006, 2010)]
    # each document parses as it does on its own
    assert _outline(results[1]) == _outline(res_seed)
    for r, p in zip(results, parts):
        [alone] = parse_documents(p, "alone")
        assert _outline(r) == _outline(alone), p.name
        assert [b.text for b in r.structured.blocks if b.kind == "paragraph"] == \
            [b.text for b in alone.structured.blocks if b.kind == "paragraph"], p.name


def test_no_single_plan_is_split():
    """The typeset PDFs of the seed (the corpus test covers the other plans)."""
    for f in (CORPUS / "plan-A.pdf", PLAN_A):
        ex = extract(f, jobs=2)
        bounds, findings = volumes.find_boundaries(ex)
        assert bounds == [] and findings == [], (f.name, bounds, findings)


def test_a_restart_without_a_cue_is_reported_not_folded(tmp_path):
    """Two runs of 一、 with no title, notice or table of contents between
    them: a finding names the restart (a 第一章 restart would be split)."""
    body = "　　{n}、{t}\n　　这是一段正文，说明{t}的主要任务和工作要求。\n　　继续推进相关工作，确保各项目标落实到位。\n"
    names = ["总体要求", "主要任务", "保障措施"]
    text = "".join(body.format(n=n, t=t) for n, t in zip("一二三", names)) + \
        "".join(body.format(n=n, t=t) for n, t in zip("一二", names))
    f = tmp_path / "restart.txt"
    f.write_text(text, encoding="utf-8")
    [res] = parse_documents(f, "restart")
    found = [x for x in res.findings if x.check == "numbering_restart"]
    assert len(found) == 1 and found[0].severity == "warning" and "一、" in found[0].message
    # strong numbering restarting with no cue is a new document
    chapters = "第{n}章 {t}\n这是一段正文，说明{t}的主要任务和工作要求。\n"
    text = "".join(chapters.format(n=n, t=t) for n, t in zip("一二三", names)) + \
        "".join(chapters.format(n=n, t=t) for n, t in zip("一二", names))
    f.write_text(text, encoding="utf-8")
    results = parse_documents(f, "restart")
    assert [len(r.structured.nodes) for r in results] == [3, 2]
    assert results[1].findings[0].check == "document_boundary"


def test_a_volume_in_the_corpus_is_committed_whole(tmp_path):
    """A collection in a corpus folder gives one plan per document; a run
    killed between two of them parses the file again."""
    plans = tmp_path / "plans"
    plans.mkdir()
    seed = SEED_TXT.read_bytes()
    (plans / "two.txt").write_bytes(seed + b"\n" + seed.replace("7左右".encode(), "6左右".encode()))
    out = tmp_path / "dataset"
    s = build_corpus(plans, out, jobs=1)
    assert [x.plan_ids for x in s.parsed] == [["two-1", "two-2"]]
    got = duckdb.sql(f"select plan_id, value from '{out}/panel.parquet' where indicator_key = 'gdp_growth' "
                     "and measure = 'target' and year = 2025 order by 1").fetchall()
    assert got == [("two-1", 7.0), ("two-2", 6.0)]
    assert build_corpus(plans, out, jobs=1).parsed == []
    dataset.remove_plan(out, "two-2")              # as if killed before the second commit
    s = build_corpus(plans, out, jobs=1)
    assert [x.plan_ids for x in s.parsed] == [["two-1", "two-2"]]
