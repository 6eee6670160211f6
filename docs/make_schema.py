"""Regenerate docs/schema.md from pipeline/schemas.py, the column
descriptions below and example rows of a parsed plan.

    .venv/bin/python -m pipeline parse raw/jianghai-14th.txt --out /tmp/o
    .venv/bin/python docs/make_schema.py /tmp/o/jianghai-14th > docs/schema.md

tests/test_schema_doc.py checks that every column of every contract file is
documented here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline import schemas  # noqa: E402

FILES = {
    "sections.parquet": ("one row per outline node (篇/章/节/一、/（一）/1./（1）/附件)", {
        "node_id": "stable id built from the numbering path: `C3` 第三章, `C3.S2` its 第二节, `…a1` 一、, `…b1` （一）, `…c1` 1., `…d1` （1）, `…e1` ①, `P1` 第一篇 (chapters under it: `P1.C1`), `A1` 附件",
        "parent_id": "node_id of the parent node (null at the top level)",
        "kind": "`part` (篇/编/部分, or a 一、 level set above the chapters) / `chapter` / `section` / `heading` (一、 （一） 1. （1） ①) / `annex` (附件/附表/附录) / `preface` (序言/前言/引言/导言) / `glossary` (名词解释)",
        "number": "the number as an integer (第十二章 → 12; null for 附件 without a number)",
        "label": "the numbering as printed, normalised (`第三章`, `一、`, `（一）`, `1.`)",
        "title": "the title without the label (spaces between two ideographs kept as printed)",
        "level": "depth in the outline, 1 = top",
        "seq": "reading order of the nodes (0-based; `order` before schema 2.0)",
        "page_start": "page of the heading (physical PDF page; text input: page marks)",
        "page_end": "last page with content of the node or its descendants",
        "path": "titles of the node and its ancestors joined with ` › `",
        "text": "the heading line as printed (for the nothing-lost check)",
    }),
    "paragraphs.parquet": ("one row per paragraph, hard-wrapped lines joined", {
        "para_id": "`<node_id>#p<k>` (k-th paragraph of the node; `front#p1` before the first heading; `<node_id>#col<k>#p<j>` inside a text 专栏)",
        "node_id": "innermost outline node (null for front matter such as the preamble)",
        "column_no": "专栏 number when the paragraph is inside a box of kind `text`, else null",
        "seq": "global reading order (0-based; `order` before schema 2.0)",
        "text": "paragraph text (NFC; no spaces between Chinese and Latin/digits; hard-wrapped lines joined with no space). In sentence-per-line text that lost its full stops (no `。` at line ends), the sentence boundaries are kept as `\\n` between the sentences: two sentences are never glued together. Text typed spaced out (`2 0 0 5 年`, ` , `, straight quotes, `- -`) is repaired to `2005年`, `，`, `“ ”`, `——`",
        "page_start": "first page", "page_end": "last page (paragraphs rejoined across page breaks)",
        "n_chars": "non-whitespace characters",
        "ocr": "true when (some of) its text was read by OCR from a picture (a scanned page, a 专栏 set as an image): check such text against the page",
    }),
    "columns.parquet": ("one row per 专栏 (boxed sidebar)", {
        "column_no": "number as printed (`专栏 3` → 3)", "title": "title without `专栏 N`",
        "node_id": "outline node the box belongs to (where its title sits, also when its body floated away)",
        "kind": "`table` (the box holds a table: see `table_id`), `list` (entries in column_items), `text`",
        "page_start": "page of the title", "page_end": "last page of the box",
        "text": "entries (or paragraphs) joined with newlines",
        "label": "`专栏N` as printed", "n_items": "number of entries in column_items.parquet",
        "table_id": "table inside the box (tables.parquet / indicators.parquet), else null",
    }),
    "column_items.parquet": ("one row per entry of a list 专栏", {
        "column_no": "box number", "item_no": "1-based position in the box",
        "label": "lead term (`高端机电装备制造`) or entry number (`1`)",
        "text": "entry text without the label; sub-lines of an entry joined with `\\n`",
        "raw": "the entry as printed, label included", "page_start": "first page", "page_end": "last page",
        "ocr": "true when the entry was read by OCR from a picture",
    }),
    "notes.parquet": ("every other piece of text: table notes, figure captions, table titles and unit lines, page furniture, the title page", {
        "kind": "`note` (注：…), `caption` (figure), `table_title`, `table_unit` (投资单位：万元), `page_number`/`header`/`footer` (page furniture; in text input found by repetition across form-feed or page-mark pages), `toc` (table-of-contents lines), `title` (the plan's title); front and back matter: `header` (also a source header above the text: a web page title, a newspaper archive line), `notice` (the issuing 印发通知: title, addressees, text, issuer, date), `cover` (other lines of the title block: issuing bodies, dates, an adoption note), `colophon` (the 版记 at the end: …印发, 抄送, 校对); Markdown input: `front_matter` (one row per line of the `---` block), `quote` (a `>` quotation outside a 专栏), `rule` (horizontal rule), `code` (fenced code lines)",
        "node_id": "outline node it sits in", "column_no": "box it belongs to, if any",
        "table_id": "table it annotates, if any", "seq": "reading order among all blocks (`order` before schema 2.0)",
        "text": "text as printed (notes keep their `注：`/`1.` prefixes)", "page": "page",
    }),
    "tables.parquet": ("one row per cell of every table found", {
        "table_id": "`T1`, `T2`, … in reading order", "page": "page of the cell",
        "row": "0-based row in the rebuilt grid (tables broken over pages are one grid). Negative rows keep text that is not part of the grid so nothing is lost: row `-1-r` is a repeated copy of header row `r` printed again on a continuation page (filter `row >= 0` for the grid); row `-1000` holds text no cell could take (with a warning in validation.parquet)",
        "col": "0-based column", "text": "cell text (wrapped lines joined)",
        "row_span": "rows the cell spans (merged category labels)", "col_span": "columns it spans (merged values)",
        "is_header": "header cell", "kind": "`indicator`, `project`, `project_summary` or `other`",
        "title": "table title (the 专栏 title or the caption)",
        "ocr": "true when the cell's text was read by OCR from a picture (a scanned page, a table set as an image)",
    }),
    "indicators.parquet": ("one row per indicator of a 主要指标 table", {
        "table_id": "table", "row_no": "indicator number as printed",
        "category_no": "number of the category row (一、经济发展 → 1)", "category": "category name (`经济发展`)",
        "group_label": "merged row label grouping several indicators (`森林发展`), else null (`group` before schema 2.0)",
        "name": "indicator name without its unit", "unit": "unit from the name's parentheses or the group label (`%`, `亿元`, `吨`)",
        "attribute": "`预期性` (expected) or `约束性` (binding)", "page": "page of the row",
    }),
    "indicator_values.parquet": ("one row per indicator × measure", {
        "table_id": "table", "row_no": "indicator number",
        "measure": "`base`, `target`, `target_growth`, `actual`, `actual_growth`",
        "year": "year from the header (2015, 2020, 2025); null for growth measures",
        "raw": "cell text as printed (`7左右`, `[0.7]`, `完成市下达任务`, `—`)",
        "value": "the number (float) or null for `—`, empty and non-numeric cells; for a range (`3-5`, `40—45`) its lower end",
        "qualifier": "`左右`, `以内`, `以上`, `≥`, `>`, `预计`, `约`, or a target in words (`完成市下达任务`, `新增一批`, `与经济增长同步`) …, else null",
        "is_cumulative": "true for [bracketed] values (cumulative over the period)",
        "merged_with": "when one printed cell spans two measures (`完成市下达任务` over target and growth): on the measure holding the text, the other measure; on the covered measure (whose `raw` is null), the measure holding the text",
        "value_max": "upper end of a printed range (`3-5` → value 3, value_max 5; `40—45%` → 40, 45), else null",
    }),
    "projects.parquet": ("one row per major project (重大建设项目)", {
        "table_id": "table", "project_no": "project number as printed",
        "category_no": "一 → 1", "category": "领域 without `（N个大项）`",
        "subcategory_no": "（一） → 1, null when the category has none", "subcategory": "subcategory name",
        "name": "project (项目类别) name", "content": "建设内容与规模, wrapped lines joined",
        "start_year": "start of 建设起止年限", "end_year": "end of 建设起止年限",
        "total_investment": "项目总投资 (integer, in `unit`)", "invested_before": "invested before the period (到2020年底累计完成投资)",
        "invested_in_period": "investment in the plan period (“十四五”期间投资)", "unit": "`万元` from 投资单位：万元",
        "page": "page of the row",
    }),
    "project_summary.parquet": ("one row per total / category / subcategory row of the project tables", {
        "table_id": "table", "level": "`total`, `category`, `subcategory`",
        "category_no": "category number", "subcategory_no": "subcategory number", "name": "name as printed (`合计` for the total)",
        "n_items": "`N个大项` as printed (null where not printed)", "total_investment": "项目总投资",
        "invested_before": "到2020年底累计完成投资", "invested_in_period": "“十四五”期间投资", "page": "page of the row",
    }),
    "validation.parquet": ("one row per finding", {
        "rule": "the check that found it (`check` before schema 2.0): `row_identity` (total − before ≠ in-period), `sum_mismatch` (parent ≠ sum of children), `summary_mismatch`, `missing_attribute`, `missing_unit`, `unparsed_cell` (also amounts beyond 10^15, integers beyond their column), `table_*`, `conservation` (input text not in any record), `unread_image` (an image that may hold text was not read: OCR not installed or `--ocr never`; a warning naming the page and the image's size; `--strict` fails on it), `extraction` (what extraction could not read: pages skipped, damaged streams, unmapped glyphs, control characters removed) …",
        "severity": "`error`, `warning` or `info`", "table_id": "table concerned (null for document-level checks)",
        "location": "row or page concerned", "message": "human-readable description",
        "expected": "expected value (as text)", "actual": "printed value (as text)",
        "source": "`document`: an inconsistency of the plan itself, read correctly (its amounts do not add up; reported once even when the row is printed in two tables: `location` then names the other table); `extraction`: a doubt of the parser about its own reading (one mapping from rule to source: `pipeline.model.FINDING_SOURCE`)",
    }),
    "images.parquet": ("one row per image drawn on a PDF page, and what became of it (empty for text input)", {
        "page": "page", "image_no": "1-based on its page, in drawing order",
        "x0": "left edge (points, the page's reading frame)", "top": "top edge", "x1": "right edge", "bottom": "bottom edge",
        "width": "width in points", "height": "height in points",
        "kind": "`scan` (covers most of the page: a scanned page) or `picture`",
        "status": "`ocr` (its text was read by OCR), `no_text` (holds no text: blank, photo, drawing, or OCR found none), `text_layer` (the page's text layer already covers it), `not_read` (may hold text that was not read: a warning in validation.parquet), `small` (too small for a line of text)",
        "reason": "why, in words", "n_lines": "OCR: lines read from it", "n_chars": "OCR: non-whitespace characters read",
        "confidence": "OCR: mean confidence of its lines (0-1)",
        "region": "id of the box or table region made from it (a picture of a 专栏 or a table), else null",
    }),
    "keywords.parquet": ("one row per outline node × keyword (chapters and sections)", {
        "node_id": "part, chapter or section (each kind is its own TF-IDF collection)", "level": "node level", "rank": "1 = strongest keyword",
        "keyword": "term (jieba with the domain dictionary and the plan's own quoted terms)",
        "weight": "TF-IDF weight against the plan's other nodes", "count": "occurrences in the node",
    }),
    "tokens.parquet": ("one row per token occurrence in a paragraph (for search and counting)", {
        "node_id": "outline node", "para_id": "paragraph id as in paragraphs.parquet, or `<node_id>#col<n>#i<k>` for the k-th entry of a 专栏 (item_no in column_items.parquet)", "position": "token index in the paragraph",
        "token": "the token",
    }),
    "plan.parquet": ("one row: what the plan says about itself (pipeline/metadata.py), read from its title, cover, issuing notice and preamble; every field is null unless the document states it, and `<field>_source` says where it was read (`title`, `cover`, `notice`, `preamble`). The same row is in `document.json` (`plan`) and, as JSON, in every Parquet file's footer (key `plan`)", {
        "title": "the plan's title as printed (spaces removed), from its title page, cover, notice or its preamble naming itself (`制定《…纲要》（以下简称…）`)",
        "title_source": "where the title was read", "government": "issuing government (`江门高新区（江海区）`, `中华人民共和国`, `湖北省`), or the issuing organ of a ministry's plan (`国家文物局`)",
        "government_source": "where it was read", "level": "`national`, `provincial`, `city` (prefecture level), `county-district` (区/县/旗), `township` (镇/乡/街道), `ministry` (an organ of the central government) — from the government's name by the rules in pipeline/data/governments.tsv",
        "level_source": "source of the government it was derived from", "kind": "`五年规划纲要` (a government's 国民经济和社会发展 five-year plan or 计划), `专项规划` (any other 规划), `计划` (行动计划, 实施计划 …)",
        "kind_source": "where it was read", "period_start": "first year (十四五 → 2021; an explicit `2021-2025年` wins)", "period_end": "last year",
        "period_source": "where it was read", "horizon_year": "long-range horizon (`2035年远景目标` → 2035)", "horizon_source": "where it was read",
        "adopted_on": "date of adoption (`2001年2月16日…会议通过`)", "adopted_by": "the body that adopted it (`云南省第九届人民代表大会第四次会议`)",
        "adopted_source": "where it was read", "issued_on": "date the issuing notice was signed", "issued_source": "where it was read",
        "issuer": "issuing organs as printed on the cover or notice, joined with `、`", "issuer_source": "where they were read",
        "doc_number": "文号 (`国发〔2021〕4号`)", "doc_number_source": "where it was read",
        "source_name": "input file name", "source_sha256": "sha256 of the input file", "source_kind": "`text` or `pdf`",
        "document_no": "1-based number of the plan in its file (a volume holding several plans gives `<plan_id>-1`, `-2`, …)",
        "n_documents": "plans in the file", "page_start": "first page of the plan in the file", "page_end": "last page",
    }),
}

CORPUS = """## The corpus dataset (`plan corpus DIR --out DATASET`)

