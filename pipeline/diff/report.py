"""``report.html``: the diff as one self-contained page.

Inline CSS, no scripts, no external resources (fonts, images, links to the
network): the file can be mailed or opened offline.  Layout: a summary
(counts per chapter and per kind of change), chapter navigation, the
outline changes, the indicator and project table changes, then every
changed paragraph chapter by chapter with deletions in ``<del>`` and
insertions in ``<ins>``.  Output is deterministic (no timestamps).
"""

from __future__ import annotations

from collections import Counter
from html import escape

from .load import PlanData
from .schema import CHANGES, Change
from .tables import measure_label

CHANGE_CN = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动", "renamed": "更名"}
LEVEL_CN = {"chapter": "章", "section": "节", "paragraph": "段落", "column": "专栏", "indicator": "指标",
            "project": "项目"}
FIELD_CN = {"name": "名称", "unit": "单位", "attribute": "属性", "category": "类别", "group": "分组",
            "subcategory": "子类", "content": "建设内容", "start_year": "开工年", "end_year": "完工年",
            "total_investment": "总投资", "invested_before": "此前累计投资", "invested_in_period": "期内投资",
            "n_items": "项目数", "label": "编号"}

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 margin:0;color:#222;background:#fafafa;line-height:1.6}
header{background:#1f3a5f;color:#fff;padding:16px 32px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;font-size:14px;opacity:.9}
main{display:flex;align-items:flex-start}
nav{position:sticky;top:0;width:260px;flex:none;max-height:100vh;overflow:auto;padding:16px;
 font-size:13px;border-right:1px solid #ddd;background:#fff;box-sizing:border-box}
nav ol{padding-left:0;list-style:none;margin:0}
nav li{margin:2px 0}
nav a{color:#1f3a5f;text-decoration:none}
nav a:hover{text-decoration:underline}
nav .n{color:#888;float:right}
article{flex:1;padding:8px 32px 48px;min-width:0}
h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:32px;font-size:19px}
h3{font-size:16px;margin:24px 0 8px;color:#1f3a5f}
table{border-collapse:collapse;font-size:13px;margin:8px 0;background:#fff}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}
td.num{text-align:right}
.change{background:#fff;border:1px solid #ddd;border-left:4px solid #999;margin:10px 0;padding:8px 12px}
.change.added{border-left-color:#2e7d32}.change.removed{border-left-color:#c62828}
.change.modified{border-left-color:#f9a825}.change.moved{border-left-color:#1565c0}
.change.renamed{border-left-color:#6a1b9a}
.meta{font-size:12px;color:#666;margin-bottom:4px}
.badge{display:inline-block;white-space:nowrap;font-size:12px;padding:0 6px;border-radius:3px;color:#fff;margin-right:6px}
.badge.added{background:#2e7d32}.badge.removed{background:#c62828}.badge.modified{background:#f9a825;color:#222}
.badge.moved{background:#1565c0}.badge.renamed{background:#6a1b9a}
.text{white-space:pre-wrap;font-size:15px}
ins{background:#c8f0c8;text-decoration:none;color:#0b5d0b}
del{background:#f8c8c8;color:#8b0000}
.empty{color:#888;font-style:italic}
"""


def _t(s: object) -> str:
    return escape("" if s is None else str(s))


#: unchanged text longer than this is shortened to its ends around a change
CONTEXT = 60


def _shorten(text: str, keep_start: bool, keep_end: bool) -> str:
    """Keep ``CONTEXT`` characters next to the changes on either side."""
    if len(text) <= 2 * CONTEXT + 10:
        return text
    left = text[:CONTEXT] if keep_start else ""
    right = text[-CONTEXT:] if keep_end else ""
    return f"{left}……{right}"


def _ops_html(ops: list[list[str]], context: bool = True) -> str:
    out = []
    for k, (op, text) in enumerate(ops):
        if op == "=":
            if context:
                text = _shorten(text, keep_start=k > 0, keep_end=k < len(ops) - 1)
            out.append(_t(text))
        elif op == "-":
            out.append(f"<del>{_t(text)}</del>")
        else:
            out.append(f"<ins>{_t(text)}</ins>")
    return "".join(out)


def _body_html(c: Change) -> str:
    ops = c.detail.get("ops")
    if ops:
        return _ops_html(ops)
    if c.change == "added":
        return f"<ins>{_t(c.b_text)}</ins>"
    if c.change == "removed":
        return f"<del>{_t(c.a_text)}</del>"
    return _t(_shorten(c.b_text if c.b_text is not None else c.a_text or "", True, False))


def _where(c: Change) -> str:
    if c.change == "moved":
        return f"{_t(c.a_path)} → {_t(c.b_path)}"
    if c.change == "renamed" and c.a_path != c.b_path:
        return f"{_t(c.a_path)} → {_t(c.b_path)}"
    return _t(c.b_path or c.a_path)


def _card(c: Change) -> str:
    refs = " → ".join(x for x in (c.a_ref, c.b_ref) if x)
    sim = f" · 相似度 {c.similarity:.2f}" if c.similarity is not None else ""
    extra = ""
    if c.detail.get("split_from"):
        extra = f" · 由 {_t(c.detail['split_from'])} 拆分"
    if c.detail.get("merged_into"):
        extra = f" · 并入 {_t(c.detail['merged_into'])}"
    return (f'<div class="change {c.change}"><div class="meta"><span class="badge {c.change}">'
            f'{LEVEL_CN[c.level]}{CHANGE_CN[c.change]}</span>{_where(c)} <span>({_t(refs)}{sim}{extra})</span>'
            f'</div><div class="text">{_body_html(c)}</div></div>')


def _field_value(f: str, v: object) -> str:
    return '<span class="empty">（空）</span>' if v in (None, "") else _t(v)


def _field_name(f: str) -> str:
    if " " in f or f in ("base", "target", "target_growth", "actual", "actual_growth"):
        return _t(measure_label(f))
    return _t(FIELD_CN.get(f, f))


def _rows_table(changes: list[Change], head: str) -> str:
    rows = []
    for c in changes:
        fields = c.detail.get("fields") or []
        path = (c.b_path or c.a_path or "").split(" › ")
        name = _t(path[-1])
        if len(path) > 1:
            name += f'<div class="meta">{_t(" › ".join(path[:-1]))}</div>'
        badge = f'<span class="badge {c.change}">{CHANGE_CN[c.change]}</span>'
        if fields:
            for k, f in enumerate(fields):
                lead = (f'<td rowspan="{len(fields)}">{name}</td><td rowspan="{len(fields)}">{badge}</td>'
                        if k == 0 else "")
                val_a, val_b = _field_value(f["field"], f.get("a")), _field_value(f["field"], f.get("b"))
                if f.get("ops"):
                    val_a, val_b = "", _ops_html(f["ops"], context=False)
                rows.append(f"<tr>{lead}<td>{_field_name(f['field'])}</td><td>{val_a}</td><td>{val_b}</td></tr>")
        else:
            a = f"<del>{_t(c.a_text)}</del>" if c.a_text else ""
            b = f"<ins>{_t(c.b_text)}</ins>" if c.b_text else ""
            rows.append(f'<tr><td>{name}</td><td>{badge}</td><td></td><td>{a}</td><td>{b}</td></tr>')
    if not rows:
        return '<p class="empty">无变化</p>'
    return (f"<table><thead><tr><th>{head}</th><th>变化</th><th>字段</th><th>原</th><th>新</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_report(a: PlanData, b: PlanData, changes: list[Change]) -> str:
    """The diff as one self-contained HTML page."""
    text = [c for c in changes if c.level not in ("indicator", "project")]
    outline = [c for c in text if c.level in ("chapter", "section")]
    inds = [c for c in changes if c.level == "indicator"]
    projs = [c for c in changes if c.level == "project" and not c.detail.get("summary")]
    sums = [c for c in changes if c.level == "project" and c.detail.get("summary")]
    chapters: list[str] = []
    for c in text:
        ch = c.chapter or "（前言）"
        if ch not in chapters:
            chapters.append(ch)
    anchor = {ch: f"ch{k + 1}" for k, ch in enumerate(chapters)}
    per_ch: dict[str, Counter] = {ch: Counter() for ch in chapters}
    for c in text:
        per_ch[c.chapter or "（前言）"][c.change] += 1

    title_a = _t(a.plan_id) + (f"（{_t(a.title)}）" if a.title else "")
    title_b = _t(b.plan_id) + (f"（{_t(b.title)}）" if b.title else "")
    h: list[str] = [
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>修订对比：{_t(a.plan_id)} → {_t(b.plan_id)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>规划修订对比</h1><p>原版 A：{title_a} → 新版 B：{title_b}"
        f" · 共 {len(changes)} 处变化</p></header><main>",
        '<nav><ol><li><a href="#summary">概要</a></li><li><a href="#outline">结构变化</a>'
        f'<span class="n">{len(outline)}</span></li>'
        f'<li><a href="#indicators">指标变化</a><span class="n">{len(inds)}</span></li>'
        f'<li><a href="#projects">项目变化</a><span class="n">{len(projs) + len(sums)}</span></li></ol>'
        '<h3>各章</h3><ol>',
    ]
    for ch in chapters:
        h.append(f'<li><a href="#{anchor[ch]}">{_t(ch)}</a><span class="n">{sum(per_ch[ch].values())}</span></li>')
    h.append("</ol></nav><article>")

    # summary
    h.append('<h2 id="summary">概要</h2>')
    if not changes:
        h.append('<p class="empty">两个版本内容相同，没有变化。</p>')
    tot = Counter((c.level, c.change) for c in changes)
    h.append("<table><thead><tr><th>层级</th>" + "".join(f"<th>{CHANGE_CN[k]}</th>" for k in CHANGES)
             + "<th>合计</th></tr></thead><tbody>")
    for lv, cn in LEVEL_CN.items():
        n = [tot[(lv, k)] for k in CHANGES]
        h.append(f"<tr><td>{cn}</td>" + "".join(f'<td class="num">{x or ""}</td>' for x in n)
                 + f'<td class="num">{sum(n)}</td></tr>')
    h.append("</tbody></table>")
    if chapters:
        h.append("<h3>各章变化数</h3><table><thead><tr><th>章</th>"
                 + "".join(f"<th>{CHANGE_CN[k]}</th>" for k in CHANGES) + "<th>合计</th></tr></thead><tbody>")
        for ch in chapters:
            n = [per_ch[ch][k] for k in CHANGES]
            h.append(f'<tr><td><a href="#{anchor[ch]}">{_t(ch)}</a></td>'
                     + "".join(f'<td class="num">{x or ""}</td>' for x in n) + f'<td class="num">{sum(n)}</td></tr>')
        h.append("</tbody></table>")

    # outline
    h.append('<h2 id="outline">结构变化（章、节）</h2>')
    if outline:
        h.append("<table><thead><tr><th>层级</th><th>变化</th><th>原（A）</th><th>新（B）</th></tr></thead><tbody>")
        for c in outline:
            a_txt = (c.a_text or "").split("\n")[0] if c.change != "moved" else c.a_path
            b_txt = (c.b_text or "").split("\n")[0] if c.change != "moved" else c.b_path
            h.append(f'<tr><td>{LEVEL_CN[c.level]}</td><td><span class="badge {c.change}">{CHANGE_CN[c.change]}'
                     f"</span></td><td>{_t(a_txt)}</td><td>{_t(b_txt)}</td></tr>")
        h.append("</tbody></table>")
    else:
        h.append('<p class="empty">无变化</p>')

    h.append('<h2 id="indicators">指标变化</h2>')
    h.append(_rows_table(inds, "指标"))
    h.append('<h2 id="projects">项目变化</h2>')
    h.append(_rows_table(projs, "项目"))
    if sums:
        h.append("<h3>汇总行（合计、领域、类别）</h3>")
        h.append(_rows_table(sums, "汇总行"))

    # chapters
    h.append('<h2 id="chapters">各章内容变化</h2>')
    for ch in chapters:
        h.append(f'<h3 id="{anchor[ch]}">{_t(ch)}</h3>')
        h.extend(_card(c) for c in text if (c.chapter or "（前言）") == ch)
    h.append("</article></main></body></html>\n")
    return "\n".join(h)
