"""Typed records passed between the stages, and their pyarrow schemas.

Stages are functions from records to records:

* ``extract``   : input file            → :class:`Extracted` (Source, Lines, Regions)
* ``structure`` : :class:`Extracted`    → :class:`Structured` (Blocks, Nodes)
* ``tables``    : :class:`Structured`   → :class:`TableSet` (Cells + tidy rows)
* ``emit``      : all of the above      → files of the output contract

Every record carries its provenance (page, and in the PDF path a bounding
box); every :class:`Block` lists the :class:`Line` orders it consumed, which
is what the conservation check ("nothing lost") counts.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:      # pyarrow is imported where tables are converted (it costs 0.1 s)
    import pyarrow as pa

#: Version of the output contract (``docs/schema.md``).  2.0: columns that are
#: SQL keywords renamed (``order`` → ``seq``, ``group`` → ``group_label``,
#: ``check`` → ``rule``), ``validation.source``, ``changes.plan_a``/``plan_b``,
#: pandas extension types (nullable integers) in the file metadata.
SCHEMA_VERSION = "2.0"


# --------------------------------------------------------------------------
# extract
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Source:
    """The input file."""

    path: str
    name: str
    sha256: str
    kind: str                     # "text" | "pdf"
    encoding: str | None = None   # text: detected encoding
    n_pages: int = 0
    title: str | None = None      # PDF metadata title, if any


@dataclass(slots=True)
class Line:
    """One text line of the input, in reading order."""

    order: int                    # 0-based global reading order
    page: int                     # 1-based physical page
    text: str                     # normalised text (see cjk.normalize_text)
    width: float                  # display width (CJK 1, ASCII ½)
    indent: float | None = None   # leading indentation in character widths (None: unknown)
    source_line: int | None = None  # text input: 1-based line number in the file
    segment: int = 0              # >0 when one physical line was split at a wide gap
    gap_before: float | None = None  # blank space before the line (text: blank lines that
                                     # separate paragraphs; PDF: vertical gap in line heights)
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    font_size: float | None = None
    font_name: str | None = None
    bold: bool | None = None
    line_height: float | None = None
    region: int | None = None     # id of the Region (box/table) containing the line
    furniture: str | None = None  # "page_number" | "header" | "footer" when page furniture; Markdown
                                  # notes: "front_matter" | "quote" | "rule" | "code"
    markup_level: int | None = None  # Markdown heading marker level (``#`` = 1, ``##`` = 2 …), else None
    break_before: bool = False    # text: the line starts a sentence whose boundary the source lost (no 。
                                  # at line ends): joined into a paragraph, a "\n" is kept before it
    ocr: bool = False             # the text was read by OCR from a picture (see extract/ocr.py)
    ocr_confidence: float | None = None  # OCR: the engine's mean confidence over the line (0-1)


@dataclass(slots=True)
class Cell:
    """A cell of a ruled table as found in the PDF (geometry + text)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass(slots=True)
class Region:
    """A graphical region of a PDF page: a bordered or shaded box, or a table."""

    region_id: int
    page: int
    kind: str                     # "box" | "shaded_box" | "table" | "rule_table"
    x0: float
    top: float
    x1: float
    bottom: float
    cells: list[Cell] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)   # y of horizontal rules (three-line tables)
    rule_x0: list[float] = field(default_factory=list)  # left end of each rule (parallel to rules)
    rule_x1: list[float] = field(default_factory=list)  # right end of each rule


@dataclass(slots=True)
class PageImage:
    """An image drawn on a PDF page and what became of it (``images.parquet``).

    ``status``: ``ocr`` (its text was read by OCR), ``no_text`` (looked at:
    it holds no text — a photo, a blank or decorative picture, or OCR found
    nothing), ``text_layer`` (the page's text layer already covers it),
    ``not_read`` (it may hold text that was not read: the ``ocr`` extra is
    not installed, or ``--ocr never``) or ``small`` (too small to hold a
    line of text)."""

    page: int
    image_no: int                 # 1-based on its page (drawing order)
    x0: float                     # bounding box in points (the page's reading frame)
    top: float
    x1: float
    bottom: float
    kind: str = "picture"         # "scan" (covers the page: a scanned page) | "picture"
    status: str = "not_read"
    reason: str | None = None     # why it was (not) read, in words
    n_lines: int = 0              # OCR: lines read from it
    n_chars: int = 0              # OCR: non-whitespace characters read from it
    confidence: float | None = None  # OCR: mean line confidence
    region: int | None = None     # id of the Region made for it (a picture of a box or table)


