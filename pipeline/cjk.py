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
from functools import lru_cache

import regex as re

# --------------------------------------------------------------------------
# Patterns compiled on first use
# --------------------------------------------------------------------------


class _Lazy:
    """A module-level pattern of this module, compiled on first use; the
    module's name for it is then rebound to the compiled pattern, so later
    uses (``cjk.NAME.match`` elsewhere, ``NAME.match`` here) cost nothing
    extra.  Compiling all ~80 patterns takes 30-50 ms at every start-up;
    a parse of a short plan uses fewer than half of them (a 114-page one
    about three quarters), the page workers only a few."""

    __slots__ = ("args", "kwargs", "names", "compiled")

    def __init__(self, pattern: str, flags: int = 0, **kwargs):
        self.args, self.kwargs = (pattern, flags), kwargs
        self.names: tuple[str, ...] = ()          # set at the end of the module
        self.compiled = None

    def get(self):
        """The compiled pattern (compiled now if it is not yet)."""
        p = self.compiled
        if p is None:
            p = self.compiled = re.compile(*self.args, **self.kwargs)
            g = globals()
            for name in self.names:
                if g.get(name) is self:
                    g[name] = p
        return p

    def __getattr__(self, attr: str):
        return getattr(self.get(), attr)



def compile_all() -> None:
    """Compile every pattern of this module now (tests: each one is valid)."""
    for v in list(globals().values()):
        if isinstance(v, _Lazy):
            v.get()

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

_IDEOGRAPH = _Lazy(r"\p{Han}")
_LATIN_OR_DIGIT = _Lazy(r"[A-Za-z0-9]")


def is_ideograph(ch: str) -> bool:
    """True for a Han ideograph (including 〇)."""
    return bool(ch) and (ch == "〇" or bool(_IDEOGRAPH.fullmatch(ch)))


def han_count(text: str) -> int:
    """Number of Han ideographs in ``text``."""
    return len(_IDEOGRAPH.findall(text))


def char_width(ch: str) -> float:
    """Display width of one character: CJK (wide, full-width or East-Asian
    ambiguous such as “ ” —) counts 1, ASCII and other narrow characters ½."""
    if ch in " \t":
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


#: char_width per character, memoised: display_width runs over every line
#: of a plan (halves and wholes add exactly in floating point, so summing
#: cached values gives the same result as before)
_char_width = lru_cache(maxsize=None)(char_width)


def display_width(text: str) -> float:
    """Display width of a string (see :func:`char_width`), ends stripped."""
    return float(sum(map(_char_width, text.strip())))


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


