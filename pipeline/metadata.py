"""Plan metadata read from the document itself: issuing government and its
administrative level, plan kind, period, long-range horizon, adoption and
issue dates, issuing organs and 文号.

Only the document's own front matter is read — the blocks before the first
outline heading — sorted into four *sources*, in the order they are trusted:

* ``title``    the title block the structure stage found (a PDF title page);
* ``cover``    other short lines before the text (a title split over lines,
               issuing organs, an adoption line such as
               ``（2001年2月16日云南省第九届人民代表大会第四次会议通过）``);
* ``notice``   the notice that issues the plan (``X关于印发《…》的通知``, its
               文号 and signature date);
* ``preamble`` the opening paragraphs (``本规划纲要根据《中共X委关于制定…的
               建议》编制，…“十四五”时期（2021-2025年）X经济社会发展…``).

Each field records the source it came from, and is null when no source
states it: a period is never inferred from a year mentioned in passing, a
government never from a plan the preamble cites (``根据《广东省…纲要》``).
The patterns are in :mod:`pipeline.cjk` (section "Plan metadata"), the names
and endings of governments and organs in ``pipeline/data/governments.tsv``.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path

from . import cjk
from .model import Structured

#: Sources in the order they are trusted.
SOURCES = ("title", "cover", "notice", "preamble")
#: Plan kinds.
KIND_FYP, KIND_SPECIAL, KIND_ACTION = "五年规划纲要", "专项规划", "计划"


@dataclass(slots=True)
class PlanMeta:
    """What a plan says about itself (see the module docstring); ``*_source``
    names the part of the document each value was read from."""

    title: str | None = None
    title_source: str | None = None
    government: str | None = None
    government_source: str | None = None
    level: str | None = None          # national/provincial/city/county-district/township/ministry
    level_source: str | None = None
    kind: str | None = None           # 五年规划纲要 / 专项规划 / 计划
    kind_source: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    period_source: str | None = None
    horizon_year: int | None = None   # 2035 in …和2035年远景目标纲要
    horizon_source: str | None = None
    adopted_on: str | None = None     # ISO date of adoption (…会议通过/批准)
    adopted_by: str | None = None
    adopted_source: str | None = None
    issued_on: str | None = None      # ISO date the notice was signed
    issued_source: str | None = None
    issuer: str | None = None         # issuing organs as printed, joined by 、
    issuer_source: str | None = None
    doc_number: str | None = None     # 文号
    doc_number_source: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


#: Field groups: the value fields and the source field they share.
GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "government": ("government",), "level": ("level",), "kind": ("kind",),
    "period": ("period_start", "period_end"), "horizon": ("horizon_year",),
    "adopted": ("adopted_on", "adopted_by"), "issued": ("issued_on",), "issuer": ("issuer",),
    "doc_number": ("doc_number",),
}


# --------------------------------------------------------------------------
# Governments: names → places → levels (data/governments.tsv)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Gazetteer:
    names: dict[str, str]          # full name → level
    national: frozenset[str]
    suffixes: tuple[tuple[str, str], ...]   # (suffix, level), longest first
    organs: tuple[str, ...]        # longest first
    not_place: frozenset[str]


@functools.lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The rules of ``pipeline/data/governments.tsv``."""
    names, national, suffixes, organs, not_place = {}, set(), [], [], set()
    path = Path(__file__).parent / "data" / "governments.tsv"
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        kind, level, value = raw.split("\t")
        if kind == "name":
            names[value] = level
        elif kind == "national":
            national.add(value)
        elif kind == "suffix":
            suffixes.append((value, level))
        elif kind == "organ":
            organs.append(value)
        elif kind == "not_place":
            not_place.add(value)
    suffixes.sort(key=lambda s: -len(s[0]))
    organs.sort(key=len, reverse=True)
    return _Gazetteer(dict(sorted(names.items(), key=lambda kv: -len(kv[0]))), frozenset(national),
                      tuple(suffixes), tuple(organs), frozenset(not_place))


