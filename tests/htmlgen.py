"""The table documents of :mod:`pdfgen` typeset by a browser instead: the
same rows (:func:`pdfgen._indicator_rows`, :func:`pdfgen._project_rows`,
so the same :class:`pdfgen.TableTruth`) written as an HTML page with CSS
rules for each ruling style and printed to PDF by headless Chromium.

A second, independent typesetter: Blink lays the tables out (column widths
from the content, centred or left cells, wrapping at its own breaks, a
``<thead>`` repeated on every page the table runs onto, a row cut by a page
break or moved whole to the next page as it decides), Skia writes the PDF
(subset OpenType CJK fonts, table borders as filled rectangles, not stroked
lines).  Nothing of the layout is known to the tests but the text: what
they check is only what the generator wrote.

``python tests/htmlgen.py VARIANT OUT.pdf`` writes one (``--html`` keeps the
page source beside it).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pdfgen  # noqa: E402
from browser import chromium  # noqa: E402
from pdfgen import TableTruth, TableVariant  # noqa: E402

#: CSS per ruling style: which borders the cells and the table have
RULING_CSS = {
    "grid": "td, th { border: 0.75pt solid #000; }",
    "open": "td, th { border: 0.75pt solid #000; } tr > :first-child { border-left: none; }"
            " tr > :last-child { border-right: none; }",
    "three_line": "table { border-top: 1.5pt solid #000; border-bottom: 1.5pt solid #000; }"
                  " thead th { border-bottom: 0.75pt solid #000; }",
    "row_rules": "td, th { border-bottom: 0.5pt solid #000; } table { border-top: 0.75pt solid #000; }",
    "none": "",
}

_BASE_CSS = """
@page { size: %(size)s; margin: 25mm 20mm 22mm 20mm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', 'AR PL UMing CN', serif; font-size: 14pt;
       line-height: 1.6; margin: 0; }
h1 { font-size: 18pt; text-align: center; font-weight: normal; margin: 14pt 0; }
p { text-indent: 2em; margin: 0; }
.caption { text-align: center; font-size: 14pt; margin: 10pt 0 4pt; }
.unit { text-align: right; font-size: 10.5pt; margin: 0 0 2pt; }
.annex { font-size: 14pt; margin: 0 0 6pt; }
table { border-collapse: collapse; width: 100%%; font-size: %(tsize)s; line-height: 1.35; }
td, th { padding: 2pt 3pt; text-align: center; vertical-align: middle; font-weight: normal; }
td.left { text-align: left; }
td.cat { text-align: left; }
/* a vertically merged label on one line, as pdfgen draws it: a label that
   wraps inside a cell the page break cuts is printed by Chromium below the
   table's last rule (its overflow), which no plan's typesetter does */