One hive-partitioned Parquet dataset for a folder of plans: `DATASET/<table>/plan_id=<id>/part-0.parquet`
for every contract table above (`sections`, `paragraphs`, …, `tokens`, written by pyarrow's dataset
writer; the `plan_id` column is the partition key, URI-encoded in the directory name), `plan` (the
plan.parquet row plus `source_path`, the file's path relative to DIR, and `code`, the fingerprint of the
pipeline code that parsed it), `documents/plan_id=<id>/document.json`, and:

### `panel.parquet`

One row per (plan, indicator, measure) of every indicator table in the corpus (cells printed as `—` left
out). Columns: `plan_id`, `government`, `level`, `kind`, `period_start`, `period_end`, `title` (from
plan), `indicator_key` (the name normalised across plans by pipeline/data/indicator_synonyms.tsv:
`地区生产总值增长（%）`, `GDP年均增长`, `地区生产总值年均增长率` → `gdp_growth`; null when no pattern
matches), `indicator` (name as printed), `category`, `measure` (`base` / `target` / `actual`: a growth
column — 年均增长 — is the `target` or `actual` of the indicator's growth key), `year` (the column's
year; for a growth column the table's target or actual year, else the plan's last year), `value`,
`unit` (as printed; `%` for the growth column of a level indicator), `value_norm` and `unit_norm`
(converted by pipeline/data/units.tsv: 万元 → 亿元 × 0.0001 …), `qualifier`, `attribute`,
`is_cumulative`, `raw` (cell as printed), `source_measure` (measure in indicator_values),
`table_id`, `row_no`.