@dataclass(slots=True)
class Bookmark:
    level: int
    title: str
    page: int | None


@dataclass(slots=True)
class PageInfo:
    page: int
    width: float
    height: float
    rotation: int = 0
    body_left: float | None = None
    body_right: float | None = None
    body_font_size: float | None = None


@dataclass(slots=True)
class Extracted:
    """Output of the extract stage."""

    source: Source
    lines: list[Line]
    regions: list[Region] = field(default_factory=list)
    pages: list[PageInfo] = field(default_factory=list)
    bookmarks: list[Bookmark] = field(default_factory=list)
    images: list[PageImage] = field(default_factory=list)   # PDF: every image on a page
    findings: list[Finding] = field(default_factory=list)   # extraction problems (pages skipped, text removed …)


# --------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------

BLOCK_KINDS = (
    "title",         # document title (title page)
    "heading",       # outline heading (part/chapter/section/heading/annex)
    "paragraph",     # body paragraph (column_no set when inside a 专栏)
    "column_title",  # 专栏 N title line
    "column_item",   # entry of a list 专栏 (item_label set)
    "table",         # raw lines of a table region, handed to the tables stage
    "table_title",   # caption/title line of a table (…汇总表, 表1 …)
    "table_unit",    # unit line of a table (投资单位：万元)
    "note",          # table note (注：…)
    "caption",       # figure caption (…示意图 / 图N)
    "furniture",     # page number, running header/footer
    "front",         # front/back matter: source header, issuing notice, cover lines, colophon (role)
)


@dataclass(slots=True)
class Block:
    """A unit of the document found by the structure stage."""

    block_id: int
    kind: str
    text: str                     # raw text of its lines, joined (whitespace as printed)
    lines: list[int]              # orders of the Lines it consumed
    page_start: int
    page_end: int
    node_id: str | None = None    # innermost outline node it sits in
    # headings
    node_kind: str | None = None  # part/chapter/section/heading/annex
    rank: int | None = None
    number: int | None = None
    label: str | None = None
    title: str | None = None
    # columns / tables
    column_no: int | None = None  # the 专栏 number as printed
    column_key: int | None = None  # 1-based index of the 专栏 in the document (unique even if numbers repeat)
    item_label: str | None = None
    item_text: str | None = None  # column_item: entry text without its label
    table_id: str | None = None
    region: int | None = None
    role: str | None = None       # furniture: page_number/header/footer; column_title: table/list/text


@dataclass(slots=True)
class Node:
    """An outline node (a heading and everything under it)."""

    node_id: str
    parent_id: str | None
    kind: str
    number: int | None
    label: str | None
    title: str
    level: int
    order: int
    page_start: int
    page_end: int
    block_id: int


@dataclass(slots=True)
class Structured:
    """Output of the structure stage."""

    source: Source
    title: str | None
    blocks: list[Block]
    nodes: list[Node]


# --------------------------------------------------------------------------
# conversion helpers
# --------------------------------------------------------------------------

T = TypeVar("T")


