"""The input side of a corpus run: the plan files under a folder, their
sha256, their plan ids, and the fingerprint of the code that parses them."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import regex as re

#: File names a corpus run reads (case-insensitive).
SUFFIXES = (".pdf", ".txt", ".text", ".md", ".markdown")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One plan file of the corpus."""

    path: str          # absolute path
    rel: str           # path relative to the corpus folder, with / separators
    sha256: str
    size: int
    plan_id: str


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE).strip("-.") or "plan"


def plan_ids(rels: list[str]) -> dict[str, str]:
    """Plan id of each relative path: the path without its extension,
    path-safe (``real/yunnan-10th.pdf`` → ``real-yunnan-10th``); files that
    would share an id (``x.txt`` and ``x.pdf``) keep their extension in it
    (``x-txt``, ``x-pdf``)."""
    base = {r: _slug(str(Path(r).with_suffix("")).replace(os.sep, "/").replace("/", "-")) for r in rels}
    count: dict[str, int] = {}
    for b in base.values():
        count[b] = count.get(b, 0) + 1
    return {r: b if count[b] == 1 else _slug(f"{b}-{Path(r).suffix.lstrip('.').lower()}") for r, b in base.items()}


def list_inputs(root: str | Path) -> list[InputFile]:
    """Every plan file under ``root`` (recursively, in path order; hidden
    files and folders — ``.git``, ``.dvc`` — skipped)."""
    root = Path(root).resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for f in sorted(filenames):
            if not f.startswith(".") and f.lower().endswith(SUFFIXES):
                found.append(Path(dirpath) / f)
    rels = [p.relative_to(root).as_posix() for p in found]
    ids = plan_ids(rels)
    return [InputFile(str(p), r, sha256_file(p), p.stat().st_size, ids[r]) for p, r in zip(found, rels)]


def code_fingerprint() -> str:
    """sha256 of the pipeline's own code and data files: a plan parsed by
    other code is parsed again (and a failed file retried)."""
    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and (p.suffix in (".py", ".txt", ".tsv", ".json") and "__pycache__" not in p.parts):
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]
