"""Speed of the term layer on the seed plan (not a test: prints figures).

    .venv/bin/python benchmarks/bench_terms.py [PLAN] [--repeat N]

Reports: loading jieba's dictionary (the shipped trie, memory-mapped), building
that trie from jieba's dictionary file (what happens when the installed jieba
differs), jieba's own prefix dictionary for comparison, building the plan's tokenizer (domain dictionary + harvested terms),
tokenising every text block of the plan, and the whole ``build_terms``
stage (tokenizer + tokens + keywords).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pipeline.run import parse
from pipeline.terms import build_terms, harvest_terms, make_tokenizer, tokenizer

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("plan", nargs="?", default=str(ROOT / "raw" / "jianghai-14th.txt"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    res = parse(args.plan)
    st, ts = res.structured, res.tables
    texts = [b.text for b in st.blocks if b.kind != "furniture"]
    n_chars = sum(len(t) for t in texts)

    t_load, _ = timed(lambda: tokenizer._read_base_dict(tokenizer.DATA_DIR), args.repeat)
    raw = tokenizer._jieba_dict_bytes()
    t_build, _ = timed(lambda: tokenizer.build_base_dict(raw), args.repeat)
    ref = tokenizer.jieba.Tokenizer()
    t_jieba, _ = timed(lambda: ref.gen_pfdict(ref.get_dict_file()), args.repeat)
    terms = harvest_terms(st, ts)
    t_make, tok = timed(lambda: make_tokenizer(terms), args.repeat)
    t_cut, toks = timed(lambda: [tok.cut(t) for t in texts], args.repeat)
    t_stage, out = timed(lambda: build_terms(st, ts, tokenizer=tok), args.repeat)
    t_stage_new, _ = timed(lambda: build_terms(st, ts), args.repeat)

    n_tok = sum(len(x) for x in toks)
    print(f"plan: {Path(args.plan).name}: {len(texts)} text blocks, {n_chars} characters, "
          f"{len(terms)} harvested terms")
    print(f"jieba dictionary: load the shipped trie                 {t_load:7.3f} s")
    print(f"jieba dictionary: build the trie from jieba's file      {t_build:7.3f} s")
    print(f"jieba's own prefix dictionary (gen_pfdict), for scale   {t_jieba:7.3f} s")
    print(f"make_tokenizer (domain + harvested terms)              {t_make:7.3f} s")
    print(f"tokenise the whole plan ({n_tok} tokens)               {t_cut:7.3f} s "
          f"({n_chars / t_cut / 1000:.0f}k chars/s)")
    print(f"build_terms with a ready tokenizer                     {t_stage:7.3f} s "
          f"({len(out['tokens'])} token rows, {len(out['keywords'])} keyword rows)")
    print(f"build_terms incl. harvest + make_tokenizer             {t_stage_new:7.3f} s")


if __name__ == "__main__":
    main()
