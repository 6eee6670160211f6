"""The whole seed plan typeset by a browser: its answer key (the gold
``document.json``, ``columns.json`` and table CSVs) written as an HTML page
and printed to PDF by headless Chromium, so the answer key applies to it as
to every other layout of the seed (``../shared/tools/score.py`` scores it).

A typesetter none of the shared layouts used: Blink's line breaking and
justification, a heading style from CSS (chapters centred and bold, sections
bold at body size), 专栏 boxes drawn as a CSS border, their entries as
paragraphs opening with a bold label, the 专栏 tables and the annex tables
as HTML tables with merged cells (a vertically merged group label beside the
names, a target spanning two columns), a ``<thead>`` repeated on every page,
page numbers in the bottom margin.  Only the text comes from the answer key.

``python tests/htmlplan.py OUT.pdf [--html] [--style STYLE]`` writes one.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import chromium  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold"
CN = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十."""
    if n <= 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return (CN[tens] if tens > 1 else "") + "十" + (CN[ones] if ones else "")


def _csv(name: str) -> list[dict]:
    with open(GOLD / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def esc(s: str) -> str:
    return html.escape(s, quote=False)


#: page and type styles; ``plain`` (one page style) and ``ruled`` (tables with
#: every rule, boxes shaded) differ in what a parser has to find headings by
STYLES = {
    "plain": """
      h2 { font-size: 16pt; text-align: center; font-weight: bold; margin: 20pt 0 10pt; }
      h3 { font-size: 14pt; font-weight: bold; margin: 10pt 0 4pt; text-indent: 2em; }
      .box { border: 0.75pt solid #000; padding: 6pt 10pt; margin: 8pt 0; }
      table { border-top: 1.5pt solid #000; border-bottom: 1.5pt solid #000; }
      thead tr:last-child th { border-bottom: 0.75pt solid #000; }
    """,
    "ruled": """
      h2 { font-size: 18pt; text-align: center; font-weight: normal; margin: 22pt 0 12pt;
           font-family: 'Noto Sans CJK SC', sans-serif; }
      h3 { font-size: 15pt; font-weight: normal; margin: 12pt 0 6pt; font-family: 'Noto Sans CJK SC', sans-serif; }
      .box { background: #eeeeee; padding: 8pt 12pt; margin: 10pt 0; }
      td, th { border: 0.75pt solid #000; }
    """,
}

_CSS = """
@page { size: A4; margin: 25mm 22mm 25mm 22mm;
        @bottom-center { content: "— " counter(page) " —"; font-size: 10.5pt; } }
body { font-family: 'Noto Serif CJK SC', 'AR PL UMing CN', serif; font-size: 14pt; line-height: 1.7; margin: 0;
       text-align: justify; }
h1 { font-size: 20pt; text-align: center; font-weight: bold; margin: 40pt 20pt 30pt; line-height: 1.5; }
p { text-indent: 2em; margin: 0; }
.box-title { text-align: center; font-weight: bold; margin: 0 0 4pt; text-indent: 0; }
.caption { text-align: center; font-size: 12pt; margin: 6pt 0; text-indent: 0; }
.annex { font-size: 16pt; font-weight: bold; margin: 0 0 8pt; }
.unit { text-align: right; font-size: 10.5pt; margin: 0 0 2pt; text-indent: 0; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.35; margin: 4pt 0 10pt;
        text-align: center; }
td, th { padding: 2pt 3pt; vertical-align: middle; font-weight: normal; }
td.left { text-align: left; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.pagebreak { break-before: page; }
"""


def _ind13(col: dict) -> str:
    rows = _csv("indicators_13th.csv")
    out = ["<table><thead>",
           '<tr><th colspan="2" rowspan="2">指标</th><th rowspan="2">2015年基期</th>'
           '<th colspan="2">“十三五”规划目标值</th><th colspan="2">“十三五”实际完成情况</th>'
           '<th rowspan="2">指标属性</th></tr>',
           "<tr><th>2020年</th><th>五年年均增长</th><th>2020年</th><th>五年年均增长</th></tr></thead><tbody>"]
    cats: list[str] = []
    k = 0
    while k < len(rows):
        r = rows[k]
        if r["category"] not in cats:
            cats.append(r["category"])
            out.append(f'<tr><td class="left" colspan="8">{cn_number(len(cats))}、{esc(r["category"])}</td></tr>')
        cells = []
        if r["group"]:
            n = 1
            while k + n < len(rows) and rows[k + n]["group"] == r["group"]:
                n += 1
            if k == 0 or rows[k - 1]["group"] != r["group"]:
                cells.append(f'<td rowspan="{n}">{esc(r["group"])}</td>')
            name = f'<td class="left">{r["row_no"]}.{esc(r["name"])}（{esc(r["unit"])}）</td>'
        else:
            name = f'<td class="left" colspan="2">{r["row_no"]}.{esc(r["name"])}（{esc(r["unit"])}）</td>'
        if r["group"] and not (k == 0 or rows[k - 1]["group"] != r["group"]):
            cells = []
        cells.append(name)
        cells.append(f"<td>{esc(r['base_2015'])}</td>")
        merged = r["merged"].split(";")
        for a, b in (("plan_2020", "plan_growth"), ("actual_2020", "actual_growth")):
            if f"{a}+{b}" in merged:
                cells.append(f'<td colspan="2">{esc(r[a])}</td>')
            else:
                cells.append(f"<td>{esc(r[a])}</td><td>{esc(r[b])}</td>")
        cells.append(f"<td>{esc(r['attribute'])}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
        k += 1
    out.append("</tbody></table>")
    return "\n".join(out)


def _ind14(col: dict) -> str:
    rows = _csv("indicators_14th.csv")
    out = ["<table><thead><tr><th>序号</th><th>指标</th><th>2020年</th><th>2025年</th><th>年均增长[累计]</th>"
           "<th>属性</th></tr></thead><tbody>"]
    cats: list[str] = []
    for r in rows:
        if r["category"] not in cats:
            cats.append(r["category"])
            out.append(f'<tr><td class="left" colspan="6">{cn_number(len(cats))}、{esc(r["category"])}</td></tr>')
        cells = [f"<td>{r['row_no']}</td>", f'<td class="left">{esc(r["name"])}（{esc(r["unit"])}）</td>',
                 f"<td>{esc(r['value_2020'])}</td>"]
        if "value_2025+growth" in r["merged"].split(";"):
            cells.append(f'<td colspan="2">{esc(r["value_2025"])}</td>')
        else:
            cells.append(f"<td>{esc(r['value_2025'])}</td><td>{esc(r['growth'])}</td>")
        cells.append(f"<td>{esc(r['attribute'])}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _amounts(r: dict, keys=("total_investment", "invested_by_2020", "investment_2021_2025")) -> str:
    return "".join(f"<td>{r[k]}</td>" for k in keys)


def _summary_table() -> str:
    out = ["<table><thead><tr><th>序号</th><th>项目类别</th><th>项目总投资</th><th>到2020年底累计完成投资</th>"
           "<th>“十四五”期间投资</th></tr></thead><tbody>"]
    for r in _csv("project_summary.csv"):
        if r["level"] == "total":
            no, name = "合计", f"{r['n_items']}个大项"
        elif r["level"] == "category":
            no, name = cn_number(int(r["category_no"])), f"{r['name']}（{r['n_items']}个大项）"
        else:
            no, name = f"（{cn_number(int(r['subcategory_no']))}）", r["name"]
        out.append(f'<tr><td>{no}</td><td class="left">{esc(name)}</td>{_amounts(r)}</tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def _project_table() -> str:
    summary = _csv("project_summary.csv")
    projects = _csv("projects.csv")
    out = ["<table><thead><tr><th>序号</th><th>项目类别</th><th>建设内容与规模</th><th>建设起止年限</th>"
           "<th>项目总投资</th><th>到2020年底累计完成投资</th><th>“十四五”期间投资</th></tr></thead><tbody>"]
    for r in summary:
        if r["level"] == "total":
            out.append(f'<tr><td>合计</td><td class="left" colspan="3">{r["n_items"]}个大项</td>{_amounts(r)}</tr>')
            continue
        if r["level"] == "category":
            out.append(f'<tr><td>{cn_number(int(r["category_no"]))}</td><td class="left" colspan="3">'
                       f'{esc(r["name"])}（{r["n_items"]}个大项）</td>{_amounts(r)}</tr>')
            subs = [s for s in summary if s["level"] == "subcategory" and s["category_no"] == r["category_no"]]
            if subs:
                continue
            items = [p for p in projects if p["category_no"] == r["category_no"]]
        else:
            out.append(f'<tr><td>（{cn_number(int(r["subcategory_no"]))}）</td><td class="left" colspan="3">'
                       f'{esc(r["name"])}</td>{_amounts(r)}</tr>')
            items = [p for p in projects if p["category_no"] == r["category_no"]
                     and p["subcategory_no"] == r["subcategory_no"]]
        for p in items:
            out.append(f'<tr><td>{p["project_no"]}</td><td class="left">{esc(p["name"])}</td>'
                       f'<td class="left">{esc(p["content"])}</td><td>{p["start_year"]}-{p["end_year"]}</td>'
                       f'{_amounts(p)}</tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def _column(no: int, cols: dict) -> str:
    c = cols[no]
    title = f'<div class="box-title">专栏{no} {esc(c["title"])}</div>'
    if c["kind"] == "table":
        table = _ind13(c) if c["table_file"] == "indicators_13th.csv" else _ind14(c)
        return f'<div class="caption"><b>专栏{no}</b> {esc(c["title"])}</div>{table}'
    items = "".join(f"<p><b>{esc(it['label'])}。</b>{esc(it['text'])}</p>" for it in c["items"])
    return f'<div class="box">{title}{items}</div>'


def _blocks(blocks: list[dict], cols: dict) -> list[str]:
    out = []
    for b in blocks:
        if b["type"] == "paragraph":
            out.append(f"<p>{esc(b['text'])}</p>")
        elif b["type"] == "column":
            out.append(_column(int(b["number"]), cols))
        elif b["type"] == "figure":
            out.append(f'<div class="caption">{esc(b["caption"])}</div>')
    return out


def plan_html(style: str = "plain") -> str:
    """The HTML of the seed plan from its answer key."""
    doc = json.loads((GOLD / "document.json").read_text(encoding="utf-8"))
    cols = {int(c["number"]): c for c in json.loads((GOLD / "columns.json").read_text(encoding="utf-8"))}
    parts = [f"<h1>{esc(doc['title'])}</h1>"]
    parts += [f"<p>{esc(p)}</p>" for p in doc["preamble"]]
    for ch in doc["chapters"]:
        parts.append(f"<h2>第{cn_number(int(ch['no']))}章 {esc(ch['title'])}</h2>")
        parts += _blocks([{"type": "paragraph", "text": t} if isinstance(t, str) else t for t in ch["intro"]], cols)
        for sec in ch["sections"]:
            parts.append(f"<h3>第{cn_number(int(sec['no']))}节 {esc(sec['title'])}</h3>")
            parts += _blocks(sec["blocks"], cols)
    annex = doc["annex"]
    parts.append(f'<section class="pagebreak"><div class="annex">{esc(annex["title"])}</div>')
    parts.append(f'<div class="caption">{esc(annex["tables"][0])}</div><div class="unit">{esc(annex["unit"])}</div>')
    parts.append(_summary_table())
    parts.append(f'<div class="caption">{esc(annex["tables"][1])}</div><div class="unit">{esc(annex["unit"])}</div>')
    parts.append(_project_table() + "</section>")
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{_CSS}{STYLES[style]}</style>'
            f"</head><body>{''.join(parts)}</body></html>")


def render_plan(path: str | Path, style: str = "plain", keep_html: bool = False) -> None:
    """Print the seed plan to ``path`` with headless Chromium."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.html"
        src.write_text(plan_html(style), encoding="utf-8")
        if keep_html:
            shutil.copy(src, path.with_suffix(".html"))
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                        "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile", f"--print-to-pdf={path}",
                        src.as_uri()], check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": tmp})
    if not path.exists() or path.stat().st_size == 0:
        raise RuntimeError("chromium wrote no PDF")


if __name__ == "__main__":
    style = sys.argv[sys.argv.index("--style") + 1] if "--style" in sys.argv else "plain"
    render_plan(sys.argv[1], style, keep_html="--html" in sys.argv)