def _arrow_type(tp: str) -> pa.DataType:
    import pyarrow as pa

    tp = tp.replace(" ", "")
    base = tp.split("|")[0]
    return {
        "int": pa.int32(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_(),
        "list[int]": pa.list_(pa.int32()), "list[float]": pa.list_(pa.float64()),
    }.get(base, pa.string())


def record_schema(cls: type, metadata: dict[str, str] | None = None) -> pa.Schema:
    """pyarrow schema of a flat dataclass (nested lists of records → JSON text)."""
    import pyarrow as pa

    fields = []
    for f in dataclasses.fields(cls):
        tp = f.type if isinstance(f.type, str) else f.type.__name__
        fields.append(pa.field(f.name, _arrow_type(tp), nullable=True))
    return pa.schema(fields, metadata=metadata)


def records_to_table(records: Iterable[Any], cls: type, metadata: dict[str, str] | None = None) -> pa.Table:
    """Dataclass records → pyarrow Table (record lists such as Region.cells → JSON)."""
    import pyarrow as pa

    schema = record_schema(cls, metadata)
    cols: dict[str, list] = {f.name: [] for f in schema}
    for r in records:
        for f in schema:
            v = getattr(r, f.name)
            if f.type == pa.string() and isinstance(v, list):
                v = json.dumps([dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in v],
                               ensure_ascii=False)
            cols[f.name].append(v)
    return pa.table(cols, schema=schema)


def table_to_records(table: pa.Table, cls: type[T], nested: dict[str, type] | None = None) -> list[T]:
    """pyarrow Table → dataclass records (inverse of :func:`records_to_table`)."""
    nested = nested or {}
    names = [f.name for f in dataclasses.fields(cls)]
    data = table.select([n for n in names if n in table.column_names]).to_pylist()
    out = []
    for row in data:
        for k, sub in nested.items():
            if isinstance(row.get(k), str):
                row[k] = [sub(**x) for x in json.loads(row[k])]
        out.append(cls(**row))
    return out


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------


@dataclass(slots=True)
class TableCell:
    """One cell of a reconstructed table grid (merged cells carry spans)."""

    table_id: str
    page: int
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    is_header: bool = False
    lines: list[int] = field(default_factory=list)   # Line orders the text came from


@dataclass(slots=True)
class TableInfo:
    """A table found in the document."""

    table_id: str
    kind: str                     # "indicator" | "project" | "project_summary" | "other"
    title: str | None
    column_no: int | None
    node_id: str | None
    unit: str | None
    page_start: int
    page_end: int
    n_rows: int
    n_cols: int


@dataclass(slots=True)
class Indicator:
    table_id: str
    row_no: int
    category: str | None
    group: str | None
    name: str
    unit: str | None
    attribute: str | None         # 预期性 / 约束性
    page: int
    category_no: int | None = None


@dataclass(slots=True)
class IndicatorValue:
    table_id: str
    row_no: int
    measure: str                  # base/target/target_growth/actual/actual_growth
    year: int | None
    raw: str | None               # cell text as printed
    value: float | None
    qualifier: str | None
    is_cumulative: bool
    merged_with: str | None = None  # e.g. "target_growth" when the printed cell spans both
    value_max: float | None = None  # upper end of a printed range (``3-5``: value 3, value_max 5)


@dataclass(slots=True)
class Project:
    table_id: str
    project_no: int
    category_no: int | None
    category: str | None
    subcategory_no: int | None
    subcategory: str | None
    name: str
    content: str | None
    start_year: int | None
    end_year: int | None
    total_investment: int | None
    invested_before: int | None
    invested_in_period: int | None
    unit: str | None
    page: int


@dataclass(slots=True)
class ProjectSummary:
    table_id: str
    level: str                    # total / category / subcategory
    category_no: int | None
    subcategory_no: int | None
    name: str
    n_items: int | None
    total_investment: int | None
    invested_before: int | None
    invested_in_period: int | None
    page: int


#: Where a finding comes from, by check name — the one place that says it:
#: ``document``: an inconsistency of the plan itself, read correctly (its
#: amounts do not add up, a row prints no attribute); ``extraction``: a doubt
#: of the parser about its own reading (a cell it could not parse, text it
#: could not place, lost text).  A check that is not listed counts as
#: ``extraction`` (a new check is never mistaken for the document's fault):
#: register new document checks here.
FINDING_SOURCE: dict[str, str] = {
    "row_identity": "document",       # total − before ≠ in-period, as printed
    "sum_mismatch": "document",       # an aggregate ≠ the sum of its rows, as printed
    "summary_mismatch": "document",   # the summary and project tables print different figures
    "missing_attribute": "document",  # the row prints no 预期性/约束性
    "missing_unit": "document",       # the row prints no unit
    "unparsed_cell": "extraction",
    "table_text_unplaced": "extraction",
    "table_cell_split": "extraction",
    "table_cell_unplaced": "extraction",
    "table_conservation": "extraction",
    "conservation": "extraction",
    "extraction": "extraction",       # what extraction could not read (pages skipped, damaged streams …)
}
FINDING_SOURCES = ("document", "extraction")


def finding_source(check: str) -> str:
    """``document`` or ``extraction`` for a check name (see :data:`FINDING_SOURCE`)."""
    return FINDING_SOURCE.get(check, "extraction")


@dataclass(slots=True)
class Finding:
    """A validation finding."""

    check: str
    severity: str                 # error / warning / info
    table_id: str | None
    location: str | None
    message: str
    expected: str | None = None
    actual: str | None = None
    source: str | None = None     # document / extraction; None: derived from ``check`` (FINDING_SOURCE)

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = finding_source(self.check)


@dataclass(slots=True)
class TableSet:
    """Output of the tables stage."""

    tables: list[TableInfo] = field(default_factory=list)
    cells: list[TableCell] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    indicator_values: list[IndicatorValue] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    project_summary: list[ProjectSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
