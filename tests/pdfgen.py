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


# ==========================================================================
# table variants: one indicator table and one project table, typeset in
# every ruling style, with their own ground truth
# ==========================================================================

GOLD_DIR = Path(__file__).parent / "gold"

#: Header text of each indicator-table column kind.
IND_HEAD = {"seq": "序号", "cat": "类别", "name": "指标", "unit": "单位", "base": "2020年", "target": "2025年",
            "growth": "年均增长[累计]", "attr": "属性"}
#: Relative widths of the indicator-table columns.
IND_WIDTH = {"seq": 0.7, "cat": 1.0, "name": 4.6, "unit": 1.4, "base": 1.5, "target": 1.8, "growth": 1.9,
             "attr": 1.3}
CAT_NO = "一二三四五六七八九十"

PRJ_HEAD = {"seq": "序号", "name": "项目名称", "content": "建设内容与规模", "years": "建设起止年限",
            "total": "项目总投资", "before": "到2020年底累计完成投资", "period": "“十四五”期间投资"}
PRJ_WIDTH = {"seq": 1.6, "name": 2.4, "content": 5.6, "years": 1.9, "total": 1.7, "before": 2.2, "period": 2.0}


@dataclass(frozen=True)
class TableVariant:
    """How the two tables of a generated document are typeset."""

    name: str
    ruling: str = "grid"           # grid | open | three_line | row_rules | none
    shading: bool = False          # header cells shaded grey
    columns: tuple[str, ...] = ("seq", "name", "base", "target", "growth", "attr")
    numbering: str = "seq"         # seq (a 序号 column) | inline (``1.名称``) | none
    title: str = "caption"         # caption above | row (first row of the table) | column (专栏 title) | none
    repeat_header: bool = True     # header printed again on the next page
    cut_row: bool = True           # the row at the page break is cut; its name's last line goes on
    landscape: bool = False        # project table on a landscape page
    prj_columns: tuple[str, ...] = ("seq", "name", "content", "years", "total", "before", "period")
    running_header: bool = False   # a running header with a rule under it on every page but the first


@dataclass
class TableTruth:
    """What the generator wrote: indicator rows, their values, projects."""

    indicators: list[dict] = field(default_factory=list)   # row_no, category, name, unit, attribute
    values: dict[tuple[int, str], dict] = field(default_factory=dict)   # (row_no, measure) → raw, value, qualifier
    projects: list[dict] = field(default_factory=list)
    inconsistent: list[int] = field(default_factory=list)  # projects whose amounts do not add up
    pages: int = 0


