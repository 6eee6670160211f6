"""Term queries over a parsed plan's outputs (``python -m pipeline terms|grep``).

Both read only the contract files of ``output/<plan_id>/`` (sections,
paragraphs, 专栏 entries, keywords), never the interim files.  Everything
they print that comes from a document passes :func:`pipeline.cjk.terminal_safe`:
a document cannot send escape sequences to the terminal.  An unreadable
(truncated) contract file is a :class:`~pipeline.errors.DamagedOutput`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from .. import cjk
from ..errors import DamagedOutput, InputError
from .harvest import combine_terms
from .tokenizer import Tokenizer, make_tokenizer

#: characters of context shown either side of a grep hit
CONTEXT = 24


def _read(output_dir: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    path = Path(output_dir) / name
    if not path.is_file():
        raise InputError(f"not a parsed plan directory (no {name})", str(output_dir))
    try:
        df = pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, KeyError) as exc:      # pyarrow: truncated, not Parquet, columns missing
        raise DamagedOutput(f"{name} cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                            str(output_dir)) from None
    for c in df.columns:          # dictionary-encoded columns → plain strings
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(object)
    return df


def _pad(text: str, width: int) -> str:
    """``text`` truncated (with …) and padded with spaces to a display width
    (CJK characters count 1, ASCII ½ — :func:`pipeline.cjk.char_width`)."""
    if cjk.display_width(text) > width:
        while text and cjk.display_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * round((width - cjk.display_width(text)) * 2)


def chapter_keywords(output_dir: str | Path, top: int = 8) -> pd.DataFrame:
    """One row per chapter (or, in a plan without 章, per top-level node):
    ``node_id``, ``label``, ``title``, ``keywords`` (list, best first)."""
    secs = _read(output_dir, "sections.parquet", ["node_id", "kind", "label", "title", "level", "order"])
    kws = _read(output_dir, "keywords.parquet", ["node_id", "rank", "keyword"])
    targets = secs[secs.kind == "chapter"]
    if targets.empty:
        targets = secs[secs.level == secs.level.min()] if not secs.empty else secs
    kws = kws[kws["rank"] <= top].sort_values(["node_id", "rank"])
    by_node = kws.groupby("node_id")["keyword"].apply(list).to_dict()
    out = targets.sort_values("order")[["node_id", "label", "title"]].copy()
    out["keywords"] = [by_node.get(n, []) for n in out.node_id]
    return out.reset_index(drop=True)


def print_terms(output_dir: str | Path, top: int = 8, file: TextIO | None = None) -> None:
    """Print a chapter × keyword table: one line per chapter, its ``top``
    keywords ranked by TF-IDF weight."""
    file = file or sys.stdout
    table = chapter_keywords(output_dir, top)
    head_w = 30
    safe = cjk.terminal_safe
    print(_pad("chapter", head_w) + "  " + "  ".join(f"#{k}" for k in range(1, top + 1)), file=file)
    for r in table.itertuples(index=False):
        head = safe(f"{r.label or ''} {r.title or ''}".strip())
        print(_pad(head, head_w) + "  " + "  ".join(safe(k) for k in r.keywords), file=file)


def _snippet(text: str, start: int, end: int, mark: bool) -> str:
    a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    safe = cjk.terminal_safe
    hit = safe(text[start:end])
    hit = f"\x1b[1;31m{hit}\x1b[0m" if mark else f"[{hit}]"
    return ("…" if a else "") + safe(text[a:start]) + hit + safe(text[end:b]) + ("…" if b < len(text) else "")


def grep(output_dir: str | Path, term: str, file: TextIO | None = None) -> int:
    """List the paragraphs and 专栏 entries mentioning ``term`` (whitespace
    ignored) with their outline path and a snippet; returns how many."""
    file = file or sys.stdout
    needle = cjk.strip_all_space(cjk.normalize_text(term))
    if not needle:
        raise InputError("empty search term")
    secs = _read(output_dir, "sections.parquet", ["node_id", "path"])
    path_of = dict(zip(secs.node_id, secs.path))
    paras = _read(output_dir, "paragraphs.parquet", ["para_id", "node_id", "column_no", "order", "text"])
    items = _read(output_dir, "column_items.parquet", ["column_no", "item_no", "raw"])
    cols = _read(output_dir, "columns.parquet", ["column_no", "node_id", "label"])
    col_node = dict(zip(cols.column_no, cols.node_id))
    col_label = dict(zip(cols.column_no, cols.label))

    hits: list[tuple[str, str, str]] = []   # (ref, path, text)
    for r in paras.sort_values("order").itertuples(index=False):
        where = path_of.get(r.node_id, "") if r.node_id else "(front matter)"
        if pd.notna(r.column_no):
            where += f" › {col_label.get(r.column_no) or '专栏'}"
        hits.append((r.para_id, where, r.text or ""))
    for r in items.sort_values(["column_no", "item_no"]).itertuples(index=False):
        node = col_node.get(r.column_no)
        where = (path_of.get(node, "") if node else "(front matter)") + f" › {col_label.get(r.column_no) or '专栏'}"
        hits.append((f"{node or 'front'}#col{r.column_no}#i{r.item_no}", where, r.raw or ""))

    mark = file.isatty() if hasattr(file, "isatty") else False
    n = n_occ = 0
    for ref, where, text in hits:
        flat = cjk.strip_all_space(text)
        k = flat.count(needle)
        if not k:
            continue
        n += 1
        n_occ += k
        i = flat.find(needle)
        print(f"{cjk.terminal_safe(str(ref))}\t{cjk.terminal_safe(where)}", file=file)
        print(f"    {_snippet(flat, i, i + len(needle), mark)}" + (f"  (×{k})" if k > 1 else ""), file=file)
    print(f"{n} paragraph{'s' if n != 1 else ''}, {n_occ} occurrence{'s' if n_occ != 1 else ''} of "
          f"{cjk.terminal_safe(term)}",
          file=sys.stderr if file is sys.stdout else file)
    return n


def output_terms(output_dir: str | Path, min_count: int = 2) -> list[str]:
    """The plan-specific terms of a parsed plan, harvested from its output
    files (the same rules as :func:`pipeline.terms.harvest.harvest_terms`
    on the stage records: quoted terms, 专栏 lead terms, indicator and
    project names) — for consumers of output dirs such as the diff."""
    d = Path(output_dir)
    texts: list[str] = []
    for name, col in (("sections.parquet", "title"), ("paragraphs.parquet", "text"),
                      ("columns.parquet", "title"), ("column_items.parquet", "raw"),
                      ("notes.parquet", "text"), ("tables.parquet", "text")):
        texts += [cjk.strip_all_space(cjk.normalize_text(t)) for t in _read(d, name, [col])[col] if t]
    labels = list(_read(d, "column_items.parquet", ["label"])["label"])
    names = list(_read(d, "indicators.parquet", ["name"])["name"]) + list(_read(d, "projects.parquet", ["name"])["name"])
    return combine_terms(texts, labels, names, min_count)


def output_tokenizer(*output_dirs: str | Path) -> Tokenizer:
    """A tokenizer that keeps the terms of every given parsed plan whole
    (e.g. both versions of a plan for a word-level diff)."""
    terms: dict[str, None] = {}
    for d in output_dirs:
        terms.update(dict.fromkeys(output_terms(d)))
    return make_tokenizer(terms)