### `failures.parquet`

One row per file of DIR that could not be parsed: `path` (relative to DIR), `sha256`, `plan_id`,
`exit_code` (as `plan parse` would exit: 3 empty, 5 not a plan, 8 corrupt PDF, 70 internal error …),
`error` (error class), `message` (the one-line error), `code` (pipeline code fingerprint). A file that
failed with an input error (2–10) is not tried again until it changes (or `--retry-failed`); internal
errors are retried by the next run.
"""


DIFF_COLUMNS = {
    "plan_a": "plan id of version A (also in the file metadata), so several diffs read together keep what they compare",
    "plan_b": "plan id of version B",
    "level": "`chapter` / `section` / `paragraph` / `column` / `indicator` / `project` (parts and annexes report as `chapter`, deeper headings as `section`, 专栏 entries as `column`, summary rows as `project` with `detail.summary`)",
    "change": "`added` / `removed` / `modified` / `moved` / `renamed`",
    "a_ref": "id in version A: node_id, para_id, `专栏N`, `专栏N#k`, `table_id#row_no`, `table_id#project_no`, `table_id#level:name`; null if added",
    "b_ref": "id in version B; null if removed",
    "a_path": "where the item sits in A (outline path)", "b_path": "where it sits in B",
    "a_text": "text in A (title for renamed nodes, paragraph text, row summary)", "b_text": "text in B",
    "similarity": "0..1 similarity of the A and B item (null when one side is missing)",
    "detail": "JSON: `ops` = word-level edit ops `[[\"=\", text], [\"-\", text], [\"+\", text]]` for texts (jieba tokens with the domain dictionary); `fields` = `[{field, a, b}]` for table rows and renamed/moved nodes; `from`/`to`, `split_from`/`merged_into`, `kind`",
    "chapter": "chapter the change belongs to (as printed in B, or in A when removed); null for table rows",
    "seq": "0-based row number: document order of B, then indicators, then projects",
}


def example(d: Path, name: str) -> dict | None:
    try:
        rows = pq.read_table(d / name).slice(0, 50).to_pylist()
    except FileNotFoundError:
        return None
    if not rows:
        return None
    # prefer a row with few nulls
    return min(rows, key=lambda r: sum(v is None for v in r.values()))


def render(d: Path | None) -> str:
    out = [f"# Output schema (contract v1, schema version {schemas.SCHEMA_VERSION})", "",
           "Generated by `docs/make_schema.py` from `pipeline/schemas.py`. Every Parquet file has a",
           "`plan_id` column (dictionary-encoded) and file metadata: `plan_id`, `source_sha256`,",
           "`pipeline_version`, `schema_version`, `plan` (the plan.parquet row as JSON). Integers are int32 (int64 for amounts), missing values",
           "are null (never 0), values are float64; dictionary-encoded columns are marked *dict*.", "",
           "Friendly to every reader: no column is a reserved SQL word (schema 2.0 renamed `order` → `seq`,",
           "`group` → `group_label`, `check` → `rule`), so DuckDB queries need no quoting; the files carry",
           "pandas metadata naming the nullable extension types, so `pd.read_parquet` reads integer",
           "columns with nulls as `Int32`/`Int64` (`2025`, `<NA>`) and booleans as `boolean`, not as floats.",
           "`plan validate DIR` checks a parsed plan against this contract.", "",
           "`document.json` holds the same content as one tree: `plan_id`, `title`, `plan` (the plan.parquet row), `source` (name, sha256,",
           "kind, encoding, pages), `front_matter` (blocks before the first heading), `outline` (nodes with",
           "`content` — paragraphs, columns with their items/tables/notes, tables, notes, figure captions —",
           "and `children`), `tables` (table metadata).", ""]
    for name, schema in schemas.CONTRACT.items():
        desc, cols = FILES[name]
        out += [f"## `{name}`", "", desc + ".", "", "| column | type | meaning |", "|---|---|---|"]
        out.append("| `plan_id` | string *dict* | plan id (file name or `--plan-id`) |")
        for f in schema:
            if f.name == "plan_id":
                continue
            t = str(f.type)
            if t.startswith("dictionary"):
                t = "string *dict*"
            out.append(f"| `{f.name}` | {t} | {cols.get(f.name, '')} |")
        ex = example(d, name) if d else None
        if ex:
            out += ["", "Example row:", "", "```json", json.dumps(ex, ensure_ascii=False, indent=1, default=str),
                    "```"]
        out.append("")
    out += [CORPUS]
    from pipeline.diff import CHANGES_SCHEMA

    out += ["## `diffs/<a>__<b>/changes.parquet`", "",
            "One row per change between version A and version B (`python -m pipeline diff`). The `plan_a` and",
            "`plan_b` columns and the file metadata name the two plans. Next to it, `report.html` is a",
            "self-contained page (summary, one chapter navigation in B's order, renames, long added or removed",
            "parts collapsed to their title and size, changed paragraphs with insertions and deletions",
            "highlighted, amounts with thousands separators, units and differences).", "",
            "| column | type | meaning |", "|---|---|---|"]
    for f in CHANGES_SCHEMA:
        t = "string *dict*" if str(f.type).startswith("dictionary") else str(f.type)
        out.append(f"| `{f.name}` | {t} | {DIFF_COLUMNS.get(f.name, '')} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