def _unit_at(s: str, pos: int, g: _Gazetteer) -> tuple[int, str] | None:
    """One unit of a place name at ``s[pos:]`` (a known name, or 1–8
    ideographs and a place ending): (end, level)."""
    for name, level in g.names.items():
        if s.startswith(name, pos):
            return pos + len(name), level
    for k in range(1, 9):
        j = pos + k
        if j > len(s) or not cjk.is_ideograph(s[j - 1]):
            return None
        for suf, level in g.suffixes:
            if s.startswith(suf, j):
                unit = s[pos:j + len(suf)]
                if unit in g.not_place or unit in g.national or (k == 1 and suf != "县") or \
                        unit[0] in cjk.NOT_PLACE_START:
                    continue
                return j + len(suf), level
    return None


def place_prefix(s: str) -> tuple[str, str | None]:
    """The place name at the start of ``s`` — a chain of units (湖北省,
    江门市江海区) with an optional alias in brackets (江门高新区（江海区）) —
    and the level of its last unit; ``("", None)`` when ``s`` does not start
    with a place."""
    g = gazetteer()
    pos, level = 0, None
    while True:
        u = _unit_at(s, pos, g)
        if u is None:
            break
        pos, level = u
    if pos and pos < len(s) and s[pos] in "（(":
        close = next((k for k in range(pos + 1, len(s)) if s[k] in "）)"), None)
        if close is not None:
            inner, _ = place_prefix(s[pos + 1:close])
            if inner and len(inner) == close - pos - 1:
                pos = close + 1
    return s[:pos], level


def government_level(name: str | None) -> str | None:
    """Administrative level of a government or organ name: ``national``
    (中华人民共和国, 国务院), ``provincial``, ``city``, ``county-district``,
    ``ministry`` (an organ of the central government: 国家文物局), or None."""
    if not name:
        return None
    g = gazetteer()
    n = cjk.compact(name)
    if n in g.national:
        return "national"
    place, level = place_prefix(n)
    rest = n[len(place):]
    if place and (not rest or rest.endswith(g.organs)):
        return level
    if not place and rest.endswith(g.organs):
        # an organ of the central government: the State Council's own offices
        # are national, every other one (国家文物局, 交通运输部) a ministry
        return "national" if n.startswith(("中共中央", "国务院", "全国人民代表大会")) else "ministry"
    return None


def organ_government(organ: str) -> str | None:
    """The government an organ belongs to: its place (江门市人民政府 →
    江门市), or the organ itself when it is a central one (国家文物局)."""
    g = gazetteer()
    place, _ = place_prefix(organ)
    rest = organ[len(place):]
    if place and rest.endswith(g.organs):
        return place
    if not place and government_level(organ) in ("national", "ministry"):
        return organ
    return None


def is_organ(text: str) -> bool:
    """A line that is only the name of an issuing organ (湖北省文物局)."""
    g = gazetteer()
    return 3 <= len(text) <= 30 and text.endswith(g.organs) and organ_government(text) is not None


def _party_place(org: str) -> str | None:
    """中共江门市江海区委 → 江门市江海区; 中共中央 → 中华人民共和国."""
    org = cjk.compact(org)
    if org.startswith("中共中央"):
        return "中华人民共和国"
    m = cjk.PARTY_ORG.match(org)
    if not m:
        return None
    place, _ = place_prefix(m.group("place"))
    return place or None


# --------------------------------------------------------------------------
# Reading one text
# --------------------------------------------------------------------------


def _period(text: str) -> tuple[int, int] | None:
    """The period a title (or a preamble's self-reference) names."""
    m = cjk.FYP_LONG.search(text)
    if m:
        if m.group(2) and m.group(3):
            a, b = cjk.year_value(m.group(2)), cjk.year_value(m.group(3))
            if a and b and a < b:
                return a, b
        n = cjk.parse_number(m.group(1))
        if n:
            return cjk.five_year_period(n)
    m = cjk.FYP_SHORT.search(text)
    if m:
        n = cjk.parse_number(m.group(1) or m.group(2))
        if n:
            return cjk.five_year_period(n)
    m = cjk.YEAR_SPAN.search(text)
    if m:
        a, b = cjk.year_value(m.group(1)), cjk.year_value(m.group(2))
        if a and b and a < b <= a + 20:
            return a, b
    return None


