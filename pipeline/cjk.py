"""Chinese-text rules in one place.

Everything the pipeline knows about how Chinese plan documents are written
lives here: numbering patterns (第N篇/章/节, 一、, （一）, 1., （1）), Chinese
numerals, display width, full/half-width and compatibility-ideograph
normalisation, the space rules between Chinese and Latin text, sentence
ends, unit and qualifier vocabularies.  Other modules import these names
instead of writing their own regexes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex as re

# --------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL = r"[零〇一二两三四五六七八九十百千]+"
NUMBER = rf"(?:{CN_NUMERAL}|\d+)"

#: Sentence-final punctuation (a paragraph ends on one of these).
SENTENCE_END = "。！？；…!?;"
#: Closing marks that may follow a sentence end ("。”", "。）").
CLOSERS = "”’）)」』】〕》"

_IDEOGRAPH = re.compile(r"\p{Han}")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def is_ideograph(ch: str) -> bool:
    """True for a Han ideograph (including 〇)."""
    return bool(ch) and (ch == "〇" or bool(_IDEOGRAPH.fullmatch(ch)))


def char_width(ch: str) -> float:
    """Display width of one character: CJK (wide, full-width or East-Asian
    ambiguous such as “ ” —) counts 1, ASCII and other narrow characters ½."""
    if ch in " \t":
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


def display_width(text: str) -> float:
    """Display width of a string (see :func:`char_width`), ends stripped."""
    return float(sum(char_width(c) for c in text.strip()))


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# Full-width forms that are converted to ASCII: digits, letters and a few
# symbols that occur inside numbers.  Chinese punctuation such as （）、，：
# is kept because it is part of the printed text.
_FULLWIDTH_KEEP = set("（）：，；！？")
_FULLWIDTH_MAP = {
    cp: cp - 0xFEE0
    for cp in range(0xFF01, 0xFF5F)
    if (
        chr(cp - 0xFEE0).isalnum() or chr(cp - 0xFEE0) in "%.+=<>"
    ) and chr(cp) not in _FULLWIDTH_KEEP
}
_SPACES = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ",
           0x200B: "", 0xFEFF: ""}


def _compat_ideograph(ch: str) -> str:
    cp = ord(ch)
    # Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs:
    # PDFs often map common characters (工, 用, 长 …) to these code points.
    if 0x2E80 <= cp <= 0x2FDF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F:
        n = unicodedata.normalize("NFKC", ch)
        if len(n) == 1 and is_ideograph(n):
            return n
    return ch


_COMPAT_RE = re.compile(r"[\u2E80-\u2FDF\uF900-\uFAFF\U0002F800-\U0002FA1F]")


def normalize_text(text: str) -> str:
    """Normalise extracted text: NFC, compatibility ideographs and Kangxi
    radicals to unified ideographs, full-width digits/letters to ASCII,
    exotic spaces to ASCII space.  Line structure is left alone."""
    text = unicodedata.normalize("NFC", text)
    text = _COMPAT_RE.sub(lambda m: _compat_ideograph(m.group(0)), text)
    return text.translate(_FULLWIDTH_MAP).translate(_SPACES)


# --------------------------------------------------------------------------
# Control characters, terminal safety, plausible text
# --------------------------------------------------------------------------

#: Control characters that never belong to a plan's text: C0 except tab,
#: line feed, carriage return and form feed (line and page structure), DEL,
#: C1 (U+0080–U+009F, where U+009B is a terminal's CSI).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# What a terminal must never receive raw: every C0/C1 control (ESC, BEL,
# CR, newline …) and the bidirectional overrides that reorder a line.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def remove_controls(text: str) -> tuple[str, int]:
    """``text`` without :data:`CONTROL_CHARS`, and how many were removed."""
    out, n = CONTROL_CHARS.subn("", text)
    return out, n


def is_control(ch: str) -> bool:
    """True for a character of :data:`CONTROL_CHARS`."""
    return bool(CONTROL_CHARS.fullmatch(ch))


def terminal_safe(text: str) -> str:
    """``text`` for a terminal: control characters and bidi overrides shown
    as visible escapes (``\\x1b``, ``\\u202e``) so a document cannot set the
    terminal title, colours or cursor (``grep`` and ``terms`` output)."""
    return _TERMINAL_UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


# Characters that a plan's text layer does not consist of: controls,
# private-use, surrogates, unassigned code points, U+FFFD, and the accented
# Latin / IPA / combining blocks (U+00C0–U+036F, × and ÷ aside) where a CJK
# font read through the wrong encoding lands ("Ã¤ÄÜ").  Any script that
# plans are written in (Han, Latin, Tibetan, Uyghur, Mongolian, Korean …)
# counts as plausible.
_IMPLAUSIBLE = re.compile(r"[\p{Cc}\p{Co}\p{Cs}\p{Cn}\uFFFD\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u036F]")


def implausible_count(text: str) -> int:
    """How many characters of ``text`` are not plausible plan text (see
    above): a high share on a page means a damaged font or content stream."""
    return len(_IMPLAUSIBLE.findall(text))


def _is_latin(ch: str) -> bool:
    return bool(_LATIN_OR_DIGIT.fullmatch(ch)) or ch in ".%+-/&"


_SPACE_RUN = re.compile(r"\s+")


def clean_spaces(text: str) -> str:
    """Remove spaces that are extraction artefacts.

    A run of whitespace is kept (as one space) only between two ideographs
    (``工委 中共`` — two issuing bodies, a title's two halves) or between
    two Latin/digit characters (``Made in``); everywhere else — between
    Chinese and Latin/digits, around punctuation — it is removed.
    """
    text = text.strip()
    if " " not in text and "\t" not in text and "\n" not in text:
        return text

    def repl(m: re.Match) -> str:
        a = text[m.start() - 1] if m.start() > 0 else ""
        b = text[m.end()] if m.end() < len(text) else ""
        if (is_ideograph(a) and is_ideograph(b)) or (
            _LATIN_OR_DIGIT.fullmatch(a or " ") and _LATIN_OR_DIGIT.fullmatch(b or " ")
        ):
            return " "
        return ""

    return _SPACE_RUN.sub(repl, text)


def strip_all_space(text: str) -> str:
    """The text with every whitespace character removed (for comparisons)."""
    return _SPACE_RUN.sub("", text)


def ends_sentence(text: str) -> bool:
    """True if the text ends with sentence-final punctuation (possibly
    followed by closing quotes/brackets)."""
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in SENTENCE_END


# --------------------------------------------------------------------------
# Chinese numerals
# --------------------------------------------------------------------------

_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(token: str) -> int | None:
    """Parse a Chinese (一百二十三, 十五, 二〇二五) or Arabic numeral."""
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if all(c in _CN_VALUES for c in token) and len(token) > 1:
        # digit-by-digit form: 二〇三五
        return int("".join(str(_CN_VALUES[c]) for c in token))
    total, current = 0, 0
    for c in token:
        if c in _CN_VALUES:
            current = _CN_VALUES[c]
        elif c in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[c]
            current = 0
        else:
            return None
    return total + current


_CN_SMALL = "零一二三四五六七八九"


def to_chinese_numeral(n: int) -> str:
    """Inverse of :func:`parse_number` for 1..999 (一, 十二, 二十, 一百零五)."""
    if n < 10:
        return _CN_SMALL[n]
    if n < 20:
        return "十" + (_CN_SMALL[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_SMALL[n // 10] + "十" + (_CN_SMALL[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_SMALL[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_SMALL[rest]
    return head + (_CN_SMALL[rest // 10] + "十" + (_CN_SMALL[rest % 10] if rest % 10 else ""))


# --------------------------------------------------------------------------
# Numbering patterns of the outline
# --------------------------------------------------------------------------

#: Outline ranks, outermost first.  A heading's parent is the nearest open
#: heading of smaller rank.
RANK_PART, RANK_CHAPTER, RANK_SECTION = 0, 1, 2
RANK_CN, RANK_PCN, RANK_AR, RANK_PAR, RANK_CIRCLED = 3, 4, 5, 6, 7
RANK_ANNEX = 0

#: Contract ``kind`` of a heading by rank.
RANK_KIND = {RANK_PART: "part", RANK_CHAPTER: "chapter", RANK_SECTION: "section",
             RANK_CN: "heading", RANK_PCN: "heading", RANK_AR: "heading",
             RANK_PAR: "heading", RANK_CIRCLED: "heading"}


@dataclass(frozen=True, slots=True)
class Numbering:
    """A numbering prefix found at the start of a line."""

    rank: int          # RANK_* constant
    number: int        # parsed number
    label: str         # the label as printed, normalised (第三章, 一、, （一）, 1.)
    rest: str          # text after the label (leading spaces kept)
    strong: bool       # 第N篇/章/节: unambiguous outline markers


_STRONG = re.compile(rf"^第\s*({NUMBER})\s*([篇章节])")
_STRONG_RANK = {"篇": RANK_PART, "章": RANK_CHAPTER, "节": RANK_SECTION}
_WEAK = [
    (RANK_CN, re.compile(rf"^({CN_NUMERAL})\s*([、，,．.])(?![\d{CN_DIGITS}十])")),
    (RANK_PCN, re.compile(rf"^[（(]\s*({CN_NUMERAL})\s*[）)]")),
    (RANK_AR, re.compile(r"^(\d{1,2})\s*([、．.](?!\d)|\s+(?=\p{Han}))")),
    (RANK_PAR, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]")),
    (RANK_CIRCLED, re.compile(r"^([①-⑳])")),
]


def match_numbering(text: str) -> Numbering | None:
    """Recognise the outline numbering at the start of ``text``."""
    t = text.lstrip()
    m = _STRONG.match(t)
    if m:
        n = parse_number(m.group(1))
        if n is not None:
            label = f"第{m.group(1)}{m.group(2)}"
            return Numbering(_STRONG_RANK[m.group(2)], n, label, t[m.end():], True)
    for rank, rx in _WEAK:
        m = rx.match(t)
        if not m:
            continue
        g = m.group(1)
        if rank == RANK_CIRCLED:
            n = ord(g) - ord("①") + 1
            label = g
        else:
            n = parse_number(g)
            if n is None or n == 0:
                continue
            if rank == RANK_CN:
                label = g + "、"
            elif rank == RANK_PCN:
                label = f"（{g}）"
            elif rank == RANK_AR:
                label = f"{g}."
            else:
                label = f"（{g}）"
        return Numbering(rank, n, label, t[m.end():], False)
    return None


def arabic_item_number(text: str) -> tuple[int, str] | None:
    """A numbered list entry ``1.``/``1、``/``1．`` → (number, rest)."""
    m = re.match(r"^\s*(\d{1,2})\s*[、．.](?!\d)\s*", text)
    if not m:
        return None
    return int(m.group(1)), text[m.end():]


def numbered_start(text: str, expected: int) -> str | None:
    """If ``text`` starts with the list number ``expected`` (``3.``, ``3、``),
    return the text after it.  Unlike :func:`arabic_item_number` a digit may
    follow the dot (``3.2015 年基期数…`` is entry 3 when 3 is expected)."""
    m = re.match(r"^\s*(\d{1,2})\s*[、．.]\s*", text)
    if m and int(m.group(1)) == expected:
        return text[m.end():]
    return None


# Other line-level markers ---------------------------------------------------

COLUMN_TITLE = re.compile(r"^专栏\s*(\d{1,3}|[一二三四五六七八九十]+)(?:\s*[:：]\s*|\s+|(?=\p{Han}|[“《（]))(.*)$")
ANNEX = re.compile(rf"^(附件|附表|附录)\s*({NUMBER})?\s*[:：]?\s*(.*)$")
NOTE = re.compile(r"^注\s*[：:]\s*")
FIGURE_CAPTION = re.compile(r"(?:^图\s*\d+[\s.:：、]|(?:示意图|规划图|布局图|分布图|结构图|框架图|格局图)$)")
TABLE_CAPTION = re.compile(r"(?:^(?:附\s*)?表\s*\d+[\s.:：、]|(?:汇总表|指标表|一览表|情况表|计划表|项目表|清单)$)")
UNIT_LINE = re.compile(r"^(?:投资)?(?:计量)?单位\s*[:：]\s*(\S+)$")
PAGE_NUMBER = re.compile(r"^(?:[—–\-－]\s*\d{1,4}\s*[—–\-－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}|[-—]?\s*\d{1,4}\s*/\s*\d{1,4})$")

#: How a plan's title ends (…规划纲要, …计划（草案）).
PLAN_TITLE = re.compile(r"(?:规划|纲要|计划)(?:[（(](?:草案|征求意见稿|送审稿)[）)])?$")

#: Words of a table header row (indicator and project tables).
TABLE_HEADER_WORDS = re.compile(
    r"(指标|序号|属性|基期|目标值|年均增长|单位|项目名称|项目类别|建设内容|总投资|起止|20\d\d\s*年|类别|备注)"
)

#: Lead term of a 专栏 entry or topic sentence: a short clause ending in 。
LEAD_TERM = re.compile(r"^\s*([^，。；：,;:\s][^，。；：,;:]{0,17}?)\s*。")

# --------------------------------------------------------------------------
# Vocabularies for tables
# --------------------------------------------------------------------------

ATTRIBUTES = ("预期性", "约束性")
#: Qualifiers that wrap an indicator value.  Order matters: longer first.
QUALIFIER_PREFIXES = ("控制在", "预计超", "预计", "不低于", "不高于", "不少于", "低于", "高于",
                      "超过", "达到", "约", "超", "≥", "≤", ">", "<")
QUALIFIER_SUFFIXES = ("左右", "以内", "以上", "以下", "以下", "内")
QUALIFIER_PHRASES = ("完成市下达任务", "完成省下达任务", "完成国家下达任务",
                     "完成上级下达任务", "完成下达任务", "与经济增长同步", "与省市同步")
UNITS = ("%", "‰", "亿元", "万元", "元", "万人", "人", "万吨标准煤", "万吨", "吨", "件", "家",
         "个", "岁", "年", "亩", "公里", "平方公里", "万平方米", "平方米", "万立方米", "立方米",
         "位", "张", "辆", "千瓦", "万千瓦", "千伏", "天", "小时", "微克/立方米", "人/万人")


# --------------------------------------------------------------------------
# Table cells (tables stage): header words, cell types, value parsing
# --------------------------------------------------------------------------

#: Printed marks of an empty/not-applicable table cell (a null value, never 0).
NULL_MARKS = ("—", "——", "－", "-", "–", "/", "／", "…", "……", "无")
#: Words that lead into the number they qualify, so a space after them is an
#: extraction artefact inside one cell (``预计 99.8``, ``控制在 3.0``,
#: ``比 2010年``, ``到 2020 年底``).
#: (Not 增长/下降: an indicator name may end with them, ``地区生产总值增长 7左右``.)
NUMBER_LEADS = QUALIFIER_PREFIXES + ("比", "到", "至", "截至", "截止")
#: Measure words and units that follow a number inside one cell (``32 个大项``,
#: ``2020 年底``, ``4 个特色小镇``).
MEASURE_WORDS = ("年", "个", "项", "万", "亿", "元", "家", "件", "人", "岁", "亩", "吨", "所", "座",
                 "条", "处", "月", "日", "倍", "公里", "米", "平方", "立方", "千", "百", "户", "套",
                 "张", "位", "辆", "次", "天", "小时", "期")
#: Labels of total rows in project tables.
TOTAL_LABELS = ("合计", "总计", "小计")

_CN_NUM = r"[一二三四五六七八九十]+"
_NUM_BODY = r"[-+−－]?\d+(?:,\d{3})*(?:\.\d+)?"
_QPRE = "|".join(re.escape(x) for x in sorted(QUALIFIER_PREFIXES, key=len, reverse=True))
_QSUF = "|".join(re.escape(x) for x in sorted(set(QUALIFIER_SUFFIXES), key=len, reverse=True))

#: A value cell holding one number: optional qualifier prefix, optional
#: [brackets] (cumulative value), optional %/‰, optional qualifier suffix.
QUALIFIED_NUMBER = re.compile(
    rf"^(?P<pre>{_QPRE})?\s*(?P<open>[\[［【〔])?\s*(?P<num>{_NUM_BODY})\s*(?P<pct>%|‰|％)?\s*"
    rf"(?P<close>[\]］】〕])?\s*(?P<pct2>%|‰|％)?\s*(?P<suf>{_QSUF})?$")
#: A year range cell (建设起止年限): ``2019-2025``, ``2021—2025``, ``2020～2025年``.
YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:年)?\s*[-—–~～至－]\s*(\d{4})\s*年?$")
#: A count cell (``32个大项``) and a count inside a category name (``（3个大项）``).
COUNT_CELL = re.compile(r"^(\d+)\s*个\s*(?:大项|项目|子项|项)$")
COUNT_IN_NAME = re.compile(r"\s*[（(]\s*(?:共\s*)?(\d+)\s*个\s*(?:大项|项目|子项|项)\s*[）)]\s*$")
#: A unit in parentheses at the end of an indicator name (``（亿元）``, ``（%）``).
TRAILING_PAREN = re.compile(r"[（(]([^（）()]{1,12})[）)]\s*$")

#: Row labels at the start of a table row: total, category 一/一、, subcategory
#: （一）, item 1 / 1. / 1、 (a dot followed by a digit is a decimal, not a label).
ROW_LABEL_TOTAL = re.compile(rf"^({'|'.join(TOTAL_LABELS)})(?=\s|\d|$)")
ROW_LABEL_SUB = re.compile(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*")
ROW_LABEL_CAT = re.compile(rf"^({_CN_NUM})(?:\s*[、，,．.](?![\d])\s*|\s+)")
ROW_LABEL_ITEM = re.compile(r"^(\d{1,3})(?:\s*[.．、](?!\d)\s*|\s+)")

#: Header vocabulary: a header fragment that starts a new header cell (a
#: fragment alone on its line that does not match continues the cell above:
#: ``五年年均`` + ``增长``, ``年均增长`` + ``[累计]``, ``“十四五”`` + ``期间投资``).
HEADER_CELL_START = re.compile(
    r"^(?:序号|编号|指标|属性|项目|建设|总投资|计划|备注|单位|类别|领域|名称|基期|目标|规划|实际|年均|五年|"
    r"到|截至|截止|“|\"|\d{4}\s*年)")
#: Header text that marks a leaf column (not a group spanning sub-columns).
HEADER_LEAF = re.compile(r"(?:\d{4}\s*年|序号|编号|^指标$|属性|项目类别|项目名称|名称|内容|规模|投资|年限|起止|备注|单位)")

#: Column roles from header text, tried in this order.
HEADER_ROLES: tuple[tuple[str, re.Pattern], ...] = (
    ("seq", re.compile(r"^(?:序号|编号)$")),
    ("attribute", re.compile(r"属性")),
    ("amount_total", re.compile(r"总投资")),
    ("amount_before", re.compile(r"(?:累计完成|已完成|\d{4}\s*年\s*底|以前|之前)")),
    ("amount_period", re.compile(r"(?:期间投资|期间计划|计划投资|“十[一二三四五六七八九]五”.*投资|年度投资)")),
    ("years", re.compile(r"(?:起止|年限|建设期|建设年限)")),
    ("content", re.compile(r"(?:内容|规模)")),
    ("name", re.compile(r"(?:指标|项目类别|项目名称|名称|类别|领域)")),
    ("remark", re.compile(r"备注")),
)
#: Indicator measures from the header path of a value column.
MEASURE_GROWTH = re.compile(r"(?:增长|增速|累计\]|\[累计|年均)")
MEASURE_BASE = re.compile(r"(?:基期|基数|现状)")
MEASURE_TARGET = re.compile(r"(?:目标|规划|预期)")
MEASURE_ACTUAL = re.compile(r"(?:实际|完成情况|完成值)")
YEAR_IN_HEADER = re.compile(r"(\d{4})\s*年")


@dataclass(frozen=True, slots=True)
class CellValue:
    """A parsed value cell of an indicator table."""

    value: float | None
    qualifier: str | None
    is_cumulative: bool
    parsed: bool          # False: text that is neither a number, a null mark nor a phrase


def is_null_mark(text: str) -> bool:
    """True for a printed null cell (``—``, ``-``, ``/``) or an empty cell."""
    t = strip_all_space(text or "")
    return t == "" or t in NULL_MARKS


def parse_cell_value(text: str | None) -> CellValue:
    """Parse an indicator value cell: number (negative, decimal, full-width),
    qualifier (prefix, suffix or a whole phrase such as 完成市下达任务; a
    suffix wins over a prefix: ``控制在3.0以内`` → 以内), [brackets] →
    cumulative.  ``—`` and empty cells are null values."""
    t = strip_all_space(normalize_text(text or ""))
    if is_null_mark(t):
        return CellValue(None, None, False, True)
    if t in QUALIFIER_PHRASES:
        return CellValue(None, t, False, True)
    m = QUALIFIED_NUMBER.match(t)
    if m:
        num = m.group("num").replace(",", "").replace("−", "-").replace("－", "-")
        qual = m.group("suf") or m.group("pre")
        cum = bool(m.group("open") and m.group("close"))
        return CellValue(float(num), qual, cum, True)
    return CellValue(None, None, False, False)


def cell_type(text: str) -> str:
    """Type of a table cell text: ``attr`` (预期性/约束性), ``null`` (—),
    ``yrange`` (2019-2025), ``count`` (32个大项), ``num`` (a number with
    qualifiers/brackets), ``phrase`` (完成市下达任务) or ``text``."""
    t = strip_all_space(text)
    if t in ATTRIBUTES:
        return "attr"
    if is_null_mark(t):
        return "null"
    if YEAR_RANGE.match(t):
        return "yrange"
    if COUNT_CELL.match(t):
        return "count"
    if t in QUALIFIER_PHRASES:
        return "phrase"
    if QUALIFIED_NUMBER.match(t):
        return "num"
    return "text"


def split_unit(name: str) -> tuple[str, str | None]:
    """Indicator name → (name, unit) when it ends with a unit in parentheses:
    ``地区生产总值（亿元）`` → (地区生产总值, 亿元).  Inner parentheses
    (``（R&D）``, ``（PM2.5）``) and non-unit endings are kept."""
    m = TRAILING_PAREN.search(name)
    if m:
        u = strip_all_space(m.group(1))
        if u in UNITS or u in ("‰", "％") or re.fullmatch(r"[万亿千百]?[\p{Han}/·]{0,6}", u) and \
                any(u.endswith(x) for x in UNITS if x not in ("%",)):
            return name[:m.start()].rstrip(), "%" if u == "％" else u
    return name, None


def row_label(text: str) -> tuple[str, int | None, str, str] | None:
    """Row label at the start of a table line → (kind, number, label, rest);
    kind is ``total`` (合计), ``cat`` (一 / 一、), ``sub`` (（一）) or ``item``
    (1 / 1. / 1、)."""
    t = text.strip()
    m = ROW_LABEL_TOTAL.match(t)
    if m:
        return "total", None, m.group(1), t[m.end():].strip()
    m = ROW_LABEL_SUB.match(t)
    if m:
        return "sub", parse_number(m.group(1)), m.group(0).strip(), t[m.end():].strip()
    m = ROW_LABEL_CAT.match(t)
    if m and t[m.end():].strip():
        return "cat", parse_number(m.group(1)), m.group(0).strip(), t[m.end():].strip()
    m = ROW_LABEL_ITEM.match(t)
    if m and t[m.end():].strip():
        return "item", int(m.group(1)), m.group(0).strip(), t[m.end():].strip()
    return None


def header_role(text: str) -> str | None:
    """Role of a table column from its header text (see :data:`HEADER_ROLES`)."""
    t = strip_all_space(text)
    for role, rx in HEADER_ROLES:
        if rx.search(t):
            return role
    return None


# --------------------------------------------------------------------------
# Term harvesting
# --------------------------------------------------------------------------

#: A quoted term: “双区”, “侨梦苑”.
QUOTED_TERM = re.compile(r"“([^“”\n]{1,40})”")
#: Tokens that are only a number or a count (3, 2025年, 十大, 5个).
NUMERIC_TOKEN = re.compile(r"^[零〇一二两三四五六七八九十百千万亿\d.,%‰+\-—]+[个项家年月日号大条座批次倍类种是期级届轮点]?$")
#: A label that is only numbering (``1``, ``（二）``, ``3.``), not a lead term.
NUMERIC_LABEL = re.compile(r"^[\d一二三四五六七八九十（）()、.．]+$")


# --------------------------------------------------------------------------
# Structure cues (moved here from the stage modules)
# --------------------------------------------------------------------------

#: End of the title clause of a run-in heading (``（一）加快发展先进制造业。坚持…``).
RUNIN_TITLE_END = re.compile(r"[。：:]")
#: Cues that a text line is a table row, not body text: a year range, an
#: indicator attribute, a dash cell or a number cell between spaces.
TABLE_ROW_CUE = re.compile(r"(\d{4}\s*[-—–~～]\s*\d{4}|预期性|约束性|\s[—–-]\s|\s\d[\d.,]*\s)")
#: A table-of-contents entry ends in leader dots or a wide gap and a page number.
TOC_ENTRY = re.compile(r"(?:[…⋯·.．\-—_]{2,}|\s{2,}|…)\s*\d{1,4}\s*$")
#: The heading of a table of contents (目录, 目 录).
TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
#: A cell holding only a category number (``一``, ``二、``) or an item number (``1``, ``2.``).
CN_NUMBER_ONLY = re.compile(r"^([一二三四五六七八九十]+)[、.．]?$")
ARABIC_NUMBER_ONLY = re.compile(r"^(\d{1,3})[、.．]?$")
#: A header fragment that starts with a year (``2020年``).
YEAR_START = re.compile(r"^\d{4}\s*年")
#: Font names of a heavy face: Bold/Black/Heavy, and 黑体 (“Hei”: SimHei,
#: STHeiti …), the conventional heavy face of Chinese official documents.
BOLD_FONT_NAME = re.compile(r"(?i)(bold|black|heavy|semibold|demibold|[-,]bd\b|hei(?!ght))")
#: Characters that cannot be inside a harvested term.
NOT_IN_TERM = re.compile(r"[，,。；;：:！!？?、“”‘’《》\s]")
#: A token that is only a number.
NUMBER_ONLY = re.compile(r"^[\d.,%‰]+$")
