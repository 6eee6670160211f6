"""Term layer: domain dictionary + harvested terms, keywords, tokens, CLI queries.

Runs on the real parse of the seed plan (raw/jianghai-14th.txt)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import ChainMap, Counter
from pathlib import Path

import jieba
import pandas as pd
import pytest
import regex as re
from hypothesis import given, settings
from hypothesis import strategies as hs

from pipeline import cjk
from pipeline.emit import write_outputs
from pipeline.errors import InputError
from pipeline.model import Indicator, Project, TableSet
from pipeline.run import parse
from pipeline.terms import (
    build_terms,
    grep,
    harvest_terms,
    item_ids,
    make_tokenizer,
    paragraph_ids,
    print_terms,
    tokenize,
    tokenizer,
)
from pipeline.terms.keywords import is_keyword_candidate, stopwords
from pipeline.terms.tokenizer import base_prefix_dict, default_tokenizer

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "raw" / "jianghai-14th.txt"


@pytest.fixture(scope="module")
def seed():
    return parse(SEED)


@pytest.fixture(scope="module")
def terms(seed):
    return seed.outputs.rows["keywords.parquet"], seed.outputs.rows["tokens.parquet"]


@pytest.fixture(scope="module")
def quoted_twice() -> set[str]:
    """Quoted terms occurring at least twice as quoted terms in the raw seed
    text — computed straight from the file, independently of the pipeline."""
    flat = cjk.strip_all_space(cjk.normalize_text(SEED.read_text(encoding="utf-8")))
    counts = Counter(re.findall(r"“([^“”]{2,24})”", flat))
    return {t for t, n in counts.items() if n >= 2 and not re.search(r"[，。；：、]", t)}


def _top(keywords: list[dict], node_id: str, n: int = 10) -> list[str]:
    return [r["keyword"] for r in sorted(keywords, key=lambda r: r["rank"]) if r["node_id"] == node_id][:n]


# --------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------


def test_tokenize_keeps_domain_terms_and_drops_whitespace():
    toks = tokenize("全面融入粤港澳大湾区建设，推动 高质量发展 与碳达峰、\n乡村振兴和“专精特新”企业\t培育")
    for term in ("粤港澳大湾区", "高质量发展", "碳达峰", "乡村振兴", "专精特新"):
        assert term in toks
    assert all(t.strip() for t in toks)
    assert tokenize("") == [] and tokenize(" \n\u3000 ") == []
    # artefact spaces between Chinese and digits do not split a term
    assert "工业4.0" in tokenize("打造“工业 4.0”智能制造示范基地")


def test_tokens_reassemble_the_text():
    text = "到2025年，地区生产总值年均增长6%左右，研发经费投入强度达到4.5%。Made in China 2025"
    assert "".join(tokenize(text)) == cjk.strip_all_space(text)


def test_make_tokenizer_extra_terms_are_single_tokens_and_private():
    assert "三区并进" not in tokenize("推进江海版三区并进")   # jieba + domain dictionary split it
    tk = make_tokenizer(["三区并进", "江门高新区（江海区）污水管网一期和二期工程"])
    assert tokenize("推进江海版三区并进", tk)[-1] == "三区并进"
    toks = tokenize("开工建设江门高新区（江海区）污水管网一期和二期工程。", tk)
    assert "江门高新区（江海区）污水管网一期和二期工程" in toks
    # a plan's terms never leak into other tokenizers
    assert "三区并进" not in default_tokenizer().terms
    assert "三区并进" not in make_tokenizer().jieba.FREQ
    assert tk.jieba is not default_tokenizer().jieba


def test_prefix_dictionary_equals_jiebas_own():
    reference = jieba.Tokenizer()
    assert base_prefix_dict() == reference.gen_pfdict(reference.get_dict_file())


@pytest.fixture(scope="module")
def jieba_reference():
    """jieba's own prefix dictionary and total, built by jieba (the slow way)."""
    reference = jieba.Tokenizer()
    return reference.gen_pfdict(reference.get_dict_file())