def _horizon(text: str) -> int | None:
    m = cjk.HORIZON.search(text)
    return cjk.year_value(m.group(1)) if m else None


def _kind(title: str) -> str | None:
    t = cjk.re.sub(r"\s*[（(][^（）()]*[）)]$", "", title)     # (草案), （2024—2027年）
    if cjk.DEVELOPMENT_PLAN in t and (cjk.FYP_LONG.search(t) or cjk.FYP_SHORT.search(t) or "五年" in t):
        return KIND_FYP
    if "专项规划" in t:
        return KIND_SPECIAL
    if t.endswith("计划"):
        return KIND_ACTION
    if t.endswith(("规划", "纲要")):
        return KIND_SPECIAL
    return None


def _title_government(title: str) -> str | None:
    """The government a title names: what precedes 国民经济和社会发展, or the
    place it begins with (湖北省文物事业发展“十四五”规划 → 湖北省)."""
    g = gazetteer()
    k = title.find(cjk.DEVELOPMENT_PLAN)
    if k > 0:
        pre = title[:k]
        if pre in g.national:
            return pre
        place, _ = place_prefix(pre)
        return place if place == pre else None
    place, _ = place_prefix(title)
    return place or None


def read_title(title: str) -> dict:
    """Fields a plan title states: government, kind, period, horizon."""
    t = cjk.compact(title)
    out: dict = {"title": t}
    gov = _title_government(t)
    if gov:
        out["government"] = gov
    kind = _kind(t)
    if kind:
        out["kind"] = kind
    per = _period(t)
    if per:
        out["period_start"], out["period_end"] = per
    hz = _horizon(t)
    if hz:
        out["horizon_year"] = hz
    return out


def _embedded_title(text: str) -> str | None:
    """A comprehensive plan's title inside a run of cover text
    (``…/云南省国民经济和社会发展第十个五年计划纲要(2001年…``)."""
    k = text.find(cjk.DEVELOPMENT_PLAN)
    if k < 0:
        return None
    end = k + len(cjk.DEVELOPMENT_PLAN)
    tail = cjk.re.match(r"[^，,。；;/()（）:：]*(?:纲要|规划|计划)", text[end:])
    if not tail:
        return None
    j = k
    while j > 0 and (cjk.is_ideograph(text[j - 1]) or text[j - 1] in "（）()"):
        j -= 1
    pre = text[j:k]
    # the title begins with its government: the longest end of the run of
    # ideographs before 国民经济 that is a place name (…/第A01版/云南省…);
    # the whole run when none is (a title naming a place the rules do not know)
    for s in range(len(pre) + 1):
        place, _ = place_prefix(pre[s:])
        if (place and len(place) == len(pre) - s) or pre[s:] in gazetteer().national:
            pre = pre[s:]
            break
    return pre + text[k:end] + tail.group(0)


# --------------------------------------------------------------------------
# The front matter
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    text: str          # compact text
    source: str
    page: int


