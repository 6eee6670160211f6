"""Parsed plans on disk (``output/<plan_id>/``): find them, describe them,
check them against the output contract.

The commands that read a parsed plan (``diff``, ``terms``, ``grep``,
``info``, ``validate``) all resolve their argument here, so they accept the
same things and fail the same way: a plan directory, or an output root
holding exactly one plan (what ``parse --out DIR`` wrote); anything else is
:class:`~pipeline.errors.UnsupportedInput` (exit 9) with a message that says
what was found instead.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from . import schemas
from .errors import UnsupportedInput
from .model import FINDING_SOURCES, SCHEMA_VERSION, finding_source

#: files a directory must have to count as a parsed plan
MARKERS = ("sections.parquet", "paragraphs.parquet")
#: every file of the contract
FILES = ("document.json", *schemas.CONTRACT)
#: footer metadata every Parquet file carries
METADATA_KEYS = (b"plan_id", b"source_sha256", b"pipeline_version", b"schema_version")


def is_plan_dir(path: str | Path) -> bool:
    """True if ``path`` is a parsed plan directory."""
    p = Path(path)
    return p.is_dir() and all((p / n).is_file() for n in MARKERS)


def plans_under(root: str | Path) -> list[Path]:
    """The parsed plan directories directly under an output root, by name."""
    r = Path(root)
    if not r.is_dir():
        return []
    return sorted(p for p in r.iterdir() if not p.name.startswith(".") and is_plan_dir(p))


def resolve_plan_dir(path: str | Path) -> Path:
    """A parsed plan directory from a command-line argument: the directory
    itself, or the single plan under an output root (``parse --out DIR``).
    Raises :class:`UnsupportedInput` (exit 9) otherwise."""
    p = Path(path)
    if is_plan_dir(p):
        return p
    if not p.exists():
        raise UnsupportedInput("no such file or directory", str(p))
    if p.is_file():
        raise UnsupportedInput("a file, not a parsed plan directory (parse it first: plan parse FILE)", str(p))
    found = plans_under(p)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f.name for f in found[:5]) + (" …" if len(found) > 5 else "")
        raise UnsupportedInput(f"an output root holding {len(found)} parsed plans ({names}); "
                               f"name one, e.g. {found[0]}", str(p))
    raise UnsupportedInput("not a parsed plan directory (no sections.parquet), and no parsed plan under it",
                           str(p))


def read_parquet(path: str | Path, columns: list[str] | None = None):
    """One Parquet file as a ``pyarrow.Table`` (optionally only ``columns``).

    Not ``pq.read_table``: that goes through pyarrow's dataset layer, whose
    import (pyarrow.dataset + pyarrow.compute) costs 0.06–0.1 s, more than
    reading every file of a parsed plan; one file needs none of it."""
    with pq.ParquetFile(path) as f:
        return f.read(columns=columns)


def _meta(path: Path) -> dict[bytes, bytes]:
    return pq.read_metadata(path).metadata or {}


def _column(d: Path, name: str, col: str) -> list:
    path = d / name
    if not path.is_file() or col not in pq.read_schema(path).names:
        return []
    return read_parquet(path, [col]).column(col).to_pylist()


def document_title(d: Path, doc: dict | None = None) -> str | None:
    """The plan's title: the one the structure stage found, else a short
    first line before the first heading (title pages are one short line;
    a preamble paragraph is long)."""
    if doc is None:
        try:
            doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
    if doc.get("title"):
        return doc["title"]
    for block in doc.get("front_matter") or []:
        text = (block.get("text") or "").strip()
        if block.get("type") == "paragraph" and text:
            return text if len(text) <= 60 else None
    return None


def finding_counts(d: Path) -> dict:
    """Findings of ``validation.parquet``: errors and warnings by source
    (``document``: inconsistencies of the plan itself, ``extraction``: the
    parser's doubts), ``info`` notes, the total and counts by rule."""
    path = d / "validation.parquet"
    if not path.is_file():
        return {"document": 0, "extraction": 0, "info": 0, "total": 0, "by_rule": {},
                "rules": {s: {} for s in FINDING_SOURCES}}
    names = pq.read_schema(path).names
    rule_col = "rule" if "rule" in names else "check"          # schema 1.x called it ``check``
    t = read_parquet(path, [c for c in (rule_col, "severity", "source") if c in names]).to_pylist()
    rules: dict[str, Counter] = {s: Counter() for s in FINDING_SOURCES}
    for r in t:
        if r.get("severity") != "info":
            rules.setdefault(r.get("source") or finding_source(r[rule_col]), Counter())[r[rule_col]] += 1
    out: dict = {s: sum(rules[s].values()) for s in FINDING_SOURCES}
    out["info"] = sum(r.get("severity") == "info" for r in t)
    out["total"] = len(t)
    out["by_rule"] = dict(sorted(Counter(r[rule_col] for r in t).items()))
    out["rules"] = {s: dict(sorted(c.items())) for s, c in rules.items()}
    return out


def describe(path: str | Path) -> dict:
    """What a parsed plan holds: ids, source, versions, counts of outline
    nodes, 专栏, tables, indicators and projects, findings by source, files."""
    d = resolve_plan_dir(path)
    try:
        doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = {}
    meta = _meta(d / "sections.parquet")
    kinds = Counter(_column(d, "sections.parquet", "kind"))
    table_kind = {}
    for tid, kind in zip(_column(d, "tables.parquet", "table_id"), _column(d, "tables.parquet", "kind")):
        table_kind.setdefault(tid, kind)
    tk = Counter(table_kind.values())
    counts = {
        "parts": kinds.get("part", 0), "chapters": kinds.get("chapter", 0), "sections": kinds.get("section", 0),
        "headings": kinds.get("heading", 0), "annexes": kinds.get("annex", 0),
        "paragraphs": len(_column(d, "paragraphs.parquet", "para_id")),
        "columns": len(_column(d, "columns.parquet", "column_no")),
        "tables": len(table_kind), "indicator_tables": tk.get("indicator", 0),
        "project_tables": tk.get("project", 0) + tk.get("project_summary", 0),
        "indicators": len(_column(d, "indicators.parquet", "row_no")),
        "projects": len(_column(d, "projects.parquet", "project_no")),
    }
    src = doc.get("source") or {}
    return {
        "plan_id": meta.get(b"plan_id", d.name.encode()).decode(),
        "title": document_title(d, doc),
        "dir": str(d),
        "source": {"name": src.get("name"), "kind": src.get("kind"), "pages": src.get("pages"),
                   "sha256": meta.get(b"source_sha256", b"").decode() or src.get("sha256")},
        "pipeline_version": meta.get(b"pipeline_version", b"").decode() or None,
        "schema_version": meta.get(b"schema_version", b"").decode() or None,
        "counts": counts,
        "findings": finding_counts(d),
        "files": {n: (d / n).stat().st_size for n in FILES if (d / n).is_file()},
    }


def counts_line(info: dict) -> str:
    """``12 chapters, 40 sections, 18 专栏, 5 tables, 45 indicators, 32 projects``
    (zero counts of optional parts left out)."""
    c = info["counts"]

    def n(k: str, one: str, many: str | None = None) -> str:
        return f"{c[k]:,} {one if c[k] == 1 else (many or one + 's')}"

    parts = [n("parts", "part")] if c["parts"] else []
    parts += [n("chapters", "chapter"), n("sections", "section"), f"{c['columns']} 专栏", n("tables", "table"),
              n("indicators", "indicator"), n("projects", "project")]
    return ", ".join(parts)


def findings_line(info: dict) -> str:
    """``10 source inconsistencies (row_identity), 0 extraction problems, 4 notes``:
    errors and warnings by source, with their rules; info findings are notes."""
    f = info["findings"]
    doc, ext, notes = f["document"], f["extraction"], f.get("info", 0)
    rules = f.get("rules", {})

    def which(source: str) -> str:
        names = list(rules.get(source, {}))
        return f" ({', '.join(names[:3])}{', …' if len(names) > 3 else ''})" if names else ""

    return (f"{doc} source inconsistenc{'y' if doc == 1 else 'ies'}{which('document')}, "
            f"{ext} extraction problem{'' if ext == 1 else 's'}{which('extraction')}"
            + (f", {notes} note{'' if notes == 1 else 's'}" if notes else ""))


def check(path: str | Path) -> list[str]:
    """Problems of a parsed plan against the output contract (empty: it
    conforms): every file present and readable, every Parquet schema equal
    to :data:`pipeline.schemas.CONTRACT`, the footer metadata present and
    consistent across files (plan id, source hash, schema version), the
    ``plan_id`` column equal to it, and the references between files whole
    (parents, nodes, tables, indicator rows)."""
    d = resolve_plan_dir(path)
    problems: list[str] = []
    metas: dict[str, dict[bytes, bytes]] = {}
    for name, want in schemas.CONTRACT.items():
        p = d / name
        if not p.is_file():
            problems.append(f"{name}: missing")
            continue
        try:
            have = pq.read_schema(p)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding, not a crash
            problems.append(f"{name}: not a readable Parquet file ({type(exc).__name__})")
            continue
        metas[name] = have.metadata or {}
        missing = [f.name for f in want if f.name not in have.names]
        extra = [n for n in have.names if n not in want.names]
        if missing:
            problems.append(f"{name}: missing columns {', '.join(missing)}")
        if extra:
            problems.append(f"{name}: columns not in the contract {', '.join(extra)}")
        for f in want:
            if f.name in have.names and not have.field(f.name).type.equals(f.type):
                problems.append(f"{name}: column {f.name} is {have.field(f.name).type}, the contract says {f.type}")
        for key in METADATA_KEYS:
            if key not in metas[name]:
                problems.append(f"{name}: no {key.decode()} in the file metadata")
    doc = None
    try:
        doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append("document.json: missing")
    except (OSError, ValueError) as exc:
        problems.append(f"document.json: not valid JSON ({exc})")

    for key in (b"plan_id", b"source_sha256", b"schema_version"):
        values = {m[key] for m in metas.values() if key in m}
        if len(values) > 1:
            problems.append(f"files disagree on {key.decode()}: {', '.join(sorted(v.decode() for v in values))}")
    versions = {m[b"schema_version"].decode() for m in metas.values() if b"schema_version" in m}
    if versions and versions != {SCHEMA_VERSION}:
        problems.append(f"schema version {', '.join(sorted(versions))}, this pipeline writes {SCHEMA_VERSION} "
                        "(parse the plan again)")
    plan_ids = {m[b"plan_id"].decode() for m in metas.values() if b"plan_id" in m}
    if len(plan_ids) == 1:
        pid = next(iter(plan_ids))
        for name in metas:
            bad = {v for v in _column(d, name, "plan_id") if v != pid}
            if bad:
                problems.append(f"{name}: plan_id column holds {', '.join(sorted(map(str, bad)))}, not {pid}")
        if doc is not None and doc.get("plan_id") != pid:
            problems.append(f"document.json: plan_id {doc.get('plan_id')!r}, the Parquet files say {pid!r}")
    if problems:
        return problems
    problems += _references(d)
    return problems


def _references(d: Path) -> list[str]:
    """References between the files that must resolve."""
    out: list[str] = []
    nodes = set(_column(d, "sections.parquet", "node_id"))
    tables = set(_column(d, "tables.parquet", "table_id"))

    def dangling(name: str, col: str, known: set, what: str) -> None:
        bad = sorted({v for v in _column(d, name, col) if v is not None and v not in known}, key=str)
        if bad:
            out.append(f"{name}: {col} {', '.join(map(str, bad[:5]))}{' …' if len(bad) > 5 else ''} "
                       f"not in {what}")

    dangling("sections.parquet", "parent_id", nodes, "sections.parquet")
    for name in ("paragraphs.parquet", "columns.parquet", "notes.parquet", "keywords.parquet", "tokens.parquet"):
        dangling(name, "node_id", nodes, "sections.parquet")
    for name in ("indicators.parquet", "projects.parquet", "project_summary.parquet"):
        dangling(name, "table_id", tables, "tables.parquet")
    rows = set(zip(_column(d, "indicators.parquet", "table_id"), _column(d, "indicators.parquet", "row_no")))
    vals = set(zip(_column(d, "indicator_values.parquet", "table_id"),
                   _column(d, "indicator_values.parquet", "row_no")))
    if vals - rows:
        out.append(f"indicator_values.parquet: {len(vals - rows)} (table_id, row_no) not in indicators.parquet")
    bad_src = set(_column(d, "validation.parquet", "source")) - set(FINDING_SOURCES)
    if bad_src:
        out.append(f"validation.parquet: source {', '.join(sorted(map(str, bad_src)))} is not one of "
                   f"{', '.join(FINDING_SOURCES)}")
    bad_sev = set(_column(d, "validation.parquet", "severity")) - {"error", "warning", "info"}
    if bad_sev:
        out.append(f"validation.parquet: severity {', '.join(sorted(map(str, bad_sev)))} is not error/warning/info")
    return out