def test_shipped_dictionary_is_jiebas_installed_one():
    """The trie in pipeline/data/ is current: it loads for the installed
    jieba and equals one built now from jieba's dictionary file."""
    shipped = tokenizer._read_base_dict(tokenizer.DATA_DIR)
    assert shipped is not None
    fresh, _ = tokenizer.build_base_dict(tokenizer._jieba_dict_bytes())
    assert (shipped.total, shipped.maxlen) == (fresh.total, fresh.maxlen)
    assert dict(shipped.trie.items()).keys() == dict(fresh.trie.items()).keys()
    assert all(shipped.freq[shipped.trie[w]] == fresh.freq[i] for w, i in fresh.trie.items())


def test_shipped_domain_state_is_current():
    """The domain dictionary's tokenizer state in pipeline/data/ matches the
    installed jieba and planning_terms.txt (its key) and equals the state
    computed now word by word with jieba's suggest_freq; a tokenizer built
    from it cuts like one built from scratch."""
    base = tokenizer.base_dict()
    shipped = tokenizer._read_domain_state(base)
    assert shipped is not None, "run `make jieba-dict` after changing planning_terms.txt or jieba"
    assert shipped == tokenizer._compute_domain_state(base)
    freq, total, _, phrases, words = shipped
    assert total > base.total and len(words) > 400 and any(freq.values())
    text = "推进粤港澳大湾区建设，实施乡村振兴战略，提高森林覆盖率"
    jt = tokenizer._JiebaTrie(base)
    added: set[str] = set()
    ph: list[str] = []
    tokenizer._add_terms(jt, tokenizer.domain_terms(), ph, added)
    assert tokenizer.make_tokenizer().cut(text) == tokenizer.Tokenizer(jt, ph, added).cut(text)


def _reference_tokenizer(freq: dict, total: int, tok) -> jieba.Tokenizer:
    """A plain jieba.Tokenizer on jieba's own prefix dict with the same added
    words (and frequencies) as ``tok``."""
    ref = jieba.Tokenizer()
    ref.FREQ, ref.total, ref.initialized = ChainMap({}, freq), total, True   # add_word writes to the first map
    for w, f in tok.jieba.FREQ.added.items():
        if f:
            ref.add_word(w, f)
    assert ref.total == tok.jieba.total
    return ref


def test_trie_tokenizer_equals_jieba_on_the_plan(seed, jieba_reference):
    """Same tokens as jieba itself with its own dictionary, on every text
    block of the seed plan, with and without the plan's harvested terms."""
    freq, total = jieba_reference
    texts = [b.text for b in seed.structured.blocks] + [n.title or "" for n in seed.structured.nodes]
    base = tokenizer.base_dict()
    assert total == base.total
    for tok in (make_tokenizer(domain=False), make_tokenizer(harvest_terms(seed.structured, seed.tables))):
        ref = _reference_tokenizer(freq, base.total, tok)
        for t in texts:
            assert list(tok.jieba.cut_hmm(t)) == list(ref.cut(t, HMM=True)), t
            assert list(tok.jieba.cut(t, HMM=False)) == list(ref.cut(t, HMM=False)), t


@settings(max_examples=300, deadline=None, derandomize=True)
@given(hs.text(alphabet="发展新高质量经济区城市江海门产业创新科技一二三十年五规划建设体系湾大港澳粤（）·—、，。%.0123456789abAB ",
               max_size=40), hs.lists(hs.text(alphabet="发展新高质量经济区城市江海门产业创新", min_size=2, max_size=6),
                                       max_size=6))
def test_trie_tokenizer_equals_jieba_on_any_text(jieba_reference, text, extra):
    """DAG, route and tokens equal jieba's for any text and added words
    (words that overlap jieba's, extend them, or repeat them)."""
    tok = make_tokenizer(extra, domain=False)
    ref = _reference_tokenizer(*jieba_reference, tok)
    for blk in jieba.re_han_default.split(text):
        if blk:
            route: dict = {}
            ref.calc(blk, ref.get_DAG(blk), route)
            assert tok.jieba.route(blk) == route
            assert tok.jieba.get_DAG(blk) == ref.get_DAG(blk)
    assert list(tok.jieba.cut_hmm(text)) == list(ref.cut(text, HMM=True))


