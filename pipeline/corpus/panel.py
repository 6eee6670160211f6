"""The cross-plan indicator panel: ``DATASET/panel.parquet``, one row per
(plan, indicator, measure) of every indicator table in the corpus, with the
plan's government, level and period, the indicator name normalised across
plans (``pipeline/data/indicator_synonyms.tsv``) and the unit normalised
(``pipeline/data/units.tsv``).

Growth columns fold into the indicator's growth key: ``地区生产总值（亿元）``
with a 年均增长 cell of ``7左右`` and ``地区生产总值增长（%）`` with the same
cell both give ``gdp_growth`` / ``target`` / 7 / 左右, its ``year`` the table's
target year (the plan's last year when the table names none).  Cells printed
as a null mark (``—``) are left out (they are in indicator_values).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyarrow as pa
import regex as re

from .. import cjk
from . import dataset

DATA = Path(__file__).resolve().parents[1] / "data"

PANEL_SCHEMA = pa.schema([
    ("plan_id", pa.string()), ("government", pa.string()), ("level", pa.string()), ("kind", pa.string()),
    ("period_start", pa.int32()), ("period_end", pa.int32()), ("title", pa.string()),
    ("indicator_key", pa.string()), ("indicator", pa.string()), ("category", pa.string()),
    ("measure", pa.string()), ("year", pa.int32()), ("value", pa.float64()), ("unit", pa.string()),
    ("value_norm", pa.float64()), ("unit_norm", pa.string()), ("qualifier", pa.string()),
    ("attribute", pa.string()), ("is_cumulative", pa.bool_()), ("raw", pa.string()),
    ("source_measure", pa.string()), ("table_id", pa.string()), ("row_no", pa.int32()),
])

_GROWTH_MEASURES = {"target_growth": "target", "actual_growth": "actual"}


def _rows(path: Path) -> list[list[str]]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            out.append(raw.split("\t"))
    return out


@functools.lru_cache(maxsize=1)
def synonyms() -> list[tuple[str, str, re.Pattern]]:
    """(key, quantity, pattern) rows of the synonym table, in order."""
    return [(k, q, re.compile(p)) for k, q, p in _rows(DATA / "indicator_synonyms.tsv")]


@functools.lru_cache(maxsize=1)
def units() -> dict[str, tuple[str, float]]:
    return {u: (c, float(f)) for u, c, f in _rows(DATA / "units.tsv")}


def normalise_name(name: str) -> str:
    """The name as the synonym patterns see it: no spaces, no unit in
    brackets, no leading number."""
    n = cjk.compact(name or "")
    n, _ = cjk.split_unit(n)
    n = re.sub(r"[（(](?:%|％|‰)[）)]$", "", n)
    return re.sub(r"^\d+[.、．]?", "", n)


def indicator_key(name: str) -> tuple[str | None, str | None]:
    """(key, quantity) of an indicator name, or (None, None)."""
    n = normalise_name(name)
    for key, quantity, rx in synonyms():
        if rx.search(n):
            return key, quantity
    return None, None


def _growth_key(key: str | None, quantity: str | None) -> str | None:
    """The key of a growth column: the indicator's own key when it is a
    growth indicator, else ``<key>_growth`` (gdp → gdp_growth)."""
    if key is None:
        return None
    return key if quantity == "growth" else f"{key}_growth"


def build_panel(root: Path) -> pa.Table:
    """The panel of every committed plan of the dataset at ``root``."""
    ind = dataset.read_table(root, "indicators")
    val = dataset.read_table(root, "indicator_values")
    plans = dataset.read_table(root, dataset.PLAN_TABLE)
    if ind is None or val is None or plans is None:
        return pa.Table.from_pylist([], schema=PANEL_SCHEMA)
    committed = {r["plan_id"]: r for r in plans.to_pylist()}
    indicators = {(r["plan_id"], r["table_id"], r["row_no"]): r for r in ind.to_pylist()}
    values = [v for v in val.to_pylist() if v["plan_id"] in committed]
    # the year a table's targets (actual values) refer to
    years: dict[tuple[str, str, str], int] = {}
    for v in values:
        if v["measure"] in ("target", "actual") and v["year"]:
            k = (v["plan_id"], v["table_id"], v["measure"])
            years[k] = max(years.get(k, 0), v["year"])
    out = []
    for v in values:
        i = indicators.get((v["plan_id"], v["table_id"], v["row_no"]))
        if i is None or (v["value"] is None and v["qualifier"] is None and cjk.is_null_mark(v["raw"] or "")):
            continue
        p = committed[v["plan_id"]]
        key, quantity = indicator_key(i["name"])
        measure, year = v["measure"], v["year"]
        if measure in _GROWTH_MEASURES:
            measure = _GROWTH_MEASURES[measure]
            key = _growth_key(key, quantity)
            year = years.get((v["plan_id"], v["table_id"], measure))
            if year is None:
                year = p["period_end"] if measure == "target" else (p["period_start"] - 1 if p["period_start"] else None)
        unit = i["unit"]
        if key is not None and key.endswith("_growth") and quantity != "growth":
            unit = "%"        # the growth column of a level indicator is in per cent
        norm = units().get(unit) if unit else None
        out.append({
            "plan_id": v["plan_id"], "government": p["government"], "level": p["level"], "kind": p["kind"],
            "period_start": p["period_start"], "period_end": p["period_end"], "title": p["title"],
            "indicator_key": key, "indicator": i["name"], "category": i["category"],
            "measure": measure, "year": year, "value": v["value"], "unit": unit,
            "value_norm": v["value"] * norm[1] if norm and v["value"] is not None else v["value"],
            "unit_norm": norm[0] if norm else unit, "qualifier": v["qualifier"], "attribute": i["attribute"],
            "is_cumulative": v["is_cumulative"], "raw": v["raw"], "source_measure": v["measure"],
            "table_id": v["table_id"], "row_no": v["row_no"]})
    out.sort(key=lambda r: (r["plan_id"], r["table_id"], r["row_no"], r["source_measure"], r["year"] or 0))
    return pa.Table.from_pylist(out, schema=PANEL_SCHEMA)


def write_panel(root: Path) -> int:
    """(Re)build ``panel.parquet``; returns its number of rows."""
    t = build_panel(root)
    dataset.atomic_parquet(t, root / "panel.parquet")
    return t.num_rows
