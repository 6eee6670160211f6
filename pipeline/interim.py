"""Interim files between stages (``interim/<plan_id>/``), used by the DVC
stages so that each stage reruns only when its inputs change:

* ``lines.parquet``, ``regions.parquet``, ``source.json``  ← extract
* ``blocks.parquet``, ``nodes.parquet``                    ← structure
* ``tables.parquet`` (+ ``tables_tidy.json``)               ← tables

All writes are atomic (temporary name + rename) and deterministic.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .contract import read_parquet
from .model import (
    Block,
    Bookmark,
    Cell,
    Extracted,
    Finding,
    Indicator,
    IndicatorValue,
    Line,
    Node,
    PageImage,
    PageInfo,
    Project,
    ProjectSummary,
    Region,
    Source,
    Structured,
    TableCell,
    TableInfo,
    TableSet,
    records_to_table,
    table_to_records,
)


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_parquet(path: Path, table: pa.Table) -> None:
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_json(path: Path, obj) -> None:
    def w(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    _atomic_write(path, w)


def save_extracted(ex: Extracted, d: Path) -> None:
    write_parquet(d / "lines.parquet", records_to_table(ex.lines, Line))
    write_parquet(d / "regions.parquet", records_to_table(ex.regions, Region))
    write_parquet(d / "images.parquet", records_to_table(ex.images, PageImage))
    write_json(d / "source.json", {"source": asdict(ex.source), "pages": [asdict(p) for p in ex.pages],
                                   "bookmarks": [asdict(b) for b in ex.bookmarks],
                                   "findings": [asdict(f) for f in ex.findings]})


def load_extracted(d: Path) -> Extracted:
    meta = json.loads((d / "source.json").read_text(encoding="utf-8"))
    lines = table_to_records(read_parquet(d / "lines.parquet"), Line)
    regions = table_to_records(read_parquet(d / "regions.parquet"), Region, {"cells": Cell})
    images = table_to_records(read_parquet(d / "images.parquet"), PageImage) if (d / "images.parquet").exists() \
        else []
    return Extracted(source=Source(**meta["source"]), lines=lines, regions=regions,
                     pages=[PageInfo(**p) for p in meta["pages"]],
                     bookmarks=[Bookmark(**b) for b in meta["bookmarks"]], images=images,
                     findings=[Finding(**f) for f in meta.get("findings", [])])


def save_structured(st: Structured, d: Path) -> None:
    write_parquet(d / "blocks.parquet", records_to_table(st.blocks, Block))
    write_parquet(d / "nodes.parquet", records_to_table(st.nodes, Node))
    write_json(d / "structure.json", {"source": asdict(st.source), "title": st.title})


def load_structured(d: Path) -> Structured:
    meta = json.loads((d / "structure.json").read_text(encoding="utf-8"))
    blocks = table_to_records(read_parquet(d / "blocks.parquet"), Block)
    nodes = table_to_records(read_parquet(d / "nodes.parquet"), Node)
    return Structured(source=Source(**meta["source"]), title=meta["title"], blocks=blocks, nodes=nodes)


_TIDY = {"tables": TableInfo, "indicators": Indicator, "indicator_values": IndicatorValue,
         "projects": Project, "project_summary": ProjectSummary, "findings": Finding}


def save_tableset(ts: TableSet, d: Path) -> None:
    write_parquet(d / "tables.parquet", records_to_table(ts.cells, TableCell))
    write_json(d / "tables_tidy.json", {k: [asdict(x) for x in getattr(ts, k)] for k in _TIDY})


def load_tableset(d: Path) -> TableSet:
    cells = table_to_records(read_parquet(d / "tables.parquet"), TableCell)
    tidy = json.loads((d / "tables_tidy.json").read_text(encoding="utf-8"))
    return TableSet(cells=cells, **{k: [cls(**x) for x in tidy.get(k, [])] for k, cls in _TIDY.items()})