def test_loading_is_silent_and_writes_nothing(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(0o500)
    tmp.mkdir()
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp), XDG_CACHE_HOME=str(home / ".cache"))
    env.pop("PLAN_PIPELINE_CACHE", None)
    code = "from pipeline.terms import tokenize; print('|'.join(tokenize('构建新发展格局')))"
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert res.stdout.strip() == "构建|新发展格局"
    assert list(tmp.iterdir()) == [] and list(home.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "tmp"]


def test_dictionary_cache_is_used_only_where_configured(tmp_path):
    """A trie built at run time (jieba's dictionary differs from the one the
    shipped trie was built from) is cached in $PLAN_PIPELINE_CACHE and read
    back identically; the home directory is never touched."""
    home = tmp_path / "home"
    home.mkdir(0o500)
    cache = tmp_path / "cache"
    env = dict(os.environ, HOME=str(home), PLAN_PIPELINE_CACHE=str(cache))
    code = ("from pipeline.terms.tokenizer import base_dict; import hashlib; b = base_dict(shipped=False); "
            "print(b.total, len(b.trie), hashlib.sha256(repr(sorted(b.trie.items())[:5000]).encode()).hexdigest(), "
            "sum(b.freq[i] for _, i in b.trie.items()))")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert all(r.returncode == 0 and r.stderr == "" for r in runs), runs
    assert runs[0].stdout == runs[1].stdout
    shipped = tokenizer.base_dict()
    assert runs[0].stdout.split()[:2] == [str(shipped.total), str(len(shipped.trie))]
    assert len(list(cache.glob("jieba-dict-*/jieba-dict.marisa"))) == 1
    assert list(home.iterdir()) == []


# --------------------------------------------------------------------------
# harvested terms
# --------------------------------------------------------------------------


def test_harvest_includes_every_quoted_term_seen_twice(seed, quoted_twice):
    harvested = set(harvest_terms(seed.structured, seed.tables))
    assert {"双区", "侨梦苑", "三区并进", "一区一城两廊六基地", "3+3", "工业4.0"} <= quoted_twice
    assert quoted_twice <= harvested, quoted_twice - harvested
    # a bare number is not a term, a phrase quoted once and never repeated is not harvested
    assert "12345" not in harvested and "拿地即开工" not in harvested


def test_quoted_terms_come_out_as_single_tokens(seed, quoted_twice):
    tk = make_tokenizer(harvest_terms(seed.structured, seed.tables))
    seen: Counter[str] = Counter()
    for b in seed.structured.blocks:
        if b.kind not in ("paragraph", "column_item", "heading"):
            continue
        toks = tokenize(b.text, tk)
        joined = "\x00".join(toks)
        for m in re.finditer(r"“([^“”]+)”", cjk.strip_all_space(b.text)):
            if m.group(1) in quoted_twice:
                assert f"“\x00{m.group(1)}\x00”" in joined, (m.group(1), toks)
                seen[m.group(1)] += 1
    assert set(seen) == quoted_twice


def test_column_lead_terms_and_table_names_are_harvested(seed):
    labels = {b.item_label for b in seed.structured.blocks if b.kind == "column_item" and b.item_label}
    named = {x for x in labels if not x.isdigit()}
    assert {"新材料", "外海街道", "养老服务"} <= named
    ts = TableSet(
        indicators=[Indicator("T1", 1, "经济发展", None, "每万人口高价值发明专利拥有量", "件", "预期性", 10)],
        projects=[Project("T2", 1, 1, "交通", None, None, "江海区碧道建设工程（二期）", None, 2021, 2025,
                          1000, 0, 1000, "万元", 90)])
    harvested = harvest_terms(seed.structured, ts)
    assert named <= set(harvested)
    assert {"每万人口高价值发明专利拥有量", "江海区碧道建设工程（二期）"} <= set(harvested)
    assert not any(t.isdigit() for t in harvested)
    tk = make_tokenizer(harvested)
    assert "江海区碧道建设工程（二期）" in tokenize("推进江海区碧道建设工程（二期）建设", tk)


# --------------------------------------------------------------------------
# keywords
# --------------------------------------------------------------------------