def _csv(name: str) -> list[dict]:
    import csv

    with open(GOLD_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class _TableWriter:
    """A page cursor for the table documents (portrait A4, landscape on demand)."""

    def __init__(self, path: Path, running_header: bool = False):
        self.c = canvas.Canvas(str(path), pagesize=(W, H))
        self.page = 1
        self.pw, self.ph = W, H
        self.y = H - TOP
        self.running_header = running_header

    def text(self, x: float, y: float, s: str, size: float) -> None:
        self.c.setFont(FONT, size)
        self.c.drawString(x, y, s)

    def width(self, s: str, size: float) -> float:
        return pdfmetrics.stringWidth(s, FONT, size)

    def wrap(self, s: str, size: float, width: float) -> list[str]:
        lines, cur = [], ""
        for ch in s:
            if cur and self.width(cur + ch, size) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return lines + [cur] if cur else lines or [""]

    def footer(self) -> None:
        s = f"— {self.page} —"
        self.text((self.pw - self.width(s, 10.5)) / 2, 40, s, 10.5)

    def new_page(self, landscape: bool = False) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1
        self.pw, self.ph = (H, W) if landscape else (W, H)
        self.c.setPageSize((self.pw, self.ph))
        self.y = self.ph - TOP
        if self.running_header:
            # page furniture above the text: a title and a rule as wide as the text
            right = self.pw - (W - RIGHT)
            self.text(LEFT, self.ph - 50, "示范区“十四五”规划纲要", 10.5)
            self.c.setLineWidth(0.75)
            self.c.line(LEFT, self.ph - 56, right, self.ph - 56)

    def paragraph(self, text: str, size: float = 14.0, lead: float = 24.0) -> None:
        left, right = LEFT, self.pw - (W - RIGHT)
        lines = self.wrap(text, size, right - left - 2 * size)
        rest = self.wrap(text[len(lines[0]):], size, right - left) if len(lines) > 1 else []
        for k, ln in enumerate([lines[0]] + rest):
            if self.y - lead < BOTTOM:
                self.new_page()
            self.text(left + (2 * size if k == 0 else 0), self.y, ln, size)
            self.y -= lead

    def centred(self, text: str, size: float, gap: float = 12.0) -> None:
        self.y -= gap
        self.text((self.pw - self.width(text, size)) / 2, self.y, text, size)
        self.y -= size + gap

    def save(self) -> int:
        self.footer()
        self.c.showPage()
        self.c.save()
        return self.page


@dataclass
class _TRow:
    """A table row to typeset: cells (text, col0, col1), a category row, or
    a label cell spanning rows (text, col, n_rows) opened on this row."""

    cells: list[tuple[str, int, int]]
    category: bool = False
    label: tuple[str, int, int] | None = None


def _draw_table(w: _TableWriter, v: TableVariant, widths: list[float], header: list[str], rows: list[_TRow],
                size: float, title_row: str | None = None, left_align: set[int] = frozenset(),
                break_after: int | None = None) -> None:
    """Typeset one table from ``w.y`` down in ``v.ruling``; breaks pages
    (repeating the header when ``v.repeat_header``); ``break_after``: force
    the page break after this many body rows (the row after it is cut when
    ``v.cut_row`` and its name wraps)."""
    c = w.c
    pad, lead = 3.0, size + 4.0
    left = LEFT if w.pw == W else 60.0
    xs = [left]
    for wd in widths:
        xs.append(xs[-1] + wd)
    n = len(widths)

    def hline(y: float, x0: float, x1: float, width: float = 0.75) -> None:
        if v.ruling != "none":
            c.setLineWidth(width)
            c.line(x0, y, x1, y)

    def vline(x: float, y0: float, y1: float, k: int) -> None:
        if v.ruling == "grid" or (v.ruling == "open" and 0 < k < n):
            c.setLineWidth(0.75)
            c.line(x, y0, x, y1)

    def cell_text(text: str, c0: int, c1: int, top: float, height: float, lines: list[str] | None = None,
                  align_left: bool = False) -> None:
        lines = lines if lines is not None else w.wrap(text, size, xs[c1] - xs[c0] - 2 * pad)
        y = top - (height - len(lines) * lead) / 2 - size
        for ln in lines:
            x = xs[c0] + pad if align_left else (xs[c0] + xs[c1] - w.width(ln, size)) / 2
            w.text(x, y, ln, size)
            y -= lead

    def draw_header() -> None:
        h = 2 * lead + 2 * pad
        top = w.y
        if title_row is not None and not getattr(draw_header, "done", False):
            hline(top, xs[0], xs[-1], 1.2)
            vline(xs[0], top, top - lead - 2 * pad, 0)
            vline(xs[-1], top, top - lead - 2 * pad, n)
            cell_text(title_row, 0, n, top, lead + 2 * pad)
            top -= lead + 2 * pad
            draw_header.done = True
        if v.shading:
            c.setFillGray(0.86)
            c.rect(xs[0], top - h, xs[-1] - xs[0], h, stroke=0, fill=1)
            c.setFillGray(0)
        hline(top, xs[0], xs[-1], 1.2)
        for k, t in enumerate(header):
            cell_text(t, k, k + 1, top, h)
            vline(xs[k], top, top - h, k)
        vline(xs[-1], top, top - h, n)
        hline(top - h, xs[0], xs[-1])
        w.y = top - h

    draw_header()
    label_open: list = []       # [text, col, rows left, top y]

    def row_height(r: _TRow) -> tuple[float, dict[int, list[str]]]:
        wrapped = {}
        for text, c0, c1 in r.cells:
            wrapped[c0] = w.wrap(text, size, xs[c1] - xs[c0] - 2 * pad)
        return max(len(x) for x in wrapped.values()) * lead + 2 * pad, wrapped

    def close_label(bottom: float) -> None:
        if label_open:
            text, col, _, top = label_open
            if text:          # a label carried over a page break prints on its first page only
                lines = w.wrap(text, size, xs[col + 1] - xs[col] - 2 * pad)
                cell_text(text, col, col + 1, top, top - bottom, lines)
            label_open.clear()

    def edges(r: _TRow, top: float, h: float) -> None:
        # every column edge but those inside a merged cell (empty cells keep their borders)
        inner = {k for _, c0, c1 in r.cells for k in range(c0 + 1, c1)}
        for k in range(n + 1):
            if k not in inner:
                vline(xs[k], top, top - h, k)

    def finish_row() -> None:
        if label_open:
            label_open[2] -= 1
        in_label = bool(label_open) and label_open[2] > 0
        if v.ruling in ("grid", "open", "row_rules"):
            x0 = xs[label_open[1] + 1] if in_label else xs[0]
            hline(w.y, x0, xs[-1])
        if label_open and label_open[2] <= 0:
            close_label(w.y)

    for i, r in enumerate(rows):
        h, wrapped = row_height(r)
        split = None
        if break_after is not None and i == break_after:
            split = True
        if split or w.y - h < BOTTOM + 20:
            # page break: cut this row when it wraps, else move it over
            lines_here = 1 if (v.cut_row and split and max(len(x) for x in wrapped.values()) > 1) else 0
            if lines_here:
                part = 2 * pad + lead
                top = w.y
                for text, c0, c1 in r.cells:
                    cell_text(text, c0, c1, top, part, wrapped[c0][:1], align_left=c0 in left_align)
                edges(r, top, part)
                w.y -= part
                rest = {c0: wrapped[c0][1:] for c0 in wrapped}
            carried = [None, label_open[1], label_open[2], 0.0] if label_open else None
            close_label(w.y)
            if v.ruling in ("grid", "open", "row_rules"):
                hline(w.y, xs[0], xs[-1])
            w.new_page(landscape=w.pw != W)
            left_after = xs[0]
            xs = [left_after + (x - xs[0]) for x in xs]
            if v.repeat_header:
                draw_header()
            else:
                hline(w.y, xs[0], xs[-1], 1.2)
            if carried:
                carried[3] = w.y
                label_open[:] = carried
            if lines_here:
                rest_h = max(len(x) for x in rest.values()) * lead + 2 * pad
                top = w.y
                for text, c0, c1 in r.cells:
                    if rest[c0]:
                        cell_text(text, c0, c1, top, rest_h, rest[c0], align_left=c0 in left_align)
                edges(r, top, rest_h)
                w.y -= rest_h
                finish_row()
                continue
        top = w.y
        if r.label is not None:
            close_label(top)
            label_open[:] = [r.label[0], r.label[1], r.label[2], top]
        if r.category:
            text = r.cells[0][0]
            cell_text(text, 0, n, top, h, [text], align_left=True)
            vline(xs[0], top, top - h, 0)
            vline(xs[-1], top, top - h, n)
        else:
            for text, c0, c1 in r.cells:
                cell_text(text, c0, c1, top, h, wrapped[c0], align_left=c0 in left_align)
            edges(r, top, h)
        w.y -= h
        finish_row()
    close_label(w.y)
    if v.ruling == "three_line":
        hline(w.y, xs[0], xs[-1], 1.2)
    elif v.ruling == "none":
        pass
    w.y -= 18


def _indicator_rows(v: TableVariant) -> tuple[list[str], list[float], list[_TRow], TableTruth, set[int]]:
    gold = _csv("indicators_14th.csv")
    cols = list(v.columns)
    widths = [IND_WIDTH[k] for k in cols]
    scale = (RIGHT - LEFT) / sum(widths)
    widths = [x * scale for x in widths]
    truth = TableTruth()
    rows: list[_TRow] = []
    cats: list[str] = []
    for g in gold:
        if g["category"] not in cats:
            cats.append(g["category"])
    n_by_cat = {c: sum(1 for g in gold if g["category"] == c) for c in cats}
    seen: set[str] = set()
    counter = 0
    for g in gold:
        cat = g["category"]
        first = cat not in seen
        seen.add(cat)
        if first and "cat" not in cols:
            k = cats.index(cat)
            rows.append(_TRow([(f"{CAT_NO[k]}、{cat}", 0, len(cols))], category=True))
        counter += 1
        no = int(g["row_no"]) if v.numbering != "none" else counter
        name = g["name"] if "unit" in cols else f"{g['name']}（{g['unit']}）"
        if v.numbering == "inline":
            name = f"{g['row_no']}.{name}"
        merged = "value_2025+growth" in g["merged"] and cols.index("growth") == cols.index("target") + 1 \
            if "growth" in cols else False
        cells = []
        for k, col in enumerate(cols):
            text = {"seq": g["row_no"], "name": name, "unit": g["unit"], "base": g["value_2020"],
                    "target": g["value_2025"], "growth": g["growth"], "attr": g["attribute"], "cat": None}[col]
            if col == "cat" or (col == "growth" and merged) or not text:
                continue
            c1 = k + 2 if col == "target" and merged else k + 1
            cells.append((text, k, c1))
        label = (cat, cols.index("cat"), n_by_cat[cat]) if "cat" in cols and first else None
        rows.append(_TRow(cells, label=label))
        truth.indicators.append({"row_no": no, "category": cat, "name": g["name"], "unit": g["unit"],
                                 "attribute": g["attribute"]})
        nums = {"base": g["value_2020_num"], "target": g["value_2025_num"], "growth": g["growth_num"]}
        for col, measure in (("base", "base"), ("target", "target"), ("growth", "target_growth")):
            if col not in cols:
                continue
            raw = {"base": g["value_2020"], "target": g["value_2025"], "growth": g["growth"]}[col]
            if col == "growth" and merged:
                raw = ""
            num = nums[col]
            truth.values[(no, measure)] = {"raw": raw, "value": float(num) if num else None,
                                           "qualifier": g["qualifier"] if raw and g["qualifier"] and
                                           g["qualifier"] in raw else None}
    left = {cols.index("name")} | ({cols.index("cat")} if "cat" in cols else set())
    return [IND_HEAD[k] for k in cols], widths, rows, truth, left


def _project_rows(v: TableVariant, width: float) -> tuple[list[str], list[float], list[_TRow], list[dict], list[int]]:
    """Projects 1–7 of the gold (two categories, five subcategories) with
    aggregate rows computed from them (so only the gold's own inconsistent
    project breaks the sums)."""
    gold = [g for g in _csv("projects.csv") if int(g["project_no"]) <= 7]
    cols = list(v.prj_columns)
    widths = [PRJ_WIDTH[k] for k in cols]
    scale = width / sum(widths)
    widths = [x * scale for x in widths]
    amount = ("total_investment", "invested_by_2020", "investment_2021_2025")

    def sums(items):
        return [str(sum(int(g[a]) for g in items)) for a in amount]

    def row(seq: str, name: str, content: str = "", years: str = "", amounts=("", "", "")) -> _TRow:
        vals = {"seq": seq, "name": name, "content": content, "years": years, "total": amounts[0],
                "before": amounts[1], "period": amounts[2]}
        cells = []
        for k, col in enumerate(cols):
            if vals[col]:
                end = k + 1
                if col == "name" and not content:
                    # an aggregate row's name is one cell across the empty
                    # content and years columns after it
                    while end < len(cols) and cols[end] in ("content", "years"):
                        end += 1
                cells.append((vals[col], k, end))
        return _TRow(cells)

    rows = [row("合计", f"{len(gold)}个大项", amounts=sums(gold))]
    truth: list[dict] = []
    for cat_no in sorted({int(g["category_no"]) for g in gold}):
        items = [g for g in gold if int(g["category_no"]) == cat_no]
        rows.append(row(CAT_NO[cat_no - 1], f"{items[0]['category']}（{len(items)}个大项）", amounts=sums(items)))
        for sub_no in sorted({int(g["subcategory_no"]) for g in items}):
            sub = [g for g in items if int(g["subcategory_no"]) == sub_no]
            rows.append(row(f"（{CAT_NO[sub_no - 1]}）", sub[0]["subcategory"], amounts=sums(sub)))
            for g in sub:
                rows.append(row(g["project_no"], g["name"], g["content"], f"{g['start_year']}-{g['end_year']}",
                                [g[a] for a in amount]))
                truth.append(g)
    bad = [int(g["project_no"]) for g in gold
           if int(g["total_investment"]) - int(g["invested_by_2020"]) != int(g["investment_2021_2025"])]
    return [PRJ_HEAD[k] for k in cols], widths, rows, truth, bad


def render_tables(path: str | Path, v: TableVariant) -> TableTruth:
    """Write a short plan whose two tables (the 14th-plan indicators, seven
    projects) are typeset as ``v`` says; return what was written."""
    w = _TableWriter(Path(path), v.running_header)
    w.centred("第一章 发展目标", 18.0)
    w.paragraph(P[3])
    w.paragraph(P[4])
    header, widths, rows, truth, left = _indicator_rows(v)
    title = "示范区“十四五”经济社会发展主要指标"
    if v.title == "caption":
        w.centred(f"表1 {title}表", 14.0, gap=6.0)
    elif v.title == "column":
        w.centred(f"专栏1 {title}", 14.0, gap=6.0)
    # the table breaks across pages at its tenth indicator (a wrapped name:
    # 每千人口拥有执业（助理）医师数 wraps in the name column): that row is cut
    # by the break, or is the last row before it
    break_at = next(k for k, r in enumerate(rows) if any("执业" in t for t, _, _ in r.cells))
    if not v.cut_row:
        break_at += 1       # the wrapped row is the last one before the break
    _draw_table(w, v, widths, header, rows, 10.5, title_row=title if v.title == "row" else None,
                left_align=left, break_after=break_at)
    w.paragraph(P[5])
    w.centred("第二章 重大项目", 18.0)
    w.paragraph(P[13])
    w.new_page(landscape=v.landscape)
    w.text(LEFT, w.y, "附件", 14.0)
    w.y -= 20
    w.centred("示范区“十四五”重大建设项目表", 16.0, gap=6.0)
    unit = "单位：万元"
    w.text(w.pw - (W - RIGHT) - w.width(unit, 10.5), w.y, unit, 10.5)
    w.y -= 8
    width = w.pw - 60.0 - (W - RIGHT) if v.landscape else RIGHT - LEFT
    header, widths, rows, projects, bad = _project_rows(v, width)
    _draw_table(w, v, widths, header, rows, 9.0,
                left_align={list(v.prj_columns).index("content"), list(v.prj_columns).index("name")})
    truth.projects = projects
    truth.inconsistent = bad
    truth.pages = w.save()
    return truth


#: The table variants the tests render (every ruling style, column orders,
#: titles, repeated headers or not, a row cut by the page break or not).
TABLE_VARIANTS = {
    "grid": TableVariant("grid"),
    "open": TableVariant("open", ruling="open", shading=True, title="column"),
    "three_line": TableVariant("three_line", ruling="three_line", shading=True, cut_row=False,
                               columns=("name", "attr", "base", "target", "growth"), numbering="inline"),
    "row_rules": TableVariant("row_rules", ruling="row_rules", title="none", repeat_header=False,
                              columns=("seq", "name", "unit", "base", "target", "attr", "growth"),
                              landscape=True),
    "no_rules": TableVariant("no_rules", ruling="none", title="row", cut_row=False,
                             columns=("cat", "name", "unit", "target", "attr"), numbering="none",
                             prj_columns=("seq", "name", "total", "before", "period", "years", "content")),
    "three_line_plain": TableVariant("three_line_plain", ruling="three_line", repeat_header=False,
                                     columns=("seq", "name", "target", "growth", "base", "attr"), title="row"),
    "furniture": TableVariant("furniture", ruling="three_line", running_header=True, title="column",
                              columns=("seq", "name", "unit", "base", "target", "growth", "attr")),
    "grid_furniture": TableVariant("grid_furniture", ruling="grid", running_header=True, repeat_header=False,
                                   cut_row=False, numbering="inline", landscape=True,
                                   columns=("name", "base", "target", "growth", "attr")),
}