def front_units(st: Structured) -> list[_Unit]:
    """The blocks before the first outline heading (title page, cover lines,
    notice, preamble), each labelled with its source.  Furniture (page
    numbers, running heads, table-of-contents lines) is left out."""
    units: list[_Unit] = []
    # the structure stage labels the front matter (title, notice, cover lines,
    # a source header) and opens a preface node (序言) for the opening text
    preface = {n.node_id for n in st.nodes if n.kind == "preface"}
    role_source = {"notice": "notice", "cover": "cover", "header": "cover"}
    for b in st.blocks:
        if b.kind == "heading":
            if b.node_id in preface:
                continue
            break
        if (b.node_id is not None and b.node_id not in preface) or b.kind == "furniture" or not b.text.strip():
            continue
        if b.kind == "front" and b.role not in role_source:
            continue
        source = "title" if b.kind == "title" else role_source.get(b.role, "") if b.kind == "front" else ""
        units.append(_Unit(cjk.compact(b.text), source, b.page_start))
    # a title that runs into the first sentence (…行动计划（2024—2027年）为加快…)
    if units and not units[0].source:
        m = cjk.TITLE_RUN_IN.match(units[0].text)
        if m and not m.group("title").startswith("本"):
            first = units[0]
            units[0:1] = [_Unit(m.group("title"), "", first.page), _Unit(first.text[m.end():], "", first.page)]
    # the notice: from 关于印发…的通知 to its signature date
    k = 0
    while k < len(units):
        u = units[k]
        if not u.source and cjk.NOTICE.search(u.text):
            j = k
            while j < len(units) and not units[j].source:
                units[j].source = "notice"
                m = cjk.CN_DATE.match(units[j].text)
                if j > k and m:
                    rest = units[j].text[m.end():]
                    if rest:   # the date glued to the next line (a title)
                        units.insert(j + 1, _Unit(rest, "", units[j].page))
                        units[j].text = units[j].text[:m.end()]
                    break
                j += 1
            k = j + 1
            continue
        k += 1
    for u in units:
        if not u.source:
            u.source = "preamble" if any(c in u.text for c in "，。；,;") else "cover"
    return units


def _cover_titles(units: list[_Unit]) -> list[str]:
    """Titles on the cover: a line that ends like a plan title, with the
    title lines before it on the same page (a title set over two or three
    lines), or a comprehensive plan's title inside a line of cover text."""
    out = []
    cover = [u for u in units if u.source == "cover"]
    for e, u in enumerate(cover):
        if not (cjk.TITLE_END.search(u.text) and cjk.TITLE_LINE.match(u.text)) or is_organ(u.text):
            continue
        s = e
        while s > 0 and e - s < 2 and cover[s - 1].page == u.page and cjk.TITLE_LINE.match(cover[s - 1].text) \
                and not cjk.TITLE_END.search(cover[s - 1].text) and not is_organ(cover[s - 1].text) \
                and cjk.match_numbering(cover[s - 1].text) is None:
            s -= 1
        text = "".join(x.text for x in cover[s:e + 1])
        if len(text) >= 6 and cjk.match_numbering(text) is None:
            out.append(text)
    for u in cover:
        t = _embedded_title(u.text)
        if t and t not in out:
            out.append(t)
    return out


def _read_notice(units: list[_Unit]) -> dict:
    out: dict = {}
    notice = [u for u in units if u.source == "notice"]
    if not notice:
        return out
    organs: list[str] = []
    for u in notice:
        m = cjk.NOTICE.search(u.text)
        if m and "title" not in out:
            title = m.group("title").strip("《》 ")
            out.update(read_title(title))
            issuer = m.group("issuer").strip("、 ")
            for org in issuer.split("、"):
                if org and org not in organs and is_organ(org):
                    organs.append(org)
        if is_organ(u.text) and u.text not in organs:
            organs.append(u.text)
        d = cjk.CN_DATE.match(u.text)
        if d and "issued_on" not in out and cjk.date_value(d):
            out["issued_on"] = cjk.date_value(d)
        n = cjk.DOC_NUMBER.search(u.text)
        if n and "doc_number" not in out:
            out["doc_number"] = n.group(1)
    if organs:
        out["issuer"] = "、".join(organs)
    return out


def _read_cover(units: list[_Unit], title_units: list[_Unit]) -> dict:
    out: dict = {}
    titles = _cover_titles(units)
    if titles:
        out.update(read_title(titles[0]))
    organs = [u.text for u in units if u.source == "cover" and is_organ(u.text)]
    if organs:
        out["issuer"] = "、".join(dict.fromkeys(organs))
    # an adoption line or a 文号 may be set over two cover lines
    text = "".join(u.text for u in title_units + [u for u in units if u.source == "cover"])
    m = cjk.ADOPTION.search(text)
    if m:
        d = cjk.date_value(cjk.CN_DATE.match(m.group("date")))
        if d:
            out["adopted_on"], out["adopted_by"] = d, m.group("body")
    n = cjk.DOC_NUMBER.search(text)
    if n:
        out["doc_number"] = n.group(1)
    return out


