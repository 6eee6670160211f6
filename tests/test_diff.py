"""Diff of two plan versions (pipeline.diff): revised versions of the seed
plan built by tests/revisions.py must give exactly their expected changes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import revisions as rv

from pipeline import cli
from pipeline.diff import CHANGES_SCHEMA, diff_pair, diff_plans, load_plan, run_diff, words, write_diff
from pipeline.diff.load import PlanData, parse_to_dir
from pipeline.diff.schema import Change


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory) -> Path:
    return parse_to_dir(rv.SEED, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="session")
def seed(seed_dir) -> PlanData:
    return load_plan(seed_dir)


@pytest.fixture(scope="session")
def revised(tmp_path_factory):
    """name → (parsed dir, expected changes), built once per session."""
    cache: dict[str, tuple[Path, list[rv.Expect]]] = {}
    root = tmp_path_factory.mktemp("revisions")

    def get(name: str) -> tuple[Path, list[rv.Expect]]:
        if name not in cache:
            text, expected = rv.build_all() if name == "all" else rv.build(name)
            src = root / f"jianghai-14th-{name.replace('_', '-')}.txt"
            src.write_text(text, encoding="utf-8")
            cache[name] = (parse_to_dir(src, root / "out"), expected)
        return cache[name]
    return get


def _matches(c: Change, e: rv.Expect) -> bool:
    if (c.level, c.change) != (e.level, e.change):
        return False
    where = f"{c.a_path or ''}\n{c.b_path or ''}"
    if words.key(e.where) not in words.key(where):
        return False
    blob = json.dumps(c.detail, ensure_ascii=False) + (c.a_text or "") + (c.b_text or "")
    return all(h in blob for h in e.has)


def _check(changes: list[Change], expected: list[rv.Expect]) -> None:
    missing = [e for e in expected if not any(_matches(c, e) for c in changes)]
    extra = [(c.level, c.change, c.a_ref, c.b_ref, c.b_path or c.a_path) for c in changes
             if not any(_matches(c, e) for e in expected)]
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"


# --------------------------------------------------------------------------
# acceptance: revised versions of the seed
# --------------------------------------------------------------------------


def test_diff_of_plan_with_itself_is_empty(seed, seed_dir, tmp_path):
    assert diff_plans(seed, seed) == []
    out = run_diff(seed_dir, seed_dir, tmp_path / "self")
    assert pq.read_table(out / "changes.parquet").num_rows == 0
    assert "没有变化" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(rv.REVISIONS) + ["all"])
def test_revision_reports_exactly_the_expected_changes(name, seed, revised):
    out_dir, expected = revised(name)
    _check(diff_plans(seed, load_plan(out_dir)), expected)


def test_reverse_direction_mirrors_changes(seed, revised):
    """B → A reports the mirror image: added ↔ removed, same counts."""
    out_dir, _ = revised("all")
    b = load_plan(out_dir)
    fwd, back = diff_plans(seed, b), diff_plans(b, seed)
    mirror = {"added": "removed", "removed": "added"}
    count = lambda cs, m=None: sorted((c.level, (m or {}).get(c.change, c.change)) for c in cs)  # noqa: E731
    assert count(fwd, mirror) == count(back)


def test_renumbering_alone_is_not_a_change(seed, revised):
    """After a chapter insertion every later chapter has a new number and
    node id, but only the inserted chapter is reported."""
    out_dir, _ = revised("chapter_inserted")
    b = load_plan(out_dir)
    assert {s["node_id"] for s in b.sections} != {s["node_id"] for s in seed.sections}
    changes = diff_plans(seed, b)
    assert [(c.level, c.change, c.b_ref) for c in changes] == [("chapter", "added", "C6")]
    assert "丰富文旅产品供给" in changes[0].b_text     # its sections' text is on the chapter's row


def test_word_level_ops_of_modified_paragraph(seed, revised):
    out_dir, _ = revised("sentences_edited")
    changes = diff_plans(seed, load_plan(out_dir))
    c = next(c for c in changes if "推动数字政府建设" in c.b_path)
    assert [op for op in c.detail["ops"] if op[0] != "="] == [["-", "小屋"], ["+", "驿站"]]
    assert "".join(t for op, t in c.detail["ops"] if op != "+") == c.a_text
    assert "".join(t for op, t in c.detail["ops"] if op != "-") == c.b_text
    assert 0.9 < c.similarity < 1.0


# --------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------


def test_outputs_schema_metadata_and_determinism(seed_dir, revised, tmp_path):
    out_dir, _ = revised("all")
    out = run_diff(seed_dir, out_dir, tmp_path / "d1")
    t = pq.read_table(out / "changes.parquet")
    assert t.schema.remove_metadata() == CHANGES_SCHEMA
    meta = t.schema.metadata
    assert meta[b"plan_a"] == b"jianghai-14th" and meta[b"plan_b"] == b"jianghai-14th-all"
    assert t.column("seq").to_pylist() == list(range(t.num_rows))
    assert set(t.column("level").to_pylist()) <= {"chapter", "section", "paragraph", "column", "indicator",
                                                   "project"}
    for d in t.column("detail").to_pylist():
        json.loads(d)
    again = run_diff(seed_dir, out_dir, tmp_path / "d2")
    for f in ("changes.parquet", "report.html"):
        assert (out / f).read_bytes() == (again / f).read_bytes()
    # rerun into the same directory: replaced atomically, no temp dirs left
    run_diff(seed_dir, out_dir, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d1", "d2"]
    assert (out / "changes.parquet").read_bytes() == (again / "changes.parquet").read_bytes()


def test_failed_write_leaves_previous_output(seed, tmp_path, monkeypatch):
    out = write_diff(tmp_path / "d", seed, seed, [])
    before = (out / "changes.parquet").read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr("pipeline.diff.render_report", boom)
    with pytest.raises(RuntimeError):
        write_diff(tmp_path / "d", seed, seed, [Change("paragraph", "added", b_ref="x")])
    assert (out / "changes.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.attrs: list[tuple[str, str, str | None]] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            self.attrs.append((tag, k, v))
            if k == "id":
                self.ids.add(v)
            if k == "href":
                self.hrefs.append(v)


def test_report_structure(seed_dir, revised, tmp_path):
    out_dir, _ = revised("all")
    html = (run_diff(seed_dir, out_dir, tmp_path / "d") / "report.html").read_text(encoding="utf-8")
    p = _Html()
    p.feed(html)
    # self-contained: inline CSS, no scripts, nothing fetched
    assert p.tags.get("style") == 1 and "script" not in p.tags and "link" not in p.tags
    assert not [a for a in p.attrs if a[1] == "src"]
    assert all(h.startswith("#") for h in p.hrefs) and p.hrefs
    # navigation targets exist; summary, outline, tables and chapter sections present
    assert {h[1:] for h in p.hrefs} <= p.ids
    assert {"summary", "outline", "indicators", "projects"} <= p.ids
    assert p.tags.get("nav") == 1 and p.tags.get("table", 0) >= 3
    # changed words highlighted
    assert "<del>小屋</del><ins>驿站</ins>" in html
    assert "<del>充分释放</del><ins>持续激发</ins>" in html
    assert "推进文旅融合发展" in html and "积极推动消费升级" in html


def test_cli_diff_of_two_input_files(revised, tmp_path):
    text, _ = rv.build("chapter_renamed")
    src = tmp_path / "revised.txt"
    src.write_text(text, encoding="utf-8")
    rc = cli.main(["diff", str(rv.SEED), str(src), "--out", str(tmp_path / "d"), "-q"])
    assert rc == 0
    t = pq.read_table(tmp_path / "d" / "changes.parquet")
    assert t.column("change").to_pylist() == ["renamed"]
    assert t.schema.metadata[b"plan_a"] == b"jianghai-14th" and t.schema.metadata[b"plan_b"] == b"revised"


def test_cli_diff_bad_input_is_one_line(tmp_path, capsys):
    rc = cli.main(["diff", str(tmp_path / "nope"), str(tmp_path / "nope2")])
    assert rc != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope" in err and "Traceback" not in err


def test_dvc_entry_point(seed_dir, tmp_path):
    out = diff_pair(seed_dir, seed_dir, tmp_path)
    assert out == tmp_path / "diffs" / "jianghai-14th__jianghai-14th"
    assert pq.read_table(out / "changes.parquet").num_rows == 0


# --------------------------------------------------------------------------
# word diff
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split():
    return words.make_splitter(["侨梦苑"])


def test_word_ops_keep_domain_terms_whole(split):
    ops = words.word_ops("深度融入粤港澳大湾区建设", "全面融入粤港澳大湾区建设", split)
    assert ops == [["-", "深度"], ["+", "全面"], ["=", "融入粤港澳大湾区建设"]]
    ops = words.word_ops("做实江门“侨梦苑”核心区", "做强江门“侨梦苑”核心区", split)
    assert [o for o in ops if o[0] != "="] == [["-", "做实"], ["+", "做强"]]


def test_word_ops_ignore_whitespace_and_wrapping(split):
    assert words.word_ops("地区生产总值 249.03亿元，\n年均增长 7.4%", "地区生产总值249.03亿元，年均增长7.4%",
                          split) == [["=", "地区生产总值249.03亿元，年均增长7.4%"]]
    assert words.key("经 济\n发展") == words.key("经济发展")


def test_word_ops_fold_short_equal_runs(split):
    """A one-character common token between two changes is folded into one replacement."""
    ops = words.word_ops("加快发展的现代服务业", "稳步推进的智慧物流业", split)
    assert sum(1 for op, _ in ops if op == "-") == 1


# --------------------------------------------------------------------------
# table rows (synthetic plans: the contract columns the tables stage fills)
# --------------------------------------------------------------------------


def _plan(pid, indicators=(), values=(), projects=(), summary=(), tables=()):
    return PlanData(plan_id=pid, sha256=None, sections=[], paragraphs=[], indicators=list(indicators),
                    indicator_values=list(values), projects=list(projects), project_summary=list(summary),
                    tables=list(tables))


def _ind(tid, n, name, unit="%", attribute="预期性", category="经济发展"):
    return {"table_id": tid, "row_no": n, "category": category, "group_label": None, "name": name, "unit": unit,
            "attribute": attribute, "page": 1}


def _val(tid, n, measure, year, raw):
    return {"table_id": tid, "row_no": n, "measure": measure, "year": year, "raw": raw}


def test_indicator_field_changes_keyed_by_table_identity_and_name():
    # A: T1 = 13th table (2015/2020), T2 = 14th table (2020/2025)
    a = _plan("a", [_ind("T1", 1, "地区生产总值增长"), _ind("T2", 1, "地区生产总值增长"),
                    _ind("T2", 2, "森林覆盖率", attribute="约束性"), _ind("T2", 3, "每千人口拥有3岁以下婴幼儿托位数", "位")],
              [_val("T1", 1, "base", 2015, "8"), _val("T1", 1, "target", 2020, "9左右"),
               _val("T2", 1, "base", 2020, "—"), _val("T2", 1, "target", 2025, "7左右"),
               _val("T2", 2, "target", 2025, "4"), _val("T2", 3, "target", 2025, "4")])
    # B: a new table inserted first shifts the ids; the 14th table is now T3
    b = _plan("b", [_ind("T1", 1, "新指标"), _ind("T2", 1, "地区生产总值增长"), _ind("T3", 1, "地区 生产总值增长"),
                    _ind("T3", 2, "森林覆盖率", attribute="预期性"), _ind("T3", 3, "每千人口拥有3岁以下婴幼儿托位数", "个"),
                    _ind("T3", 4, "人均预期寿命", "岁")],
              [_val("T1", 1, "target", 2030, "1"), _val("T2", 1, "base", 2015, "8"),
               _val("T2", 1, "target", 2020, "9左右"), _val("T3", 1, "base", 2020, "—"),
               _val("T3", 1, "target", 2025, "6.5左右"), _val("T3", 2, "target", 2025, "4"),
               _val("T3", 3, "target", 2025, "4"), _val("T3", 4, "target", 2025, "80.7")])
    changes = [c for c in diff_plans(a, b, list) if c.level == "indicator"]
    got = {(c.change, c.a_ref, c.b_ref): c.detail.get("fields") for c in changes}
    assert got == {
        ("modified", "T2#1", "T3#1"): [{"field": "target 2025", "a": "7左右", "b": "6.5左右"}],
        ("modified", "T2#2", "T3#2"): [{"field": "attribute", "a": "约束性", "b": "预期性"}],
        ("modified", "T2#3", "T3#3"): [{"field": "unit", "a": "位", "b": "个"}],
        ("added", None, "T3#4"): None,
        ("added", None, "T1#1"): None,
    }


def _proj(n, name, content, total, before=0, period=None, cat="民生保障领域", start=2020, end=2025):
    return {"table_id": "T4", "project_no": n, "category_no": 10, "category": cat, "subcategory_no": None,
            "subcategory": None, "name": name, "content": content, "start_year": start, "end_year": end,
            "total_investment": total, "invested_before": before,
            "invested_in_period": total - before if period is None else period, "unit": "万元", "page": 9}


def test_project_changes_tolerate_small_renames():
    a = _plan("a", projects=[_proj(1, "医疗卫生建设项目", "建设江门市中心医院新院区", 370000),
                             _proj(2, "养老服务建设项目", "推进居家社区机构相协调的养老服务体系建设", 36000),
                             _proj(3, "高等教育质量提升建设项目", "支持江门幼儿师范专科学校新校区建设", 54500)])
    b = _plan("b", projects=[_proj(1, "医疗卫生设施建设项目", "建设江门市中心医院新院区", 370000),
                             _proj(2, "高标准农田建设项目", "推进高标准农田建设", 20000, cat="农业农村领域"),
                             _proj(3, "养老服务建设项目", "推进居家社区机构相协调的养老服务体系建设", 40000, end=2026)])
    changes = [c for c in diff_plans(a, b, list) if c.level == "project"]
    got = {(c.change, c.a_ref, c.b_ref): [f["field"] for f in c.detail.get("fields", [])] for c in changes}
    assert got == {("renamed", "T4#1", "T4#1"): ["name"],
                   ("modified", "T4#2", "T4#3"): ["end_year", "total_investment", "invested_in_period"],
                   ("added", None, "T4#2"): [],
                   ("removed", "T4#3", None): []}


def test_summary_totals():
    def s(level, name, n, total, period):
        return {"table_id": "T3", "level": level, "category_no": None, "subcategory_no": None, "name": name,
                "n_items": n, "total_investment": total, "invested_before": 0, "invested_in_period": period,
                "page": 1}
    a = _plan("a", summary=[s("total", "合计", 32, 100, 90), s("category", "农业农村领域（1个大项）", 1, 10, 9)])
    b = _plan("b", summary=[s("total", "合计", 32, 110, 99), s("category", "农业农村领域（2个大项）", 2, 20, 18),
                            s("category", "文化旅游领域", 1, 5, 5)])
    changes = [c for c in diff_plans(a, b, list) if c.level == "project"]
    got = {(c.change, c.b_ref or c.a_ref): [f["field"] for f in c.detail.get("fields", [])] for c in changes}
    assert got == {("modified", "T3#total:合计"): ["total_investment", "invested_in_period"],
                   ("modified", "T3#category:农业农村领域"): ["n_items", "total_investment", "invested_in_period"],
                   ("added", "T3#category:文化旅游领域"): []}
    assert all(c.detail["summary"] for c in changes)


@pytest.mark.slow
def test_text_and_pdf_paths_of_the_same_plan_agree(seed, tmp_path):
    """The PDF typesetting of the seed diffs empty against its text, except
    for indicator cells the text cannot place (the gold marks them uncertain:
    the text path has no column geometry, the PDF has)."""
    import csv

    pdf = load_plan(parse_to_dir(rv.SEED.parents[1] / "tests" / "corpus" / "plan-A.pdf", tmp_path))
    uncertain = set()
    for f in ("indicators_13th.csv", "indicators_14th.csv"):
        with open(rv.SEED.parents[1] / "tests" / "gold" / f, encoding="utf-8") as fh:
            uncertain |= {words.key(r["name"]) for r in csv.DictReader(fh) if r.get("uncertain")}
    changes = diff_plans(seed, pdf)
    assert uncertain
    assert [(c.level, c.b_path) for c in changes
            if c.level != "indicator" or words.key(c.b_path.split(" › ")[-1]) not in uncertain] == []