def test_topic_chapters_have_topical_keywords(terms):
    keywords, _ = terms
    innovation = _top(keywords, "C3")
    ecology = _top(keywords, "C12")
    assert {"创新", "人才", "科技", "知识产权"} <= set(innovation), innovation
    assert {"绿色", "污染", "生态"} <= set(ecology), ecology


def test_keyword_rows_are_well_formed(seed, terms):
    keywords, _ = terms
    nodes = {n.node_id: n for n in seed.structured.nodes}
    targets = {n.node_id for n in nodes.values() if n.kind in ("chapter", "section")}
    assert {r["node_id"] for r in keywords} == targets
    stop = stopwords()
    for nid in targets:
        rows = [r for r in keywords if r["node_id"] == nid]
        assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        assert all(r["level"] == nodes[nid].level for r in rows)
        weights = [r["weight"] for r in rows]
        assert weights == sorted(weights, reverse=True) and weights[-1] > 0
    for r in keywords:
        assert r["keyword"] not in stop and is_keyword_candidate(r["keyword"])
        assert not re.fullmatch(r"[\d.%]+", r["keyword"])
    assert not {"推进", "加强", "完善", "发展", "建设", "提升", "推动"} & {r["keyword"] for r in keywords}


def test_keyword_counts_match_the_text(seed, terms):
    keywords, tokens = terms
    nodes = {n.node_id: n for n in seed.structured.nodes}
    tk = make_tokenizer(harvest_terms(seed.structured, seed.tables))

    def under(nid: str | None, root: str) -> bool:
        while nid:
            if nid == root:
                return True
            nid = nodes[nid].parent_id
        return False

    by_para = Counter()
    for t in tokens:
        by_para[(t["node_id"], t["token"])] += 1
    for row in [r for r in keywords if r["node_id"] in ("C3", "C12") and r["rank"] <= 5]:
        body = sum(n for (nid, tok), n in by_para.items() if tok == row["keyword"] and under(nid, row["node_id"]))
        titles = sum(tokenize(n.title, tk).count(row["keyword"]) for n in nodes.values()
                     if under(n.node_id, row["node_id"]))
        col_titles = sum(tokenize(b.text, tk).count(row["keyword"]) for b in seed.structured.blocks
                         if b.kind == "column_title" and under(b.node_id, row["node_id"]))
        assert row["count"] == body + titles + col_titles, row


# --------------------------------------------------------------------------
# tokens
# --------------------------------------------------------------------------


def test_token_rows_follow_emit_paragraph_ids(seed, terms):
    _, tokens = terms
    paras = seed.outputs.rows["paragraphs.parquet"]
    items = seed.outputs.rows["column_items.parquet"]
    emitted = {p["para_id"] for p in paras}
    blocks = seed.structured.blocks
    assert set(paragraph_ids(blocks).values()) == emitted
    iids = item_ids(blocks)
    assert len(iids) == len(items)
    assert {(int(i.split("#col")[1].split("#i")[0]), int(i.rsplit("#i", 1)[1])) for i in iids.values()} == \
        {(r["column_no"], r["item_no"]) for r in items}
    by_pid: dict[str, list[dict]] = {}
    for t in tokens:
        by_pid.setdefault(t["para_id"], []).append(t)
    assert set(by_pid) == emitted | set(iids.values())
    text_of = {p["para_id"]: p["text"] for p in paras}
    text_of.update({iids[b.block_id]: b.text for b in blocks if b.block_id in iids})
    node_of = {p["para_id"]: p["node_id"] for p in paras}
    for pid, rows in by_pid.items():
        assert [r["position"] for r in rows] == list(range(len(rows)))
        assert "".join(r["token"] for r in rows) == cjk.strip_all_space(text_of[pid])
        assert all(r["token"].strip() == r["token"] and r["token"] for r in rows)
        if pid in node_of:
            assert {r["node_id"] for r in rows} == {node_of[pid]}


def test_build_terms_is_deterministic(seed, terms):
    again = build_terms(seed.structured, seed.tables)
    assert again["keywords"] == terms[0]
    assert again["tokens"] == terms[1]