td.label { white-space: nowrap; }
tr { break-inside: %(inside)s; }
thead { display: %(thead)s; }
%(shade)s
%(ruling)s
%(running)s
.landscape { page: wide; }
@page wide { size: A4 landscape; }
.pagebreak { break-before: page; }
"""


def _table(header: list[str], widths: list[float], rows: list, left: set[int], title_row: str | None) -> str:
    n = len(widths)
    total = sum(widths)
    out = ["<table>", "<colgroup>"]
    out += [f'<col style="width:{100 * w / total:.2f}%">' for w in widths]
    out.append("</colgroup><thead>")
    if title_row:
        out.append(f'<tr><th colspan="{n}">{html.escape(title_row)}</th></tr>')
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>")
    covered: dict[int, int] = {}          # column → rows still covered by a label opened above
    for r in rows:
        cells = []
        if r.category:
            text, c0, c1 = r.cells[0]
            cells.append(f'<td class="cat" colspan="{c1 - c0}">{html.escape(text)}</td>')
        else:
            by_col = {c0: (text, c1) for text, c0, c1 in r.cells}
            if r.label:
                text, col, span = r.label
                by_col[col] = (text, col + 1, span)
            k = 0
            while k < n:
                if covered.get(k, 0) > 0:
                    k += 1
                    continue
                if k in by_col:
                    item = by_col[k]
                    text, c1 = item[0], item[1]
                    span = item[2] if len(item) > 2 else 1
                    attrs = []
                    if c1 - k > 1:
                        attrs.append(f'colspan="{c1 - k}"')
                    if span > 1:
                        attrs.append(f'rowspan="{span}"')
                        covered[k] = span
                    classes = (["left"] if k in left else []) + (["label"] if span > 1 else [])
                    if classes:
                        attrs.append(f'class="{" ".join(classes)}"')
                    cells.append(f"<td {' '.join(attrs)}>{html.escape(text)}</td>")
                    k = c1
                else:
                    cells.append("<td></td>")
                    k += 1
        for col in list(covered):
            covered[col] -= 1
            if covered[col] <= 0:
                del covered[col]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def page_html(v: TableVariant) -> tuple[str, TableTruth]:
    """The HTML of ``v``'s document and what it holds."""
    header, widths, rows, truth, left = pdfgen._indicator_rows(v)
    title = "示范区“十四五”经济社会发展主要指标"
    parts = ["<h1>第一章 发展目标</h1>", f"<p>{html.escape(pdfgen.P[3])}</p>", f"<p>{html.escape(pdfgen.P[4])}</p>"]
    if v.title == "caption":
        parts.append(f'<div class="caption">表1 {html.escape(title)}表</div>')
    elif v.title == "column":
        parts.append(f'<div class="caption">专栏1 {html.escape(title)}</div>')
    parts.append(_table(header, widths, rows, left, title if v.title == "row" else None))
    parts += [f"<p>{html.escape(pdfgen.P[5])}</p>", "<h1>第二章 重大项目</h1>", f"<p>{html.escape(pdfgen.P[13])}</p>"]
    cols = list(v.prj_columns)
    pheader, pwidths, prows, projects, bad = pdfgen._project_rows(v, 1.0)
    annex = ['<div class="annex">附件</div>', '<div class="caption">示范区“十四五”重大建设项目表</div>',
             '<div class="unit">单位：万元</div>',
             _table(pheader, pwidths, prows, {cols.index("content"), cols.index("name")}, None)]
    cls = "pagebreak landscape" if v.landscape else "pagebreak"
    parts.append(f'<section class="{cls}">' + "\n".join(annex) + "</section>")
    truth.projects, truth.inconsistent = projects, bad
    css = _BASE_CSS % {
        "size": "A4", "tsize": "10.5pt", "inside": "auto" if v.cut_row else "avoid",
        "thead": "table-header-group" if v.repeat_header else "table-row-group",
        "shade": "th { background: #d9d9d9; }" if v.shading else "",
        "ruling": RULING_CSS[v.ruling],
        # page furniture: a running title with a rule under it on every page but the first
        "running": "@page { @top-left { content: '示范区“十四五”规划纲要'; font-size: 10.5pt;"
                   " vertical-align: bottom; border-bottom: 0.75pt solid #000; } }"
                   " @page :first { @top-left { content: none; border: none; } }" if v.running_header else ""}
    doc = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
           f"<body>{''.join(parts)}</body></html>")
    return doc, truth


def render_html_tables(path: str | Path, v: TableVariant, keep_html: bool = False) -> TableTruth:
    """Print ``v``'s document to ``path`` with headless Chromium; return what it holds."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    doc, truth = page_html(v)
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.html"
        src.write_text(doc, encoding="utf-8")
        if keep_html:
            shutil.copy(src, path.with_suffix(".html"))
        env = {**os.environ, "HOME": tmp}
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-extensions", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
                        f"--print-to-pdf={path}", src.as_uri()],
                       check=True, capture_output=True, timeout=120, env=env)
    if not path.exists() or path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {v.name}")
    return truth


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    render_html_tables(out, pdfgen.TABLE_VARIANTS[name], keep_html="--html" in sys.argv)
