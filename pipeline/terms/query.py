"""Term queries over a parsed plan's outputs (``python -m pipeline terms|grep``).

Both read only the contract files of ``output/<plan_id>/`` (sections,
paragraphs, 专栏 entries, indicator and project rows, keywords), never the
interim files.  The plan argument is resolved like every command's
(:func:`pipeline.contract.resolve_plan_dir`).  Everything they print goes
through :func:`_emit`, which makes it terminal-safe
(:func:`pipeline.cjk.terminal_safe`): a document cannot send escape
sequences to the terminal.  An unreadable (truncated) contract file is a
:class:`~pipeline.errors.DamagedOutput`.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd
import regex

from .. import cjk
from ..contract import resolve_plan_dir
from ..errors import DamagedOutput, InputError
from .harvest import combine_terms
from .tokenizer import Tokenizer, make_tokenizer

#: characters of context shown either side of a grep hit
CONTEXT = 24


def _emit(text: str, file: TextIO, *, safe: bool = False) -> None:
    """Print one line of query output (every line printed here goes through
    this), control characters escaped — unless the caller made the line
    ``safe`` itself (a snippet with this module's own highlighting)."""
    print(text if safe else cjk.terminal_safe(text), file=file)


def _read(output_dir: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    path = resolve_plan_dir(output_dir) / name
    if not path.is_file():
        raise InputError(f"not a complete parsed plan directory (no {name})", str(output_dir))
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
    secs = _read(output_dir, "sections.parquet", ["node_id", "kind", "label", "title", "level", "seq"])
    kws = _read(output_dir, "keywords.parquet", ["node_id", "rank", "keyword"])
    targets = secs[secs.kind == "chapter"]
    if targets.empty:
        targets = secs[secs.level == secs.level.min()] if not secs.empty else secs
    kws = kws[kws["rank"] <= top].sort_values(["node_id", "rank"])
    by_node = kws.groupby("node_id")["keyword"].apply(list).to_dict()
    out = targets.sort_values("seq")[["node_id", "label", "title"]].copy()
    out["keywords"] = [by_node.get(n, []) for n in out.node_id]
    return out.reset_index(drop=True)


def print_terms(output_dir: str | Path, top: int = 8, file: TextIO | None = None) -> None:
    """Print a chapter × keyword table: one line per chapter, its ``top``
    keywords ranked by TF-IDF weight."""
    file = file or sys.stdout
    table = chapter_keywords(output_dir, top)
    head_w = 30
    _emit(_pad("chapter", head_w) + "  " + "  ".join(f"#{k}" for k in range(1, top + 1)), file)
    for r in table.itertuples(index=False):
        head = f"{r.label or ''} {r.title or ''}".strip()
        _emit(_pad(head, head_w) + "  " + "  ".join(r.keywords), file)


@dataclass(slots=True)
class Hit:
    """One record matching a grep pattern."""

    ref: str          # para_id, ``<node>#col<n>#i<k>``, ``<table_id>#<row_no>`` (indicator), ``<table_id>#<project_no>``
    kind: str         # paragraph / column_item / indicator / project
    where: str        # outline path, or the table title › category › row name
    text: str         # the record's text, whitespace removed (what was searched)
    start: int        # first match in ``text``
    end: int
    count: int        # matches in the record

    def as_dict(self) -> dict:
        return asdict(self)


def _flat(text: str | None) -> str:
    """The searchable form of a text — the same for paragraphs, 专栏 entries
    and table rows: pipeline normalisation (:func:`pipeline.cjk.normalize_text`),
    every whitespace character removed (hard wraps and extraction spaces are
    not part of the words)."""
    return cjk.strip_all_space(cjk.normalize_text(text or ""))


def _records(output_dir: str | Path) -> list[tuple[str, str, str, str]]:
    """(ref, kind, where, text) of every searchable record, in reading
    order: paragraphs and 专栏 entries, then indicator rows, then projects."""
    secs = _read(output_dir, "sections.parquet", ["node_id", "path"])
    path_of = dict(zip(secs.node_id, secs.path))
    paras = _read(output_dir, "paragraphs.parquet", ["para_id", "node_id", "column_no", "seq", "text"])
    items = _read(output_dir, "column_items.parquet", ["column_no", "item_no", "raw"])
    cols = _read(output_dir, "columns.parquet", ["column_no", "node_id", "label"])
    col_node = dict(zip(cols.column_no, cols.node_id))
    col_label = dict(zip(cols.column_no, cols.label))

    out: list[tuple[str, str, str, str]] = []
    for r in paras.sort_values("seq").itertuples(index=False):
        where = path_of.get(r.node_id, "") if pd.notna(r.node_id) else "(front matter)"
        if pd.notna(r.column_no):
            where += f" › {col_label.get(r.column_no) or '专栏'}"
        out.append((r.para_id, "paragraph", where, r.text or ""))
    for r in items.sort_values(["column_no", "item_no"]).itertuples(index=False):
        node = col_node.get(r.column_no)
        where = (path_of.get(node, "") if pd.notna(node) else "(front matter)") + \
            f" › {col_label.get(r.column_no) or '专栏'}"
        out.append((f"{node if pd.notna(node) else 'front'}#col{r.column_no}#i{r.item_no}", "column_item", where,
                    r.raw or ""))
    out += _table_records(output_dir)
    return out


def _table_records(output_dir: str | Path) -> list[tuple[str, str, str, str]]:
    """Indicator rows (name, unit, values as printed, attribute) and project
    rows (name, content, years, amounts), each named by its table and row."""
    cells = _read(output_dir, "tables.parquet", ["table_id", "title"]).drop_duplicates("table_id")
    title = {t: (x if isinstance(x, str) and x else t) for t, x in zip(cells.table_id, cells.title)}
    inds = _read(output_dir, "indicators.parquet",
                 ["table_id", "row_no", "category", "group_label", "name", "unit", "attribute"])
    vals = _read(output_dir, "indicator_values.parquet", ["table_id", "row_no", "measure", "year", "raw"])
    printed: dict[tuple, list[str]] = {}
    for v in vals.itertuples(index=False):
        if isinstance(v.raw, str) and v.raw:
            printed.setdefault((v.table_id, v.row_no), []).append(v.raw)
    out = []
    for r in inds.sort_values(["table_id", "row_no"], key=_table_order).itertuples(index=False):
        unit = f"（{r.unit}）" if isinstance(r.unit, str) and r.unit else ""
        text = "｜".join([f"{r.name}{unit}", *printed.get((r.table_id, r.row_no), []),
                         *([r.attribute] if isinstance(r.attribute, str) else [])])
        where = " › ".join(x for x in (f"{r.table_id} {title.get(r.table_id, '')}".strip(), r.category,
                                       r.group_label, f"row {r.row_no}") if isinstance(x, str) and x)
        out.append((f"{r.table_id}#{r.row_no}", "indicator", where, text))
    projs = _read(output_dir, "projects.parquet",
                  ["table_id", "project_no", "category", "subcategory", "name", "content", "start_year", "end_year"])
    for r in projs.sort_values(["table_id", "project_no"], key=_table_order).itertuples(index=False):
        years = f"{r.start_year}—{r.end_year}" if pd.notna(r.start_year) and pd.notna(r.end_year) else ""
        text = "｜".join(x for x in (r.name, r.content, years) if isinstance(x, str) and x)
        where = " › ".join(x for x in (f"{r.table_id} {title.get(r.table_id, '')}".strip(), r.category,
                                       r.subcategory, f"project {r.project_no}") if isinstance(x, str) and x)
        out.append((f"{r.table_id}#{r.project_no}", "project", where, text))
    return out


def _table_order(col: pd.Series) -> pd.Series:
    """Sort key: table ids by their number (T2 before T10), other columns as they are."""
    if col.name == "table_id":
        return col.map(lambda t: (len(str(t)), str(t)))
    return col


def find(output_dir: str | Path, pattern: str, *, use_regex: bool = False) -> list[Hit]:
    """Records of a parsed plan matching ``pattern``: a term (whitespace in
    it ignored) or, with ``use_regex``, a regular expression (the ``regex``
    module's syntax), searched in each record's whitespace-free text —
    paragraphs, 专栏 entries, indicator rows and project rows."""
    if use_regex:
        try:
            rx = regex.compile(cjk.normalize_text(pattern))
        except regex.error as exc:
            raise InputError(f"invalid regular expression {pattern!r}: {exc}") from None
        if rx.search("") is not None:
            raise InputError(f"the regular expression {pattern!r} matches the empty string")
    else:
        needle = _flat(pattern)
        if not needle:
            raise InputError("empty search term")
        rx = regex.compile(regex.escape(needle))
    hits = []
    for ref, kind, where, text in _records(output_dir):
        flat = _flat(text)
        ms = list(rx.finditer(flat))
        if ms:
            hits.append(Hit(ref, kind, where, flat, ms[0].start(), ms[0].end(), len(ms)))
    return hits


def _snippet(text: str, start: int, end: int, mark: bool) -> str:
    a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    safe = cjk.terminal_safe
    hit = safe(text[start:end])
    hit = f"\x1b[1;31m{hit}\x1b[0m" if mark else f"[{hit}]"
    return ("…" if a else "") + safe(text[a:start]) + hit + safe(text[end:b]) + ("…" if b < len(text) else "")


def grep(output_dir: str | Path, term: str, file: TextIO | None = None, *, use_regex: bool = False) -> int:
    """List the paragraphs, 专栏 entries, indicator rows and project rows
    matching ``term`` (see :func:`find`) with where they are (outline path,
    or table › category › row) and a snippet; returns how many records."""
    file = file or sys.stdout
    hits = find(output_dir, term, use_regex=use_regex)
    print_hits(hits, file)
    _emit(grep_summary(hits, term), sys.stderr if file is sys.stdout else file)
    return len(hits)


def print_hits(hits: list[Hit], file: TextIO | None = None) -> None:
    """Two lines per hit: ref and where; the snippet (the match in bold red
    on a terminal, in [brackets] otherwise)."""
    file = file or sys.stdout
    mark = file.isatty() if hasattr(file, "isatty") else False
    for h in hits:
        _emit(f"{cjk.terminal_safe(h.ref)}\t{cjk.terminal_safe(h.where)}", file, safe=True)
        _emit(f"    {_snippet(h.text, h.start, h.end, mark)}" + (f"  (×{h.count})" if h.count > 1 else ""), file,
              safe=True)


def grep_summary(hits: list[Hit], term: str) -> str:
    """``3 records (2 paragraphs, 1 indicator), 4 occurrences of 森林覆盖率``."""
    n, occ = len(hits), sum(h.count for h in hits)
    kinds: dict[str, int] = {}
    for h in hits:
        kinds[h.kind] = kinds.get(h.kind, 0) + 1
    names = {"paragraph": "paragraph", "column_item": "专栏 entry", "indicator": "indicator row",
             "project": "project row"}
    by = ", ".join(f"{k} {names[kind]}{'s' if k != 1 and kind != 'column_item' else ''}"
                   for kind, k in kinds.items())
    return (f"{n} record{'s' if n != 1 else ''}{f' ({by})' if by else ''}, "
            f"{occ} occurrence{'s' if occ != 1 else ''} of {term}")


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
