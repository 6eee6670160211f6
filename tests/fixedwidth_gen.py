"""A plan text whose indicator table keeps its columns with spaces (the way
``pdftotext -layout`` or a monospaced editor prints a table), rendered from
the 14th-plan gold table (tests/gold/indicators_14th.csv) under a layout
drawn by the caller: the padding measure, the gap
between columns, the width of the name column (long names wrap), cells
printed from the top or centred on the row, values left-aligned or centred,
the table's indent, and a page break inside the table with the header
repeated.  Used by tests/test_tables_fixedwidth.py."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from gold import GOLD

from pipeline import cjk

CAT_NO = "一二三四五六七八九十"


@dataclass(frozen=True)
class Layout:
    measure: str = "chars"      # "chars": one column per character (pdftotext -layout)
                                # "display": pad to the display column (CJK two columns)
    gap: int = 3                # columns between two columns' text at least
    name_chars: int = 14        # a name longer than this many characters wraps
    valign: str = "centre"      # "top" | "centre": where a taller row prints its one-line cells
    halign: str = "centre"      # "left" | "centre": values in their columns
    indent: int = 0             # columns before the table
    break_after: int | None = None  # a page break (form feed, header repeated) after this data row


def _width(text: str, lay: Layout) -> float:
    if lay.measure == "display":
        return 2.0 * sum(map(cjk.char_width, text))
    return float(len(text))


_NO_START = set("）)%］]，、。")


def _wrap(text: str, n: int) -> list[str]:
    """Lines of at most ``n`` characters, broken as a typesetter breaks
    Chinese: anywhere, but not before a closing bracket or %, nor inside a
    run of Latin letters or digits."""
    out = []
    while len(text) > n:
        k = n
        while k > 1 and (text[k] in _NO_START or (text[k].isascii() and text[k].isalnum()
                                                    and text[k - 1].isascii() and text[k - 1].isalnum())):
            k -= 1
        out.append(text[:k])
        text = text[k:]
    return out + [text]


def gold_rows() -> list[dict]:
    with open(GOLD / "indicators_14th.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def render_table(lay: Layout) -> str:
    """The table, as lines of text (a form feed where the page breaks)."""
    rows = gold_rows()
    head = ["序号", "指标", "2020年", "2025年", "年均增长", "属性"]
    body = []
    for r in rows:
        name = f"{r['name']}（{r['unit']}）" if r["unit"] else r["name"]
        merged = bool(r["merged"])
        vals = [r["value_2020"], r["value_2025"], r["growth"], r["attribute"]]
        body.append((r, _wrap(name, lay.name_chars), vals, merged))
    # column widths (physical columns)
    widths = [max(_width(head[0], lay), max(_width(r["row_no"], lay) for r, *_ in body)),
              max(_width(head[1], lay), max(_width(x, lay) for _, names, _, _ in body for x in names))]
    for k in range(4):
        widths.append(max([_width(head[k + 2], lay)] + [_width(v[k], lay) for _, _, v, m in body
                                                        if not (m and k in (1, 2))]))
    # the widest one-column value of each column
    value_w = [widths[0], widths[1]] + [max([0.0] + [_width(v[k], lay) for _, _, v, m in body
                                                       if not (m and k in (1, 2))]) for k in range(4)]
    starts = []
    x = float(lay.indent)
    for w in widths:
        starts.append(math.ceil(x))
        x = starts[-1] + w + lay.gap

    def place(col0: int, col1: int, text: str, align: str) -> tuple[float, str]:
        a, b = starts[col0], starts[col1] + widths[col1]
        w = _width(text, lay)
        x = a if align == "left" else a + max(0.0, (b - a - w) / 2)
        if col1 > col0:
            # a merged cell is printed across the boundary of its columns,
            # into the values of each (within one column, or in the gap, it
            # would read as a one-column cell, in any medium: see
            # merges_observable)
            lo, hi = starts[col1] + 1 - w, starts[col0] + value_w[col0] - 1
            x = math.floor((lo + hi) / 2) if lo <= hi else a
        return x, text

    def line(items: list[tuple[float, str]]) -> str:
        out = ""
        for x, t in sorted(items):
            target = int(x)
            cur = len(out) if lay.measure == "chars" else 2 * sum(map(cjk.char_width, out))
            out += " " * max(1, target - int(cur)) if out else " " * target
            out += t
        return out.rstrip()

    head_line = line([place(k, k, h, "centre") for k, h in enumerate(head)])
    out = [head_line]
    cat = None
    cats = 0
    for k, (r, names, vals, merged) in enumerate(body):
        if r["category"] != cat:
            cat = r["category"]
            out.append(" " * lay.indent + f"{CAT_NO[cats]}、{cat}")
            cats += 1
        cells = [place(0, 0, r["row_no"], lay.halign)]
        if merged:
            cells += [place(2, 2, vals[0], lay.halign), place(3, 4, vals[1], lay.halign),
                      place(5, 5, vals[3], lay.halign)]
        else:
            cells += [place(j + 2, j + 2, v, lay.halign) for j, v in enumerate(vals) if v]
        n = len(names)
        name_cells = [place(1, 1, t, "left") for t in names]
        if n == 1:
            out.append(line(cells + name_cells))
        elif lay.valign == "top":
            out.append(line(cells + name_cells[:1]))
            out += [line([c]) for c in name_cells[1:]]
        elif n % 2:
            mid = n // 2
            out += [line([c]) for c in name_cells[:mid]]
            out.append(line(cells + [name_cells[mid]]))
            out += [line([c]) for c in name_cells[mid + 1:]]
        else:
            out += [line([c]) for c in name_cells[:n // 2]]
            out.append(line(cells))
            out += [line([c]) for c in name_cells[n // 2:]]
        if lay.break_after is not None and k + 1 == lay.break_after and k + 1 < len(body):
            out.append("\f" + head_line)
    return "\n".join(out)


def name_lines(lay: Layout) -> list[str]:
    """The lines the table's names wrap into."""
    return [x for r in gold_rows() for x in _wrap(f"{r['name']}（{r['unit']}）" if r["unit"] else r["name"],
                                                  lay.name_chars)]


def merges_observable(lay: Layout) -> bool:
    """Whether the table's merged cells (完成市下达任务 over 2025年 and
    年均增长) can be printed across the boundary of their columns, into the
    values of each; with a wide gap they lie in it and no reader can tell
    them from one-column cells."""
    rows = gold_rows()
    vals = [[r["value_2025"], r["growth"]] for r in rows if not r["merged"]]
    merged = [r["value_2025"] for r in rows if r["merged"]]
    w0 = max([_width(v[0], lay) for v in vals])
    col0 = max(w0, _width("2025年", lay))
    return all(lay.gap + col0 + 1 - _width(m, lay) <= w0 - 1 for m in merged)


def render_plan(lay: Layout) -> str:
    """A small plan around the table: title, a chapter with its paragraph,
    the 专栏 with the table and its note, more text."""
    return "\n".join([
        "江海市国民经济和社会发展第十四个五年规划纲要",
        "",
        "第一章 发展目标",
        "",
        "　　到2025年，全市经济实力、科技实力、综合竞争力大幅跃升，主要指标如下。",
        "",
        "专栏 1 江海市“十四五”经济社会发展主要指标表",
        "",
        render_table(lay),
        "",
        "注：[]内为五年累计数。",
        "",
        "第二章 实施创新驱动发展战略",
        "",
        "　　坚持创新在现代化建设全局中的核心地位，把科技自立自强作为发展的战略支撑。",
        "",
    ])