_COMPAT_RE = _Lazy(r"[\u2E80-\u2FDF\uF900-\uFAFF\U0002F800-\U0002FA1F]")


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
CONTROL_CHARS = _Lazy(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# What a terminal must never receive raw: every C0/C1 control (ESC, BEL,
# CR, newline …) and the bidirectional overrides that reorder a line.
_TERMINAL_UNSAFE = _Lazy(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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
_IMPLAUSIBLE = _Lazy(r"[\p{Cc}\p{Co}\p{Cs}\p{Cn}\uFFFD\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u036F]")


def implausible_count(text: str) -> int:
    """How many characters of ``text`` are not plausible plan text (see
    above): a high share on a page means a damaged font or content stream."""
    return len(_IMPLAUSIBLE.findall(text))


# Text typed or extracted "spaced out" (a newspaper archive's export): a
# space between all characters of a number (``2 0 0 5 年``, ``1 5 %``, ``6 .5``),
# around every punctuation mark, ASCII ``,`` ``;`` ``:`` and straight quotes in
# Chinese text, ``- -`` for a dash.  Recognised per document (a table row's
# single-digit cells ``1 2`` must not be merged in a normal text), then
# repaired line by line.
_SPACED_NUMBER = _Lazy(r"(?<![\d.])\d[\d.%]?(?: [\d.%]{1,2})+(?![\d.%])")
_SPACED_CUE = _Lazy(r"\d(?: \d)+ ?[年月日%万亿元个]|\p{Han} [,;，。、；：] ?\p{Han}")
_CJK_PUNCT_SPACES = _Lazy(r" *([，。、；：！？）》」』】”’]) *| *([（《「『【“‘]) *")
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_ASCII_PUNCT_CJK = _Lazy(r"(?:(?<=[\p{Han}”’）》\d%])|^) *([,;:!?]) *(?=[\p{Han}“‘（《\s]|$)")
_DASH_PAIR = _Lazy(r"(?<![A-Za-z0-9-])- ?-(?![A-Za-z0-9-])")
_SPACE_BETWEEN_HAN = _Lazy(r"(?<=\p{Han}) +(?=\p{Han})")


def spaced_style(text: str) -> bool:
    """True if the document is written spaced out (see above): the cues recur."""
    sample = text[:300_000]
    return len(_SPACED_CUE.findall(sample)) >= max(5, len(sample) // 5000)


def pair_quotes(texts: list[str]) -> list[str]:
    """Straight double quotes in Chinese text → “ ”, alternating through the
    texts in order (a quotation may run over a line break), with the spaces
    inside the quotes removed."""
    out: list[str] = []
    opened = False
    for t in texts:
        if '"' not in t:
            out.append(t)
            continue
        parts = t.split('"')
        cur = parts[0]
        for p in parts[1:]:
            cur = cur.rstrip(" ") + ("”" if opened else "“")
            opened = not opened
            cur += p.lstrip(" ") if opened else p
        out.append(cur)
    return out


def repair_spacing(line: str) -> str:
    """One line of a spaced-out document written as Chinese text is:
    ``2 0 0 5 年`` → ``2005年``, ``1 5 %`` → ``15%``, ``发展 , 提高`` →
    ``发展，提高``, ``" 十五 "`` → ``“十五”``, ``- -`` → ``——``.  Spaces between
    two ideographs are kept (they may separate two names)."""
    t = _SPACED_NUMBER.sub(lambda m: m.group(0).replace(" ", ""), line)
    t = _DASH_PAIR.sub("——", t)
    if t.count('"') % 2 == 0:
        t = pair_quotes([t])[0]
    t = _ASCII_PUNCT_CJK.sub(lambda m: _ASCII_PUNCT[m.group(1)], t)
    t = _CJK_PUNCT_SPACES.sub(lambda m: m.group(1) or m.group(2), t)
    # a space left between a number and Chinese text
    t = re.sub(r"(?<=[\d%])\s+(?=\p{Han})|(?<=\p{Han})\s+(?=\d)", "", t)
    return t
# --------------------------------------------------------------------------
# OCR confusions
# --------------------------------------------------------------------------

#: Half-width punctuation an OCR engine reads for the full-width marks of
#: Chinese text: next to a Chinese character it is the full-width mark (the
#: printed text of a Chinese plan sets its punctuation full-width).
_OCR_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
#: Marks that read as 〇 (the numeral zero) between Chinese numerals
#: (二〇二五): the letter O/o, the digit 0, the white circle ○ and similar.
_OCR_ZERO = set("Oo0○◯〇Ｏｏ")
#: Dash-like marks: a run of two that is not 一一 is the Chinese dash ——.
_OCR_DASH = set("-－—―─一")


def normalize_ocr(text: str) -> str:
    """Normalise the confusions an OCR engine makes in this vocabulary, one
    character for one character (OCR character boxes stay aligned), after
    :func:`normalize_text`:

    * half-width ``, ; : ! ? ( )`` next to a Chinese character (or, for
      parentheses, enclosing text that starts or ends with one) → the
      full-width mark; ``.`` after a Chinese character at the end of a clause
      is kept (it may be a list number ``1.`` read after a label);
    * ``O``/``o``/``0``/``○`` between two Chinese numerals → ``〇`` (二〇二五);
    * a run of two or more dash-like marks (``--``, ``一—``, ``──``) that is not
      ``一一``, next to Chinese text or opening the line → ``——`` (a lone
      mark is left alone: ``一`` is also the numeral, ``-`` a range);
    * ``％`` and full-width digits/letters are already folded by
      :func:`normalize_text`; Roman numerals (``Ⅲ``) are spelt out before
      (:data:`OCR_EXPAND`: one character becomes several, so the caller
      splits its box).
    """
    text = normalize_text(text)
    # a mark made full-width can make its neighbour full-width too: repeat
    # until nothing changes (a fixed point, so the function is idempotent)
    for _ in range(len(text) + 1):
        new = _ocr_dashes(_ocr_marks(text))
        if new == text:
            break
        text = new
    return text


def _ocr_dashes(chars: list[str]) -> str:
    """One pass of :func:`normalize_ocr` over runs of dash-like marks."""
    n = len(chars)
    han = [is_ideograph(c) or c in CHINESE_PUNCT for c in chars]
    i = 0
    while i < n:
        if chars[i] in _OCR_DASH:
            j = i
            while j < n and chars[j] in _OCR_DASH:
                j += 1
            run = chars[i:j]
            touches = (i > 0 and han[i - 1]) or (j < n and han[j]) or i == 0
            if j - i >= 2 and not all(c == "一" for c in run) and (touches or all(c in "—―─" for c in run)):
                chars[i:j] = ["—"] * (j - i)
            i = j
        else:
            i += 1
    return "".join(chars)


def _ocr_marks(text: str) -> list[str]:
    """One pass of :func:`normalize_ocr` over punctuation and zeros."""
    chars = list(text)
    n = len(chars)
    han = [is_ideograph(c) or c in CHINESE_PUNCT for c in chars]
    for i, c in enumerate(chars):
        if c in _OCR_FULL:
            left = han[i - 1] if i > 0 else False
            right = han[i + 1] if i + 1 < n else False
            if c == "(":
                close = text.find(")", i + 1)
                close = text.find("）", i + 1) if close < 0 else close
                inner_han = close > i + 1 and (han[i + 1] or han[close - 1])
                if left or right or inner_han or (close > i and text[close] == "）"):
                    chars[i] = "（"
            elif c == ")":
                open_ = max(text.rfind("(", 0, i), text.rfind("（", 0, i))
                inner_han = open_ >= 0 and open_ + 1 < i and (han[open_ + 1] or han[i - 1])
                if left or right or inner_han or (open_ >= 0 and text[open_] == "（"):
                    chars[i] = "）"
            elif c in ":," and 0 < i < n - 1 and chars[i - 1].isdigit() and chars[i + 1].isdigit():
                continue      # a time of day (10:30), a thousands separator (1,000)
            elif left or right:
                chars[i] = _OCR_FULL[c]
        elif c in _OCR_ZERO and 0 < i < n - 1 and chars[i - 1] in _CN_NUMERALS and chars[i + 1] in _CN_NUMERALS:
            chars[i] = "〇"
    return chars


#: Characters an OCR engine reads for several printed ones: Roman numerals
#: (Ⅲ类水体 is printed III — the same glyphs): their compatibility form.
OCR_EXPAND = {chr(0x2160 + k): unicodedata.normalize("NFKC", chr(0x2160 + k)) for k in range(16)} | \
    {chr(0x2170 + k): unicodedata.normalize("NFKC", chr(0x2170 + k)) for k in range(16)}


def is_lone_bar(text: str) -> bool:
    """One or two horizontal bars and nothing else (``一``, ``-``, ``—``,
    ``_``; spaces aside): what OCR reads for a dash, and for the numeral 一."""
    t = strip_all_space(text)
    return 0 < len(t) <= 2 and all(c in _OCR_DASH or c == "_" for c in t)


def ocr_lone_bar(text: str, column: list[str]) -> str:
    """A table cell that OCR read as one or two horizontal bars only (``一``,
    ``-``, ``—``): the dash of an empty value (``—``/``——``) — unless the
    other cells of its column are Chinese numerals (a 序号 column: 一, 二 …),
    where a bar is the numeral 一.  Any other text is returned unchanged."""
    if not is_lone_bar(text):
        return text
    t = strip_all_space(text)
    # the column's other lone bars are no evidence either way (a column of
    # dashes read as 一 is still a column of dashes): only numerals that
    # cannot be a bar (二, 三, 十一 …) make it a 序号 column
    cells = [x for x in map(strip_all_space, column) if x and not is_lone_bar(x)]
    numerals = sum(1 for x in cells if CN_NUMBER_ONLY.match(x))
    others = len(cells) - numerals
    if numerals > others:
        return "一" * len(t)
    return "—" * len(t)


#: Chinese (full-width) punctuation: a neighbour that makes a half-width
#: mark read by OCR full-width.
CHINESE_PUNCT = "，。、；：？！“”‘’（）《》【】——…"
_CN_NUMERALS = set("〇一二三四五六七八九十")


def _is_latin(ch: str) -> bool:
    return bool(_LATIN_OR_DIGIT.fullmatch(ch)) or ch in ".%+-/&"


_SPACE_RUN = _Lazy(r"\s+")


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


#: Line-breaking rules of Chinese typesetting (禁则, GB/T 15834 practice):
#: these never begin a line …
NO_LINE_START = "，。、；：！？…‥）》」』】〕〉”’%‰·,.;:!?)]}"
#: … and these never end one (they go down with the character after them).
NO_LINE_END = "（《「『【〔〈“‘([{"
_WORD = _Lazy(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-]*")


def lead_token(text: str) -> str:
    """The shortest piece a line can begin with: the characters that would
    have had to fit at the end of the line before for the break to fall
    elsewhere.  Opening marks go with the character after them, a Latin word
    or number is unbreakable, a dash or ellipsis pair is one piece, and marks
    that cannot begin a line go with the character before them (``金，``)."""
    t = text.strip()
    i = 0
    while i < len(t) and t[i] in NO_LINE_END:
        i += 1
    if i < len(t):
        m = _WORD.match(t, i) if t[i].isascii() and t[i].isalnum() else None
        if m:
            i = m.end()
        elif t[i] in "—…":
            j = i
            while j < len(t) and t[j] == t[i]:
                j += 1
            i = j
        else:
            i += 1
    while i < len(t) and t[i] in NO_LINE_START:
        i += 1
    return t[:i]


def lead_token_width(text: str) -> float:
    """Display width of :func:`lead_token` (``金，`` is two characters wide)."""
    return display_width(lead_token(text))


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
    strong: bool       # 第N篇/编/部分/章/节: unambiguous outline markers
    damaged: bool = False  # the label lost a character in extraction (``一）`` for ``（一）``,
                           # ``第=节``): only the numbering sequence can confirm it


#: The words of the strong outline labels (第N篇 / 第N编 / 第N部分 are parts).
STRONG_WORDS = "篇|编|部分|章|节"
_STRONG = _Lazy(rf"^第\s*({NUMBER})\s*({STRONG_WORDS})")
_STRONG_RANK = {"篇": RANK_PART, "编": RANK_PART, "部分": RANK_PART, "章": RANK_CHAPTER, "节": RANK_SECTION}
#: A strong label anywhere in a text (headings run together or appended to a
#: paragraph by the extraction: ``…人才保障 。第四节增进民族团结``).
STRONG_LABEL_ANYWHERE = _Lazy(rf"第\s*({NUMBER})\s*({STRONG_WORDS})")
_WEAK = [
    (RANK_CN, re.compile(rf"^({CN_NUMERAL})\s*([、，,．.])(?![\d{CN_DIGITS}十])")),
    (RANK_PCN, re.compile(rf"^[（(]\s*({CN_NUMERAL})\s*[）)]")),
    (RANK_AR, re.compile(r"^(\d{1,2})\s*([、．.](?!\d)|\s+(?=\p{Han}))")),
    (RANK_PAR, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]")),
    (RANK_CIRCLED, re.compile(r"^([①-⑳])")),
]


@lru_cache(maxsize=16384)
def match_numbering(text: str) -> Numbering | None:
    """Recognise the outline numbering at the start of ``text`` (cached: the
    structure passes ask about the same lines many times)."""
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


# Labels damaged by extraction: a lost opening bracket (a PDF whose ToUnicode
# map lost “（”: `` 一）指导思想``), a lost closing bracket, a numeral the
# extraction garbled (``第=节``, OCR).  Recognised only at the start of a line
# and accepted only where the numbering sequence expects that rank.
_DAMAGED = [
    (RANK_PCN, re.compile(rf"^({CN_NUMERAL})\s*[）)]")),
    (RANK_PCN, re.compile(rf"^[（(]\s*({CN_NUMERAL})\s+(?=\p{{Han}}|[“\"《])")),
    (RANK_PAR, re.compile(r"^(\d{1,2})\s*[）)](?!\d)")),
    # ``2，大力发展…`` / ``6科技教育…``: the dot typed as a comma, or lost
    (RANK_AR, re.compile(r"^(\d{1,2})\s*[，,](?!\d)")),
    (RANK_AR, re.compile(r"^(\d{1,2})(?=\p{Han})(?!年|月|日|个|万|亿|千|百|多|余|项|家|名|人|岁|倍|次|天|条|座|所|种|类|期)")),
]
_STRONG_DAMAGED = _Lazy(rf"^第\s*([^\s\p{{Han}}]{{1,2}}|[^\s篇编章节部]{{1,2}}?)\s*({STRONG_WORDS})")


def match_damaged_numbering(text: str) -> Numbering | None:
    """A numbering label that lost a character in extraction (see
    :data:`_DAMAGED`); ``number`` is 0 when the numeral itself is unreadable
    (the sequence supplies it).  None if the text has an intact label."""
    t = text.lstrip()
    if match_numbering(t) is not None:
        return None
    for rank, rx in _DAMAGED:
        m = rx.match(t)
        if m:
            n = parse_number(m.group(1))
            if not n:
                continue
            label = f"{m.group(1)}." if rank == RANK_AR else f"（{m.group(1)}）"
            return Numbering(rank, n, label, t[m.end():], False, True)
    m = _STRONG_DAMAGED.match(t)
    if m and parse_number(m.group(1)) is None:
        return Numbering(_STRONG_RANK[m.group(2)], 0, m.group(0).replace(" ", ""), t[m.end():], True, True)
    return None


def strong_label(kind_word: str, number: int) -> str:
    """The canonical label of a strong heading: ``第十三章``."""
    return f"第{to_chinese_numeral(number)}{kind_word}"


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

COLUMN_TITLE = _Lazy(r"^专栏\s*(\d{1,3}|[一二三四五六七八九十]+)(?:\s*[:：]\s*|\s+|(?=\p{Han}|[“《（]))(.*)$")
ANNEX = _Lazy(rf"^(附件|附表|附录)\s*({NUMBER})?\s*[:：]?\s*(.*)$")
NOTE = _Lazy(r"^注\s*[：:]\s*")
FIGURE_CAPTION = _Lazy(r"(?:^图\s*\d+[\s.:：、]|(?:示意图|规划图|布局图|分布图|结构图|框架图|格局图)$)")
TABLE_CAPTION = _Lazy(r"(?:^(?:附\s*)?表\s*\d+[\s.:：、]|(?:汇总表|指标表|一览表|情况表|计划表|项目表|清单)$)")
UNIT_LINE = _Lazy(r"^(?:投资)?(?:计量)?单位\s*[:：]\s*(\S+)$")
PAGE_NUMBER = _Lazy(r"^(?:[—–\-－]\s*\d{1,4}\s*[—–\-－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}|[-—]?\s*\d{1,4}\s*/\s*\d{1,4})$")

#: Front and back matter of an official document (GB/T 9704 公文 and its web and
#: newspaper reprints): the issuing notice, its date line, the colophon (版记), a
#: source header printed above the text, the adoption note under a title.
# (the notice's title and date line: NOTICE and CN_DATE in "Plan metadata" below)
COLOPHON_CUE = _Lazy(r"(?:\d{4}\s*年.{1,6}日\s*印\s*发|抄\s*送\s*[：:]|主\s*送\s*[：:]|[初终]?\s*校\s*(?:对)?\s*[：:]|责任编辑\s*[：:])")
SOURCE_HEADER = _Lazy(r"(?:www\.|https?://|\.gov\.cn|\.com\b|分类号\s*[:：]|第\s*[A-Z]?\s*\d[\d\s]*版)")
ADOPTION_NOTE = _Lazy(r"(?:通过|批准|审议|印发|发布)\s*[）)]?\s*$")
GLOSSARY_TITLE = _Lazy(r"^\s*(?:附\s*[：:]?\s*)?(?:名\s*词\s*解\s*释|术\s*语\s*解\s*释|名\s*词\s*术\s*语)\s*$")
# How a plan's title ends (…规划纲要, …计划（草案）): PLAN_TITLE, in "Plan metadata" below.

#: Words of a table header row (indicator and project tables).
TABLE_HEADER_WORDS = _Lazy(
    r"(指标|序号|属性|基期|目标值|年均增长|单位|项目名称|项目类别|建设内容|总投资|起止|20\d\d\s*年|类别|备注)"
)

#: Lead term of a 专栏 entry or topic sentence: a short clause ending in 。
LEAD_TERM = _Lazy(r"^\s*([^，。；：,;:\s][^，。；：,;:]{0,17}?)\s*。")

# --------------------------------------------------------------------------
# Vocabularies for tables
# --------------------------------------------------------------------------

ATTRIBUTES = ("预期性", "约束性")


def attribute_word(text: str) -> str | None:
    """``预期性``/``约束性`` when a cell says only that (spaces inside
    ignored: ``预 期 性``), else None."""
    t = strip_all_space(text)
    return t if t in ATTRIBUTES else None


#: Qualifiers that wrap an indicator value.  Order matters: longer first.
QUALIFIER_PREFIXES = ("控制在", "预计超", "预计", "不低于", "不高于", "不少于", "低于", "高于",
                      "超过", "达到", "约", "超", "≥", "≤", ">", "<")
QUALIFIER_SUFFIXES = ("左右", "以内", "以上", "以下", "以下", "内")
QUALIFIER_PHRASES = ("完成市下达任务", "完成省下达任务", "完成国家下达任务",
                     "完成上级下达任务", "完成下达任务", "与经济增长同步", "与省市同步")
#: Value cells that are a target in words, not a number: the phrases above and
#: their family — ``完成市下达目标``, ``完成省下达指标``, ``达到国家要求``,
#: ``与经济增长基本同步``, ``新增一批``, ``持续提升``, ``稳步提高`` (a qualifier
#: with no value).
QUALIFIER_PHRASE = _Lazy(
    r"^(?:(?:完成|达到|实现|落实)(?:国家|省|省级|市|市级|区|县|上级)?(?:下达|核定|确定|规定)?的?"
    r"(?:任务|目标|指标|要求|计划)(?:任务|值)?"
    r"|与[\p{Han}]{1,10}(?:基本)?同步(?:增长)?"
    r"|(?:新增|建成|培育|打造|引进)一批"
    r"|(?:持续|稳步|逐步|不断|进一步|明显|显著|大幅)(?:提升|提高|增长|增加|下降|降低|改善|优化|扩大|减少)"
    r"|(?:保持|维持)(?:稳定|领先|全省前列|全市前列))$")
UNITS = ("%", "‰", "亿元", "万元", "元", "万人", "人", "万吨标准煤", "万吨", "吨", "件", "家",
         "个", "岁", "年", "亩", "公里", "平方公里", "万平方米", "平方米", "万立方米", "立方米",
         "位", "张", "辆", "千瓦", "万千瓦", "千伏", "天", "小时", "微克/立方米", "人/万人")
#: Counting units an indicator name may end with (``（万人次）``, ``（场次）``),
#: recognised as units in table names only (not dictionary words).
COUNT_UNITS = ("人次", "万人次", "场次", "次", "项", "处", "座", "所", "户", "套", "批次", "批")


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
QUALIFIED_NUMBER = _Lazy(
    rf"^(?P<pre>{_QPRE})?\s*(?P<open>[\[［【〔])?\s*(?P<num>{_NUM_BODY})\s*(?P<pct>%|‰|％)?\s*"
    rf"(?P<close>[\]］】〕])?\s*(?P<pct2>%|‰|％)?\s*(?P<suf>{_QSUF})?$")
#: A range of values (``3-5``, ``40—45``, ``3～5%``, ``10至15``): low, high,
#: optional %/‰ and qualifier suffix.  Tried after a single number, so a lone
#: negative number (``-0.5``) is not a range; a year range is its own type.
VALUE_RANGE = _Lazy(
    rf"^(?P<pre>{_QPRE})?\s*(?P<lo>{_NUM_BODY})\s*(?P<pct1>%|‰|％)?\s*(?:[-—–~～至－]+|到)\s*"
    rf"(?P<hi>{_NUM_BODY})\s*(?P<pct>%|‰|％)?\s*(?P<suf>{_QSUF})?$")
#: A year range cell (建设起止年限): ``2019-2025``, ``2021—2025``, ``2020～2025年``.
YEAR_RANGE = _Lazy(r"^(\d{4})\s*(?:年)?\s*[-—–~～至－]\s*(\d{4})\s*年?$")
#: A count cell (``32个大项``) and a count inside a category name (``（3个大项）``).
COUNT_CELL = _Lazy(r"^(\d+)\s*个\s*(?:大项|项目|子项|项)$")
COUNT_IN_NAME = _Lazy(r"\s*[（(]\s*(?:共\s*)?(\d+)\s*个\s*(?:大项|项目|子项|项)\s*[）)]\s*$")
#: A unit in parentheses at the end of an indicator name (``（亿元）``, ``（%）``).
TRAILING_PAREN = _Lazy(r"[（(]([^（）()]{1,12})[）)]\s*$")

#: Row labels at the start of a table row: total, category 一/一、, subcategory
#: （一）, item 1 / 1. / 1、 (a dot followed by a digit is a decimal, not a label).
ROW_LABEL_TOTAL = _Lazy(rf"^({'|'.join(TOTAL_LABELS)})(?=\s|\d|$)")
ROW_LABEL_SUB = _Lazy(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*")
ROW_LABEL_CAT = _Lazy(rf"^({_CN_NUM})(?:\s*[、，,．.](?![\d])\s*|\s+)")
ROW_LABEL_ITEM = _Lazy(r"^(\d{1,3})(?:\s*[.．、](?!\d)\s*|\s+)")

#: Header vocabulary: a header fragment that starts a new header cell (a
#: fragment alone on its line that does not match continues the cell above:
#: ``五年年均`` + ``增长``, ``年均增长`` + ``[累计]``, ``“十四五”`` + ``期间投资``).
HEADER_CELL_START = _Lazy(
    r"^(?:序号|编号|指标|属性|项目|建设|总投资|计划|备注|单位|类别|领域|名称|基期|目标|规划|实际|年均|五年|"
    r"到|截至|截止|“|\"|\d{4}\s*年)")
#: Header text that marks a leaf column (not a group spanning sub-columns).
HEADER_LEAF = _Lazy(r"(?:\d{4}\s*年|序号|编号|^指标$|属性|项目类别|项目名称|名称|内容|规模|投资|年限|起止|备注|单位)")

#: Column roles from header text, tried in this order.
HEADER_ROLES: tuple[tuple[str, re.Pattern], ...] = (
    ("seq", re.compile(r"^(?:序号|编号)$")),
    ("attribute", re.compile(r"属性")),
    # a column of its own for the unit (``单位``, ``计量单位``; not 责任单位)
    ("unit", re.compile(r"^(?:计量)?单位$")),
    # the organisation in charge of a project or target: not a unit, not a name
    ("org", re.compile(r"(?:责任|牵头|建设|实施|业主|主管|主体)(?:单位|部门)")),
    # a category column (vertically merged labels) headed as such
    ("category", re.compile(r"^(?:指标)?(?:类别|分类|类型|领域|维度)$")),
    ("amount_total", re.compile(r"总投资")),
    ("amount_before", re.compile(r"(?:累计完成|已完成|\d{4}\s*年\s*底|以前|之前)")),
    ("amount_period", re.compile(r"(?:期间投资|期间计划|计划投资|“十[一二三四五六七八九]五”.*投资|年度投资)")),
    ("years", re.compile(r"(?:起止|年限|建设期|建设年限)")),
    ("content", re.compile(r"(?:内容|规模)")),
    ("name", re.compile(r"(?:指标|项目类别|项目名称|名称|类别|领域)")),
    ("remark", re.compile(r"备注")),
)
#: Indicator measures from the header path of a value column.
MEASURE_GROWTH = _Lazy(r"(?:增长|增速|累计\]|\[累计|年均)")
MEASURE_BASE = _Lazy(r"(?:基期|基数|现状)")
MEASURE_TARGET = _Lazy(r"(?:目标|规划|预期)")
MEASURE_ACTUAL = _Lazy(r"(?:实际|完成情况|完成值)")
YEAR_IN_HEADER = _Lazy(r"(\d{4})\s*年")


@dataclass(frozen=True, slots=True)
class CellValue:
    """A parsed value cell of an indicator table."""

    value: float | None
    qualifier: str | None
    is_cumulative: bool
    parsed: bool          # False: text that is neither a number, a null mark nor a phrase
    value_max: float | None = None   # upper end of a range (``3-5`` → value 3, value_max 5)


def is_null_mark(text: str) -> bool:
    """True for a printed null cell (``—``, ``-``, ``/``) or an empty cell."""
    t = strip_all_space(text or "")
    return t == "" or t in NULL_MARKS


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-").replace("－", "-"))


def is_qualifier_phrase(text: str) -> bool:
    """A target in words (``完成市下达任务``, ``新增一批``, ``与经济增长同步``)."""
    t = strip_all_space(text)
    return t in QUALIFIER_PHRASES or bool(QUALIFIER_PHRASE.match(t))


def parse_cell_value(text: str | None) -> CellValue:
    """Parse an indicator value cell: number (negative, decimal, full-width),
    qualifier (prefix, suffix or a whole phrase such as 完成市下达任务; a
    suffix wins over a prefix: ``控制在3.0以内`` → 以内), [brackets] →
    cumulative, a range (``3-5``, ``40—45%``) → value and ``value_max``.
    ``—`` and empty cells are null values."""
    t = strip_all_space(normalize_text(text or ""))
    if is_null_mark(t):
        return CellValue(None, None, False, True)
    if is_qualifier_phrase(t):
        return CellValue(None, t, False, True)
    m = QUALIFIED_NUMBER.match(t)
    if m:
        qual = m.group("suf") or m.group("pre")
        cum = bool(m.group("open") and m.group("close"))
        return CellValue(_number(m.group("num")), qual, cum, True)
    m = VALUE_RANGE.match(t)
    if m and not YEAR_RANGE.match(t):
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        if lo <= hi:
            return CellValue(lo, m.group("suf") or m.group("pre"), False, True, hi)
    return CellValue(None, None, False, False)


def cell_type(text: str) -> str:
    """Type of a table cell text: ``attr`` (预期性/约束性), ``null`` (—),
    ``yrange`` (2019-2025), ``count`` (32个大项), ``num`` (a number with
    qualifiers/brackets, or a range ``3-5``), ``phrase`` (完成市下达任务,
    新增一批) or ``text``."""
    t = strip_all_space(text)
    if t in ATTRIBUTES:
        return "attr"
    if is_null_mark(t):
        return "null"
    if YEAR_RANGE.match(t):
        return "yrange"
    if COUNT_CELL.match(t):
        return "count"
    if is_qualifier_phrase(t):
        return "phrase"
    if QUALIFIED_NUMBER.match(t) or (VALUE_RANGE.match(t) and parse_cell_value(t).parsed):
        return "num"
    return "text"


def split_unit(name: str) -> tuple[str, str | None]:
    """Indicator name → (name, unit) when it ends with a unit in parentheses:
    ``地区生产总值（亿元）`` → (地区生产总值, 亿元).  Inner parentheses
    (``（R&D）``, ``（PM2.5）``) and non-unit endings are kept."""
    m = TRAILING_PAREN.search(name)
    if m:
        u = strip_all_space(m.group(1))
        units = UNITS + COUNT_UNITS
        if u in units or u in ("‰", "％") or re.fullmatch(r"[万亿千百]?[\p{Han}/·]{0,6}", u) and \
                any(u.endswith(x) for x in units if x not in ("%",)):
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


def row_label_bare(text: str) -> tuple[str, int | None, str, str] | None:
    """A row label printed alone in its cell (a 序号 column: ``1``, ``一``)
    → (kind, number, label, ""), else None (see :func:`row_label`)."""
    t = text.strip()
    if re.fullmatch(r"\d{1,3}", t):
        return "item", int(t), t, ""
    if re.fullmatch(_CN_NUM, t):
        n = parse_number(t)
        return ("cat", n, t, "") if n is not None else None
    return None


def bracket_depth(text: str) -> int:
    """Round brackets ``text`` leaves open (full- or half-width): > 0 when a
    unit such as ``（件）`` was cut by a line break."""
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def closes_bracket(text: str) -> bool:
    """``text`` closes a bracket before it opens one (``件）``, ``）``)."""
    t = text.strip()
    close = min((t.find(c) for c in "）)" if c in t), default=-1)
    return close >= 0 and all(c not in t[:close] for c in "（(")


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
QUOTED_TERM = _Lazy(r"“([^“”\n]{1,40})”")
#: Tokens that are only a number or a count (3, 2025年, 十大, 5个).
NUMERIC_TOKEN = _Lazy(r"^[零〇一二两三四五六七八九十百千万亿\d.,%‰+\-—]+[个项家年月日号大条座批次倍类种是期级届轮点]?$")
#: A label that is only numbering (``1``, ``（二）``, ``3.``), not a lead term.
NUMERIC_LABEL = _Lazy(r"^[\d一二三四五六七八九十（）()、.．]+$")


# --------------------------------------------------------------------------
# Structure cues (moved here from the stage modules)
# --------------------------------------------------------------------------

#: A mark that ends a clause (the first one bounds a title that runs on into its text).
CLAUSE_MARK = _Lazy(r"[，、。；：,;:]")
#: End of the title clause of a run-in heading (``（一）加快发展先进制造业。坚持…``).
RUNIN_TITLE_END = _Lazy(r"[。：:]")
#: Cues that a text line is a table row, not body text: a year range, an
#: indicator attribute, a dash cell or a number cell between spaces.
TABLE_ROW_CUE = _Lazy(r"(\d{4}\s*[-—–~～]\s*\d{4}|预期性|约束性|\s[—–-]\s|\s\d[\d.,]*\s)")
#: A table-of-contents entry ends in leader dots or a wide gap and a page number.
TOC_ENTRY = _Lazy(r"(?:[…⋯·.．\-—_]{2,}|\s{2,}|…)\s*\d{1,4}\s*$")
#: The heading of a table of contents (目录, 目 录).
TOC_TITLE = _Lazy(r"^\s*目\s*录\s*$")
#: A TOC title run together with its first entry (``目录序言``).
TOC_TITLE_RUN_IN = _Lazy(r"^\s*目\s*录\s*(?:序\s*言|前\s*言|引\s*言|说\s*明|第\s*[零〇一二两三四五六七八九十百千\d]+\s*(?:篇|编|部分|章|节))")
#: Front-matter headings that a TOC lists before the first part or chapter.
FRONT_MATTER_TITLE = _Lazy(r"^\s*(?:序\s*言|前\s*言|引\s*言|导\s*言)\s*$")
#: A cell holding only a category number (``一``, ``二、``) or an item number (``1``, ``2.``).
CN_NUMBER_ONLY = _Lazy(r"^([一二三四五六七八九十]+)[、.．]?$")
ARABIC_NUMBER_ONLY = _Lazy(r"^(\d{1,3})[、.．]?$")
#: A header fragment that starts with a year (``2020年``).
YEAR_START = _Lazy(r"^\d{4}\s*年")
#: Font names of a heavy face: Bold/Black/Heavy, and 黑体 (“Hei”: SimHei,
#: STHeiti …), the conventional heavy face of Chinese official documents.
BOLD_FONT_NAME = _Lazy(r"(?i)(bold|black|heavy|semibold|demibold|[-,]bd\b|hei(?!ght))")
#: Characters that cannot be inside a harvested term.
NOT_IN_TERM = _Lazy(r"[，,。；;：:！!？?、“”‘’《》\s]")
#: A token that is only a number.
NUMBER_ONLY = _Lazy(r"^[\d.,%‰]+$")


# --------------------------------------------------------------------------
# Plan metadata (pipeline.metadata): periods, horizons, dates, 文号, governments
# --------------------------------------------------------------------------
# How a plan names itself: its title (…国民经济和社会发展第十四个五年规划和
# 2035年远景目标纲要, 湖北省文物事业发展“十四五”规划, …三年行动计划
# （2024—2027年）), the notice that issues it (X关于印发《…》的通知, a 文号
# such as 国发〔2021〕4号, a signature date), the adoption line on its cover
# (（2001年2月16日云南省第九届人民代表大会第四次会议通过）) and its preamble
# (本规划纲要根据《中共X委关于制定…建议》编制，…“十四五”时期（2021-2025年）
# X经济社会发展…).  The government names and levels are in
# ``pipeline/data/governments.tsv``.

#: Digits of a year written in Chinese (二〇二五, 一九九六; ○ U+25CB and 零 as
#: printed for 〇).
CN_YEAR_DIGITS = "〇○零Ｏ一二三四五六七八九"
_CN_YEAR_VALUE = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9}
#: A four-digit year, Arabic or Chinese.
YEAR = rf"(?:(?:19|20)\d\d|[{CN_YEAR_DIGITS}]{{4}})"
_SPAN_SEP = r"\s*(?:年)?\s*[-—–~～至到－]+\s*"
#: A span of years: 2021-2025年, 1981—1985, （2001年至2005年）, 一九九六～二○一○年.
YEAR_SPAN = _Lazy(rf"({YEAR}){_SPAN_SEP}({YEAR})\s*年?")
#: A long-range horizon: 2035年远景目标, 二○一○年远景目标, 2035年远景规划.
HORIZON = _Lazy(rf"({YEAR})\s*年\s*远景(?:目标|规划|展望)")
#: The n-th five-year plan by its short name: “十四五”, 十五, “九五” — quoted, or
#: followed by 规划/计划/时期/期间 (so 十五年 and 二〇三五 are not read).
FYP_SHORT = _Lazy(
    r"(?:[“\"‘'「]\s*(十[一二三四五六七八九]?|[一二三四五六七八九])五\s*[”\"’'」]"
    r"|(?<![〇○零一二三四五六七八九十\d])(十[一二三四五六七八九]?|[一二三四五六七八九])五(?=规划|计划|时期|期间))")
#: The n-th five-year plan in full: 第十四个五年规划, 第十一个五年（2006—2010年）规划.
FYP_LONG = _Lazy(
    rf"第([一二三四五六七八九十]+)个五年\s*(?:[（(]\s*({YEAR}){_SPAN_SEP}({YEAR})\s*年?\s*[）)])?\s*(?:规划|计划)")
#: A date: 2021年12月24日, 二〇二一年三月十二日 (spaces between digits allowed).
CN_DATE = _Lazy(rf"({YEAR})\s*年\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月\s*"
                     rf"(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日")
#: An adoption line: …日X人民代表大会第N次会议通过/批准.
ADOPTION = _Lazy(rf"(?P<date>{CN_DATE.pattern})\s*(?P<body>[^\s，。；()（）]{{2,40}}?会议)\s*"
                      r"(?:审议)?(?:通过|批准)")
#: A 文号 (document number): 国发〔2021〕4号, 江府〔2021〕5号, 文物革发[2021]41号.
DOC_NUMBER = _Lazy(r"(?<![\p{Han}])(\p{Han}{1,12}\s*[〔\[［【（(]\s*(?:19|20)\d\d\s*[〕\]］】）)]\s*\d{1,4}\s*号)")
#: The notice that issues a plan: X关于印发《…》的通知.
NOTICE = _Lazy(r"(?P<issuer>[\p{Han}、\s]{2,60}?)关于(?:印发|转发|发布|批转)\s*《?\s*(?P<title>[^《》]{2,80}?)\s*》?\s*的通知")
#: A plan's title ending (规划, 纲要, 计划, 方案, optionally (草案)).
TITLE_END = _Lazy(rf"(?:规划纲要|纲要|规划|计划)(?:\s*[（(](?:草案|征求意见稿|送审稿|修订稿|{YEAR}{_SPAN_SEP}{YEAR}\s*年?)[）)])?$")
#: How a plan's title ends (the same rule for the structure stage's title block).
PLAN_TITLE = TITLE_END
#: A title ending in a bracket (（草案）, （2024—2027年）) that runs into the
#: sentence after it in one block: the bracket is where the title ends.
TITLE_RUN_IN = _Lazy(
    rf"^(?P<title>[\p{{Han}}“”\"（）()0-9—\-－~～、·]{{6,80}}?(?:规划纲要|纲要|规划|计划)\s*"
    rf"[（(](?:草案|征求意见稿|送审稿|修订稿|{YEAR}{_SPAN_SEP}{YEAR}\s*年?)[）)])(?=\S)")
#: Words of the comprehensive plan (国民经济和社会发展规划/计划 of a government).
DEVELOPMENT_PLAN = "国民经济和社会发展"
#: The preamble naming the plan itself: 《X》（以下简称…）, or X（规划纲要）根据…编制.
SELF_TITLE = _Lazy(r"《(?P<title>[^《》]{4,90}?(?:纲要|规划|计划))》\s*[（(]\s*以下简称")
LEADING_TITLE = _Lazy(r"^(?P<title>[^《》，,。]{4,90}?(?:纲要|规划|计划))\s*[，,]?\s*(?:根据|依据|按照)")
#: The proposal (建议) a comprehensive plan is drafted from: its issuer is the
#: same government's party committee, its period the plan's.
PROPOSAL = _Lazy(r"《\s*(?P<org>中共[^《》]{0,40}?)\s*关于制定(?P<what>[^《》]{4,80}?)的建议\s*》")
#: The preamble's statement of the plan's period and government: …“十四五”时期
#: （2021-2025年）X经济社会发展的….
PERIOD_AND_PLACE = _Lazy(
    rf"(?P<period>(?:[“\"][^”\"]{{1,4}}[”\"]|第[一二三四五六七八九十]+个五年)\s*(?:时期|期间))\s*"
    rf"(?:[（(]\s*(?P<a>{YEAR}){_SPAN_SEP}(?P<b>{YEAR})\s*年?\s*[）)])?\s*(?P<place>[^，。；、“”《》\s]{{2,30}}?)"
    r"(?:国民)?经济(?:和|与)?社会(?:发展)?")
#: Characters of a title line on a cover (ideographs, quotes, brackets, digits,
#: dashes): a line with ``/``, ``:`` or Latin text is a masthead, not a title.
TITLE_LINE = _Lazy(r"^[\p{Han}“”\"‘’（）()《》〈〉0-9—\-－~～、·]+$")
#: Words a place name never begins with (是我省, 在全市 are not places).
NOT_PLACE_START = "我本该各是的在对为其此与及等"
#: Party committees: 中共X省委, 中共X市委, 中共X区委, X工委 → the place X.
PARTY_ORG = _Lazy(r"^中共\s*(?P<place>.*?)(?:工委|党工委|党委|委员会|委)?$")


def year_value(token: str) -> int | None:
    """A year as printed (``2025``, ``二〇二五``, ``二○一○``) → int."""
    t = strip_all_space(token)
    if t.isdigit() and len(t) == 4:
        return int(t)
    if len(t) == 4 and all(c in _CN_YEAR_VALUE for c in t):
        return int("".join(str(_CN_YEAR_VALUE[c]) for c in t))
    return None


def five_year_period(n: int) -> tuple[int, int]:
    """Years of the n-th five-year plan: the 1st ran 1953–1957, the 2nd
    1958–1962, and after the three adjustment years 1963–1965 the 3rd ran
    1966–1970, so 9 → (1996, 2000), 14 → (2021, 2025)."""
    start = 1953 + 5 * (n - 1) if n <= 2 else 1966 + 5 * (n - 3)
    return start, start + 4


def date_value(m: re.Match) -> str | None:
    """A :data:`CN_DATE` match → ISO date (``2021-12-24``), None if not a real date."""
    import datetime

    y = year_value(m.group(1))
    mo, d = parse_number(m.group(2)), parse_number(m.group(3))
    if y is None or mo is None or d is None:
        return None
    try:
        return datetime.date(y, mo, d).isoformat()
    except ValueError:
        return None


def compact(text: str) -> str:
    """Text for metadata matching: normalised, every space removed (``2 0 0 1年``
    → ``2001年``; Chinese titles have no meaningful spaces)."""
    return strip_all_space(normalize_text(text))


def _name_lazy_patterns() -> None:
    names: dict[int, list[str]] = {}
    g = globals()
    for k, v in g.items():
        if isinstance(v, _Lazy):
            names.setdefault(id(v), []).append(k)
    for k, v in list(g.items()):
        if isinstance(v, _Lazy):
            v.names = tuple(names[id(v)])
            if v.compiled is not None:      # used while the module was built
                g[k] = v.compiled


_name_lazy_patterns()
