"""The corpus dataset on disk: one hive-partitioned Parquet table per kind.

::

    DATASET/
      sections/plan_id=<id>/part-0.parquet      one table per contract file
      paragraphs/…  columns/…  …  tokens/…      (schemas of pipeline.schemas)
      plan/plan_id=<id>/part-0.parquet          the plan's metadata row, + source_path, code
      documents/plan_id=<id>/document.json      the document tree
      panel.parquet                             the cross-plan indicator panel
      failures.parquet                          files that could not be parsed
      _staging/                                 partitions being written (ignored by readers)

Each partition is written with pyarrow's dataset writer into ``_staging``
and moved into place with a rename, the ``plan`` partition last: it is the
commit mark of a plan.  A run killed at any point leaves every plan either
committed with all of its partitions or not committed (and parsed again by
the next run); partitions of a plan are never mixed from two parses.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .. import __version__, schemas

STAGING = "_staging"
PLAN_TABLE = "plan"
DOCUMENTS = "documents"
#: table name (directory) → schema: the contract files, then the plan table.
TABLES: dict[str, pa.Schema] = {name.removesuffix(".parquet"): schema for name, schema in schemas.CONTRACT.items()
                                if name != "plan.parquet"}
#: The dataset's plan table: the plan.parquet row and where it came from.
PLAN_SCHEMA = schemas.PLAN.append(pa.field("source_path", pa.string())).append(pa.field("code", pa.string()))
FAILURES_SCHEMA = pa.schema([
    ("path", pa.string()), ("sha256", pa.string()), ("plan_id", pa.string()), ("exit_code", pa.int32()),
    ("error", pa.string()), ("message", pa.string()), ("code", pa.string())])

_PARTITIONING = ds.partitioning(pa.schema([("plan_id", pa.string())]), flavor="hive")
_FORMAT = ds.ParquetFileFormat()


def partition_dir(plan_id: str) -> str:
    """Directory name of a plan's partition (hive style, value URI-encoded
    as pyarrow writes and DuckDB/pandas/Polars/Spark decode it)."""
    return "plan_id=" + urllib.parse.quote(plan_id, safe="")


def plan_of_dir(name: str) -> str | None:
    return urllib.parse.unquote(name[len("plan_id="):]) if name.startswith("plan_id=") else None


def _write_partition(table: pa.Table, base: Path) -> None:
    """One plan's rows of one table → ``base/plan_id=…/part-0.parquet``."""
    i = table.schema.get_field_index("plan_id")
    table = table.set_column(i, pa.field("plan_id", pa.string(), nullable=False), table.column(i).cast(pa.string()))
    ds.write_dataset(table, base, format=_FORMAT, partitioning=_PARTITIONING,
                     file_options=_FORMAT.make_write_options(compression="zstd"),
                     basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore")


def write_plan(root: Path, outputs, sha256: str, source_path: str, code: str) -> None:
    """Write every table of one parsed plan (:class:`pipeline.emit.Outputs`)
    as its partitions, then commit them (see the module docstring)."""
    pid = outputs.plan_id
    plan = dict(outputs.plan, source_path=source_path, code=code)
    meta = schemas.file_metadata(pid, sha256, __version__, plan)
    stage = root / STAGING / f"{uuid.uuid4().hex}"
    stage.mkdir(parents=True)
    try:
        _write_partition(schemas.build_table(PLAN_SCHEMA, [plan], pid, meta), stage / PLAN_TABLE)
        # the directory name as the dataset writer spelled it
        part = next(iter(os.listdir(stage / PLAN_TABLE)))
        if part != partition_dir(pid):   # remove_plan finds partitions by this name
            raise RuntimeError(f"unexpected partition directory {part!r} for plan {pid!r}")
        for name, schema in TABLES.items():
            rows = outputs.rows.get(f"{name}.parquet", [])
            if rows:
                _write_partition(schemas.build_table(schema, rows, pid, meta), stage / name)
        doc = stage / DOCUMENTS / part
        doc.mkdir(parents=True)
        with open(doc / "document.json", "w", encoding="utf-8") as fh:
            json.dump(outputs.document, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        # commit: un-commit the old plan, swap every partition, commit the plan
        remove_plan(root, pid)
        for name in [*TABLES, DOCUMENTS]:
            src = stage / name / part
            if src.exists():
                (root / name).mkdir(exist_ok=True)
                os.replace(src, root / name / part)
        (root / PLAN_TABLE).mkdir(exist_ok=True)
        os.replace(stage / PLAN_TABLE / part, root / PLAN_TABLE / part)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_plan(root: Path, plan_id: str) -> None:
    """Remove a plan's partitions (the ``plan`` one first: the plan is no
    longer committed before any of its data goes)."""
    part = partition_dir(plan_id)
    trash = root / STAGING / f"old-{uuid.uuid4().hex}"
    for name in [PLAN_TABLE, *TABLES, DOCUMENTS]:
        p = root / name / part
        if p.exists():
            trash.mkdir(parents=True, exist_ok=True)
            os.replace(p, trash / name)
    shutil.rmtree(trash, ignore_errors=True)


def committed_plans(root: Path) -> list[dict]:
    """Rows of the plan table (one per committed plan), in plan id order."""
    base = root / PLAN_TABLE
    if not base.is_dir():
        return []
    rows = []
    for d in sorted(base.iterdir()):
        pid = plan_of_dir(d.name)
        f = d / "part-0.parquet"
        if pid is None or not f.is_file():
            continue
        cols = ["source_path", "source_sha256", "document_no", "n_documents", "code"]
        t = pq.read_table(f, columns=cols)
        for r in t.to_pylist():
            rows.append({"plan_id": pid, **r})
    return rows


def clean_staging(root: Path) -> None:
    """Remove what a killed run left in ``_staging``."""
    shutil.rmtree(root / STAGING, ignore_errors=True)


def read_failures(root: Path) -> list[dict]:
    f = root / "failures.parquet"
    return pq.read_table(f).to_pylist() if f.is_file() else []


def write_failures(root: Path, rows: list[dict]) -> None:
    """``failures.parquet``: one row per file that could not be parsed (path
    order), written atomically."""
    rows = sorted(rows, key=lambda r: r["path"])
    table = pa.Table.from_pylist(rows, schema=FAILURES_SCHEMA)
    atomic_parquet(table, root / "failures.parquet")


def atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_table(root: Path, name: str, columns: list[str] | None = None) -> pa.Table | None:
    """One table of the dataset (all plans), or None when no plan has rows."""
    base = root / name
    if not base.is_dir() or not any(base.glob("plan_id=*/*.parquet")):
        return None
    d = ds.dataset(base, format="parquet", partitioning="hive")
    t = d.to_table(columns=columns)
    if "plan_id" in t.column_names:
        i = t.schema.get_field_index("plan_id")
        t = t.set_column(i, "plan_id", t.column(i).cast(pa.string()))
    return t