def _read_preamble(units: list[_Unit]) -> dict:
    out: dict = {}
    text = "".join(u.text for u in units if u.source == "preamble")
    if not text:
        return out
    # the plan naming itself
    for rx in (cjk.SELF_TITLE, cjk.LEADING_TITLE):
        for para in (u.text for u in units if u.source == "preamble"):
            m = rx.search(para)
            if m and not m.group("title").startswith("本"):
                out.update(read_title(m.group("title")))
                break
        if "title" in out:
            break
    # …“十四五”时期（2021-2025年）X经济社会发展…
    for m in cjk.PERIOD_AND_PLACE.finditer(text):
        if "period_start" not in out:
            if m.group("a") and m.group("b"):
                a, b = cjk.year_value(m.group("a")), cjk.year_value(m.group("b"))
                if a and b and a < b:
                    out["period_start"], out["period_end"] = a, b
            if "period_start" not in out:
                per = _period(m.group("period").replace("时期", "规划").replace("期间", "规划"))
                if per:
                    out["period_start"], out["period_end"] = per
        place, _ = place_prefix(m.group("place"))
        if "government" not in out and place and place == m.group("place"):
            out["government"] = place
    # 根据《中共X委关于制定X国民经济和社会发展第N个五年规划的建议》编制
    for m in cjk.PROPOSAL.finditer(text):
        what = m.group("what")
        if cjk.DEVELOPMENT_PLAN not in what:
            continue
        out.setdefault("kind", KIND_FYP)
        per = _period(what)
        if per and "period_start" not in out:
            out["period_start"], out["period_end"] = per
        if "government" not in out:
            places = [p for p in (_party_place(o) for o in cjk.re.split(r"\s+|、", m.group("org"))) if p]
            if places:
                out["government"] = places[-1] if len(places) > 1 else places[0]
        break
    if "horizon_year" not in out:
        # …对2035年远景目标进行展望, not the horizon of a plan it cites (《…2035年远景目标纲要》)
        hz = _horizon(cjk.re.sub(r"《[^《》]*》", "", text))
        if hz:
            out["horizon_year"] = hz
    return out


def plan_metadata(st: Structured) -> PlanMeta:
    """Read a plan's metadata from its front matter (see the module docstring)."""
    units = front_units(st)
    title_units = [u for u in units if u.source == "title"]
    found: dict[str, dict] = {s: {} for s in SOURCES}
    if st.title:
        found["title"] = read_title(st.title)
        for u in title_units:
            m = cjk.ADOPTION.search(u.text)
            if m:
                d = cjk.date_value(cjk.CN_DATE.match(m.group("date")))
                if d:
                    found["title"]["adopted_on"], found["title"]["adopted_by"] = d, m.group("body")
    found["cover"] = _read_cover(units, [])
    found["notice"] = _read_notice(units)
    found["preamble"] = _read_preamble(units)
    meta = PlanMeta()
    for group, fields in GROUPS.items():
        if group == "level":
            continue
        for src in SOURCES:
            vals = found[src]
            if all(f in vals for f in fields if f != "adopted_by"):
                for f in fields:
                    setattr(meta, f, vals.get(f))
                setattr(meta, f"{group}_source", src)
                break
    # a government only an organ names (革命文物…专项规划, issued by 国家文物局)
    if meta.government is None and meta.issuer:
        gov = organ_government(meta.issuer.split("、")[0])
        if gov:
            meta.government, meta.government_source = gov, meta.issuer_source
    if meta.government:
        meta.level = government_level(meta.government)
        if meta.level:
            meta.level_source = meta.government_source
    return meta


__all__ = ["PlanMeta", "plan_metadata", "government_level", "place_prefix", "read_title", "SOURCES"]
