"""Typeset plan text into PDFs (reportlab, built-in CJK CID font STSong-Light,
no font files) to test the PDF path on layouts the shared PDFs lack.

:func:`render` writes a PDF for one :class:`Variant` of a fixed plan
(:data:`PLAN`) and returns the :class:`Expected` structure computed from
the same source data: outline nodes (with node ids and physical pages),
paragraphs per node, 专栏 with their entries, the document title.

What the variants cover: bookmarks or none; a running header (with a rule
under it) and page numbers in several forms (``— N —``, ``- N -``,
``第N页``, ``N``); bordered or shaded borderless 专栏; a three-line table
with notes; a ruled table with merged header cells that breaks across pages
with its header repeated; an annex on a landscape page, or drawn sideways
on a portrait page; two-level numbering inside sections (一、 / （一） run-in);
wrapped chapter headings; fake bold (glyphs painted twice); Chinese text
with a space glyph between every two characters; a table-of-contents page.

The layout engine is deliberately simple: fixed margins, greedy wrapping
by glyph width (Chinese text breaks anywhere), left-aligned lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

W, H = 595.28, 841.89
LEFT, RIGHT, TOP, BOTTOM = 80.0, 515.0, 90.0, 90.0
BODY, LEAD = 16.0, 28.0

# --------------------------------------------------------------------------
# the plan (source data: every expectation is computed from this)
# --------------------------------------------------------------------------

TITLE = ["江海示范区国民经济和社会发展第十四个", "五年规划和二〇三五年远景目标纲要"]

P = [  # body paragraphs (real plan prose)
    "“十三五”时期，面对国内外风险挑战明显上升的复杂局面，示范区坚持以习近平新时代中国特色社会主义思想为指导，"
    "深入贯彻党中央决策部署，全力稳增长、促改革、调结构、惠民生、防风险、保稳定，“十三五”规划目标任务基本完成。",
    "经济发展实现稳中有进。地区生产总值249.03亿元，年均增长7.4%，高于全国全省全市平均水平，经济总量较2010年翻一番。"
    "经济结构更加优化，三次产业比重调整为2.1:52.9:45.0。",
    "创新引领作用显著提升。创新平台提质增效，新型研发机构、工程中心等创新平台增至329家，是“十二五”期末的6倍。"
    "规模以上工业企业研发机构覆盖率达64.03%，产值5亿元以上企业实现全覆盖。",
    "当前和今后一个时期，我国发展仍然处于重要战略机遇期，但机遇和挑战都有新的发展变化。示范区必须增强机遇意识和风险意识，"
    "准确识变、科学应变、主动求变，在危机中育先机、于变局中开新局。",
    "坚持把创新作为引领发展的第一动力，深入实施创新驱动发展战略，强化企业创新主体地位，完善科技创新体制机制，"
    "推动创新链、产业链、资金链、人才链深度融合，打造区域创新高地。",
    "加快建设高水平创新平台，支持企业建设重点实验室、工程技术研究中心和企业技术中心，推动产学研深度合作。",
    "强化企业创新主体地位，实施高新技术企业倍增计划，培育一批创新型领军企业和专精特新中小企业。",
    "实施更加开放的人才政策，引进培育一批高层次人才和创新团队，完善人才住房、子女教育、医疗保障等配套服务。",
    "推进产业基础高级化、产业链现代化，坚持制造业立区不动摇，加快发展先进制造业，提升产业链供应链稳定性和竞争力。",
    "以高端机电装备制造、新一代电子信息、新能源新材料、大健康等产业为重点，打造具有国际竞争力的先进制造业集群。",
    "优化提升传统优势产业，推动家电、五金、纺织服装等产业数字化、智能化、绿色化改造，巩固扩大产业规模效益。",
    "构建现代综合交通运输体系，加快推进轨道交通、高速公路、快速路建设，完善城市路网结构，提升对外通达能力。",
    "推进新型基础设施建设，加快5G网络、数据中心、工业互联网等建设，打造数字江海、智慧江海，赋能经济社会发展。",
    "统筹推进重大项目建设，健全项目谋划储备、审批服务、要素保障和督查考核机制，以高质量项目支撑高质量发展。",
]

BOX_ITEMS = [  # 专栏1 entries: (lead term, text)
    ("高端机电装备制造", "围绕产业链关键环节加大外引内育力度，推动高端机电装备制造产业集聚发展，打造智能制造示范基地。"),
    ("新材料", "推进正极材料、负极材料、电解液、隔膜材料全链条布局，深度发展特种工程塑料、功能涂料等领域。"),
    ("新一代电子信息", "推动向集成电路与高端半导体元器件、通信设备核心模组及部件、智能终端等高端产品提升。"),
    ("大健康", "发展一批特色营养保健品，巩固提升外用药产品领域的市场优势，积极引进化学制药龙头企业。"),
]

RULE_TABLE = {  # 表1: three-line table
    "caption": "表1 主要民生指标",
    "header": ["指标", "2020年", "2025年", "属性"],
    "rows": [["城镇调查失业率（%）", "3.0", "≤3.5", "预期性"],
             ["人均预期寿命（岁）", "80.5", "81", "预期性"],
             ["每千人口执业医师数（人）", "2.8", "3.2", "预期性"],
             ["劳动年龄人口平均受教育年限（年）", "11.6", "12", "约束性"]],
    "x": [LEFT, 300.0, 370.0, 440.0],
    "notes": ["注：1.表中2020年数据为快报数或预计数。", "2.失业率为年均值。"],
}

RULED_TABLE = {  # 专栏2: ruled table with merged header cells, spans pages
    "column_no": 2,
    "title": "示范区“十四五”经济社会发展主要指标",
    "x": [LEFT, 110.0, 290.0, 350.0, 410.0, 465.0, RIGHT],
    "header": [  # (text, col0, col1, row0, row1)
        ("序号", 0, 1, 0, 2), ("指标", 1, 2, 0, 2), ("2020年", 2, 3, 0, 2),
        ("2025年", 3, 5, 0, 1), ("目标值", 3, 4, 1, 2), ("年均增长", 4, 5, 1, 2), ("属性", 5, 6, 0, 2)],
    "rows": [[str(i + 1), name, base, target, growth, attr] for i, (name, base, target, growth, attr) in enumerate([
        ("地区生产总值（亿元）", "249", "370", "7%", "预期性"),
        ("人均地区生产总值（万元）", "8.9", "12", "6%", "预期性"),
        ("规上工业增加值（亿元）", "120", "180", "8%", "预期性"),
        ("研发经费投入增长（%）", "4.2", "4.5", "—", "预期性"),
        ("高新技术企业数（家）", "407", "800", "—", "预期性"),
        ("常住人口城镇化率（%）", "99.8", "99.8", "—", "预期性"),
        ("居民人均可支配收入（元）", "45190", "63000", "7%", "预期性"),
        ("城镇登记失业率（%）", "2.5", "3.0", "—", "预期性"),
        ("单位GDP能耗降低（%）", "—", "完成下达", "—", "约束性"),
        ("空气质量优良天数比率（%）", "88", "90", "—", "约束性"),
        ("森林覆盖率（%）", "4.58", "4.6", "—", "约束性"),
        ("粮食综合生产能力（万吨）", "0.03", "0.03", "—", "约束性"),
    ])],
}

ANNEX_TABLE = {
    "caption": "示范区“十四五”重大建设项目汇总表",
    "unit": "单位：万元",
    "x": [70.0, 120.0, 330.0, 470.0, 610.0, 770.0],
    "header": ["序号", "项目类别", "项目总投资", "累计完成投资", "期间投资"],
    "rows": [["合计", "12个大项", "1640000", "404000", "1236000"],
             ["一", "新型基础设施（3个）", "590990", "171395", "419595"],
             ["二", "现代产业（6个）", "549000", "166700", "382300"],
             ["三", "综合交通（3个）", "500010", "65905", "434105"]],
}


@dataclass
class Para:
    text: str
    runin: tuple[str, str] | None = None   # (label, title) of a run-in （一） heading


@dataclass
class Head:
    kind: str          # chapter | section | cn
    label: str
    number: int
    title: str


@dataclass
class Box:
    number: int
    title: str
    items: list[tuple[str, str]]


@dataclass
class RuleTable:
    spec: dict


@dataclass
class RuledBox:
    spec: dict


@dataclass
class Annex:
    spec: dict


def plan_items() -> list:
    """The plan as a flat sequence of typeset items."""
    return [
        Para(P[0]),  # preamble
        Head("chapter", "第一章", 1, "发展基础与形势"),
        Head("section", "第一节", 1, "“十三五”时期主要成就"),
        Para(P[0]), Para(P[1]), Para(P[2]),
        Head("section", "第二节", 2, "“十四五”时期发展形势"),
        Para(P[3]), Box(1, "示范区先进制造业重点发展领域", BOX_ITEMS), Para(P[4]),
        Head("chapter", "第二章", 2, "实施创新驱动发展战略 打造大湾区西翼创新驱动发展示范区"),
        Para(P[5]),
        Head("section", "第一节", 1, "建设高水平创新平台"),
        Head("cn", "一、", 1, "强化企业创新主体地位"),
        Para(P[6], runin=("（一）", "实施高新技术企业倍增计划")),
        Para(P[7], runin=("（二）", "完善人才服务保障")),
        Head("cn", "二、", 2, "推动产学研深度合作"),
        Para(P[8]),
        Head("section", "第二节", 2, "提升民生保障水平"),
        Para(P[9]), RuleTable(RULE_TABLE), Para(P[10]),
        Head("chapter", "第三章", 3, "构建现代产业体系"),
        Head("section", "第一节", 1, "发展目标"),
        Para(P[11]), Para(P[12]), Para(P[1]), Para(P[3]), RuledBox(RULED_TABLE),
        Head("section", "第二节", 2, "重大项目"),
        Para(P[13]), Para(P[4]), Para(P[2]),
        Annex(ANNEX_TABLE),
    ]


# --------------------------------------------------------------------------
# variants and expectations
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str = "default"
    bookmarks: bool = True
    running_header: bool = False
    page_number: str = "— {n} —"          # format of the footer page number
    box_style: str = "border"             # border | shaded
    annex: str = "landscape"              # landscape | sideways
    fake_bold: bool = True
    spaced_headings: bool = False         # a space glyph between every two characters of section titles
    toc: bool = False


@dataclass
class Expected:
    title: str
    nodes: list[tuple[str, str, int | None, str, int]] = field(default_factory=list)  # id, kind, number, title, page
    paragraphs: list[tuple[str | None, str]] = field(default_factory=list)            # node id, text
    columns: list[dict] = field(default_factory=list)
    n_pages: int = 0


class _Writer:
    """Places lines on pages; keeps the expectations in step."""

    def __init__(self, path: Path, v: Variant):
        self.c = canvas.Canvas(str(path), pagesize=(W, H))
        self.v = v
        self.page = 1
        self.y = H - TOP
        self.landscape = False

    # -- primitives ----------------------------------------------------------
    def text(self, x: float, y: float, s: str, size: float, bold: bool = False) -> None:
        self.c.setFont(FONT, size)
        self.c.drawString(x, y, s)
        if bold and self.v.fake_bold:
            self.c.drawString(x + 0.35, y, s)     # fake bold: the glyphs painted twice

    def width(self, s: str, size: float) -> float:
        return pdfmetrics.stringWidth(s, FONT, size)

    def wrap(self, s: str, size: float, first: float, width: float) -> list[str]:
        lines, cur, avail = [], "", width - first
        for ch in s:
            if self.width(cur + ch, size) > avail and cur:
                lines.append(cur)
                cur, avail = "", width
            cur += ch
        if cur:
            lines.append(cur)
        return lines

    def new_page(self, landscape: bool = False) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1
        self.landscape = landscape
        if landscape and self.v.annex == "landscape":
            self.c.setPageSize((H, W))
        else:
            self.c.setPageSize((W, H))
        self.y = (W if landscape and self.v.annex == "landscape" else H) - TOP
        self.header()

    def header(self) -> None:
        if self.v.running_header and self.page > 1 and not self.landscape:
            self.text(LEFT, H - 50, "江海示范区“十四五”规划纲要", 10.5)
            self.c.setLineWidth(0.5)
            self.c.line(LEFT, H - 55, RIGHT, H - 55)

    def footer(self) -> None:
        if self.page == 1 or (self.v.toc and self.page == 2):
            return
        s = self.v.page_number.format(n=self.page - 1)
        if self.landscape:
            sideways = self.v.annex == "sideways"
            if sideways:
                self.c.saveState()
                self.c.translate(W, 0)
                self.c.rotate(90)
            self.text((H - self.width(s, 12)) / 2, 40, s, 12)
            if sideways:
                self.c.restoreState()
            return
        self.text((W - self.width(s, 12)) / 2, 40, s, 12)

    def need(self, h: float) -> None:
        if self.y - h < BOTTOM:
            self.new_page()

    def save(self) -> None:
        self.footer()
        self.c.showPage()
        self.c.save()


def _spaced(s: str) -> str:
    return " ".join(s)


def render(path: str | Path, v: Variant = Variant()) -> Expected:
    """Write the plan as a PDF at ``path`` in variant ``v``; return what the
    parser should find."""
    path = Path(path)
    w = _Writer(path, v)
    exp = Expected(title="".join(TITLE))
    # title page
    y = H - 250
    for t in TITLE:
        w.text((W - w.width(t, 24)) / 2, y, t, 24, bold=True)
        y -= 44
    items = plan_items()
    if v.toc:
        w.new_page()
        w.text((W - w.width("目  录", 20)) / 2, w.y, "目  录", 20, bold=True)
        w.y -= 48
        for it in items:
            if isinstance(it, Head) and it.kind in ("chapter", "section"):
                s = f"{it.label} {it.title}"
                x = LEFT + (0 if it.kind == "chapter" else 32)
                w.text(x, w.y, s, 14)
                dots = "…" * int((RIGHT - 20 - x - w.width(s, 14)) // 14)
                w.text(x + w.width(s, 14), w.y, dots, 14)
                w.text(RIGHT - 14, w.y, "3", 14)
                w.y -= 26
    w.new_page()

    node = None
    chapter = section = cn = None
    paras: list[tuple[str | None, str]] = []
    for it in items:
        if isinstance(it, Head):
            size = {"chapter": 20.0, "section": 16.0, "cn": 16.0}[it.kind]
            full = f"{it.label} {it.title}" if it.kind != "cn" else f"{it.label}{it.title}"
            if it.kind == "section" and v.spaced_headings:
                full = f"{it.label} {_spaced(it.title)}"
            lines = w.wrap(full, size, 0, RIGHT - LEFT - 2 * size) if it.kind == "chapter" else [full]
            w.need(16 + len(lines) * (size + 12))
            w.y -= 12 if it.kind != "cn" else 0
            for ln in lines:
                if it.kind == "cn":
                    w.text(LEFT + 2 * BODY, w.y, ln, size, bold=True)
                else:
                    w.text((W - w.width(ln, size)) / 2, w.y, ln, size, bold=it.kind == "chapter")
                w.y -= size + 12
            w.y -= 4 if it.kind != "cn" else 0
            if it.kind == "chapter":
                chapter, section, cn = f"C{it.number}", None, None
                node = chapter
            elif it.kind == "section":
                section, cn = f"{chapter}.S{it.number}", None
                node = section
            else:
                cn = f"{section}.a{it.number}"
                node = cn
            exp.nodes.append((node, {"cn": "heading"}.get(it.kind, it.kind), it.number, it.title, w.page))
            if v.bookmarks and it.kind in ("chapter", "section"):
                key = f"n{len(exp.nodes)}"
                w.c.bookmarkPage(key)
                w.c.addOutlineEntry(full, key, level=0 if it.kind == "chapter" else 1)
        elif isinstance(it, Para):
            owner = node
            text = it.text
            if it.runin:
                label, title = it.runin
                owner = f"{cn}.b{int('一二三四五'.index(label[1]) + 1)}"
                exp.nodes.append((owner, "heading", int("一二三四五".index(label[1]) + 1), title, w.page))
                text = f"{label}{title}。{it.text}"
            _paragraph(w, text, bold_prefix=len(it.runin[0]) + len(it.runin[1]) + 1 if it.runin else 0)
            paras.append((owner, it.text))
        elif isinstance(it, Box):
            _box(w, it, v)
            exp.columns.append({"number": it.number, "title": it.title, "node_id": node, "kind": "list",
                                "items": [(a, b) for a, b in it.items]})
        elif isinstance(it, RuleTable):
            _rule_table(w, it.spec)
        elif isinstance(it, RuledBox):
            _ruled_table(w, it.spec)
            exp.columns.append({"number": it.spec["column_no"], "title": it.spec["title"], "node_id": node,
                                "kind": "table", "items": []})
        elif isinstance(it, Annex):
            w.new_page(landscape=True)
            _annex(w, it.spec, v)
            exp.nodes.append(("A1", "annex", None, "附件", w.page))
    w.save()
    exp.paragraphs = paras
    exp.n_pages = w.page
    return exp


def _paragraph(w: _Writer, text: str, bold_prefix: int = 0, size: float = BODY, lead: float = LEAD,
               left: float = LEFT, right: float = RIGHT) -> None:
    lines = w.wrap(text, size, 2 * size, right - left)
    done = 0
    for k, ln in enumerate(lines):
        w.need(lead)
        x = left + (2 * size if k == 0 else 0)
        if done < bold_prefix:
            head, tail = ln[:bold_prefix - done], ln[bold_prefix - done:]
            w.text(x, w.y, head, size, bold=True)
            w.text(x + w.width(head, size), w.y, tail, size)
        else:
            w.text(x, w.y, ln, size)
        done += len(ln)
        w.y -= lead


def _box(w: _Writer, box: Box, v: Variant) -> None:
    size, lead, pad = 12.0, 21.0, 10.0
    inner = RIGHT - LEFT - 2 * pad
    body = [w.wrap(f"{a}。{b}", size, 2 * size, inner) for a, b in box.items]
    height = 14 + 24 + sum(len(b) for b in body) * lead + 2 * pad
    w.y -= 8
    w.need(height)
    top = w.y + 4
    if v.box_style == "shaded":
        w.c.setFillGray(0.88)
        w.c.rect(LEFT, top - height, RIGHT - LEFT, height, stroke=0, fill=1)
        w.c.setFillGray(0)
    else:
        w.c.setLineWidth(1)
        w.c.rect(LEFT, top - height, RIGHT - LEFT, height, stroke=1, fill=0)
    y = top - pad - 14
    title = f"专栏{box.number} {box.title}"
    w.text((W - w.width(title, 14)) / 2, y, title, 14, bold=True)
    y -= 28
    for lines in body:
        for k, ln in enumerate(lines):
            w.text(LEFT + pad + (2 * size if k == 0 else 0), y, ln, size)
            y -= lead
    w.y = top - height - 20


def _rule_table(w: _Writer, spec: dict) -> None:
    size, row_h = 12.0, 22.0
    rows = [spec["header"]] + spec["rows"]
    height = 30 + len(rows) * row_h + 10 + 2 * 20
    w.y -= 6
    w.need(height)
    cap = spec["caption"]
    w.text((W - w.width(cap, 14)) / 2, w.y, cap, 14, bold=True)
    w.y -= 14
    xs = spec["x"]
    rules = [w.y]
    for k, row in enumerate(rows):
        y = w.y - row_h + 7
        for x, cell in zip(xs, row):
            w.text(x + 2, y, cell, size)
        w.y -= row_h
        if k == 0:
            rules.append(w.y)
    rules.append(w.y)
    for k, y in enumerate(rules):
        w.c.setLineWidth(1.5 if k != 1 else 0.75)
        w.c.line(LEFT, y, RIGHT, y)
    w.y -= 16
    for k, note in enumerate(spec["notes"]):
        w.text(LEFT + (0 if k == 0 else 2 * 10.5), w.y, note, 10.5)
        w.y -= 18
    w.y -= 12


def _grid_rows(w: _Writer, xs: list[float], header: list, rows: list[list[str]], size: float, row_h: float,
               header_rows: int, top: float) -> float:
    """Draw header (merged cells) and rows from ``top``; returns the bottom y."""
    c = w.c
    c.setLineWidth(0.75)
    hy = [top - k * row_h for k in range(header_rows + 1)]
    for text, c0, c1, r0, r1 in header:
        x0, x1, y0, y1 = xs[c0], xs[c1], hy[r0], hy[r1]
        c.rect(x0, y1, x1 - x0, y0 - y1, stroke=1, fill=0)
        w.text((x0 + x1 - w.width(text, size)) / 2, (y0 + y1) / 2 - size / 3, text, size, bold=True)
    y = hy[-1]
    for row in rows:
        for k, cell in enumerate(row):
            c.rect(xs[k], y - row_h, xs[k + 1] - xs[k], row_h, stroke=1, fill=0)
            w.text(xs[k] + 3, y - row_h + 7, cell, size)
        y -= row_h
    return y


def _ruled_table(w: _Writer, spec: dict) -> None:
    size, row_h = 10.5, 20.0
    title = f"专栏{spec['column_no']} {spec['title']}"
    w.need(30 + 4 * row_h)
    w.y -= 8
    w.text((W - w.width(title, 14)) / 2, w.y, title, 14, bold=True)
    w.y -= 16
    rows = list(spec["rows"])
    while rows:
        fit = max(1, int((w.y - BOTTOM - 2 * row_h) // row_h))
        chunk, rows = rows[:fit], rows[fit:]
        w.y = _grid_rows(w, spec["x"], spec["header"], chunk, size, row_h, 2, w.y)
        if rows:
            w.new_page()
    w.y -= 24


def _annex(w: _Writer, spec: dict, v: Variant) -> None:
    c = w.c
    if v.annex == "sideways":
        # a landscape page drawn sideways on a portrait sheet (no /Rotate)
        c.saveState()
        c.translate(W, 0)
        c.rotate(90)
    pw, ph = H, W
    y = ph - 70
    w.text(70, y, "附件", 16, bold=True)
    y -= 40
    w.text((pw - w.width(spec["caption"], 18)) / 2, y, spec["caption"], 18, bold=True)
    y -= 28
    w.text(pw - 70 - w.width(spec["unit"], 12), y, spec["unit"], 12)
    y -= 12
    xs = spec["x"]
    header = [(t, k, k + 1, 0, 1) for k, t in enumerate(spec["header"])]
    _grid_rows(w, xs, header, spec["rows"], 12.0, 24.0, 1, y)
    if v.annex == "sideways":
        c.restoreState()