# --------------------------------------------------------------------------
# CLI queries over the written outputs
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def out_dir(seed, tmp_path_factory):
    d = tmp_path_factory.mktemp("out") / seed.plan_id
    write_outputs(d, seed.outputs, seed.extracted.source.sha256)
    return d


def test_print_terms_table(seed, terms, out_dir):
    buf = io.StringIO()
    print_terms(out_dir, top=5, file=buf)
    lines = buf.getvalue().splitlines()
    chapters = [n for n in seed.structured.nodes if n.kind == "chapter"]
    assert len(lines) == 1 + len(chapters)
    row3 = next(line for line in lines if line.startswith("第三章"))
    assert row3.endswith("  ".join(_top(terms[0], "C3", 5)))
    assert "人才" in row3 and "创新" in row3


def test_grep_lists_paragraphs_with_paths(out_dir):
    paras = pd.read_parquet(out_dir / "paragraphs.parquet")
    items = pd.read_parquet(out_dir / "column_items.parquet")
    projs = pd.read_parquet(out_dir / "projects.parquet")
    expected = sum("侨梦苑" in cjk.strip_all_space(t) for t in list(paras.text) + list(items.raw))
    expected += sum("侨梦苑" in cjk.strip_all_space(f"{n}{c}") for n, c in zip(projs.name, projs.content))
    buf = io.StringIO()
    n = grep(out_dir, "侨梦苑", file=buf)
    assert n == expected > 0
    text = buf.getvalue()
    assert "第五章" in text and "第三节 着力做实江门“侨梦苑”核心区" in text
    assert "C5.S3#p1" in text
    assert grep(out_dir, "这个词不存在", file=io.StringIO()) == 0
    with pytest.raises(InputError):
        grep(out_dir.parent / "missing", "侨梦苑", file=io.StringIO())


def test_grep_finds_indicator_and_project_rows(out_dir):
    """Table rows are searched like paragraphs (normalised, whitespace ignored)
    and named by their table and row."""
    from pipeline.terms import find

    hits = find(out_dir, "森林 覆盖率")
    assert [(h.kind, h.ref) for h in hits] == [("indicator", "T1#22"), ("indicator", "T2#18")]
    h = hits[1]
    assert h.where.startswith("T2 ") and "“十四五”" in h.where and h.where.endswith("row 18")
    assert h.text[h.start:h.end] == "森林覆盖率" and "约束性" in h.text
    ind = pd.read_parquet(out_dir / "indicators.parquet").query("table_id == 'T2' and row_no == 18")
    assert ind.name.tolist() == ["森林覆盖率"]
    hits = find(out_dir, "文化体育场馆")
    assert [(h.kind, h.ref) for h in hits] == [("project", "T4#32")] and "project 32" in hits[0].where
    # every indicator and project name is found in its own row
    for name in pd.read_parquet(out_dir / "indicators.parquet").name:
        assert any(h.kind == "indicator" for h in find(out_dir, name)), name


def test_grep_regex(out_dir):
    from pipeline.terms import find

    plain = {h.ref for h in find(out_dir, "侨梦苑")} | {h.ref for h in find(out_dir, "华侨华人")}
    assert {h.ref for h in find(out_dir, "侨梦苑|华侨华人", use_regex=True)} == plain
    amounts = find(out_dir, r"\d+(\.\d+)?亿元", use_regex=True)
    assert len(amounts) > 10 and all(re.search(r"\d+(\.\d+)?亿元", h.text) for h in amounts)
    assert {h.kind for h in amounts} >= {"paragraph", "indicator"}
    with pytest.raises(InputError):
        find(out_dir, "([", use_regex=True)
    with pytest.raises(InputError):
        find(out_dir, "x*", use_regex=True)        # matches everything


def test_output_tokenizer_has_the_plans_terms(seed, out_dir):
    from pipeline.terms import output_terms, output_tokenizer

    harvested = harvest_terms(seed.structured, seed.tables)
    assert set(output_terms(out_dir)) == set(harvested)
    tk = output_tokenizer(out_dir)
    assert tk.terms == make_tokenizer(harvested).terms
    assert tokenize("推进江海版“三区并进”", tk)[-2] == "三区并进"
