"""Per-page cache of PDF extraction results.

``<cache_dir>/pdf-<sha256>-v<extractor version>/`` holds one JSON file per
page (``page-0001.json``) and a ``manifest.json`` with the document-level
facts (page count, bookmarks, metadata title), so a rerun after a change
downstream of extract does not open the PDF at all.  The key is the PDF's
content hash and the extractor version, so an edited PDF or a changed
extractor never reads stale pages.  Writes are atomic (temporary name +
rename): parallel runs and interrupted runs leave no half-written file.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from ..model import Bookmark, Cell, PageImage, Region
from .pdflines import RawLine
from .pdfpage import PageResult


def _atomic_write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def page_to_dict(p: PageResult) -> dict:
    return asdict(p)


def page_from_dict(d: dict) -> PageResult:
    regions = []
    for r in d["regions"]:
        r = dict(r)
        r["cells"] = [Cell(**c) for c in r["cells"]]
        regions.append(Region(**r))
    return PageResult(
        page=d["page"], width=d["width"], height=d["height"], rotation=d["rotation"],
        lines=[RawLine(**x) for x in d["lines"]], regions=regions,
        floats=[tuple(f) for f in d["floats"]], n_chars=d["n_chars"],
        n_unmapped=d["n_unmapped"], n_images=d["n_images"], skipped=d.get("skipped"),
        issues=[list(x) for x in d.get("issues", [])], n_glyphs=d.get("n_glyphs", 0),
        n_controls=d.get("n_controls", 0), n_dropped=d.get("n_dropped", 0), n_textobjs=d.get("n_textobjs", 0),
        images=[PageImage(**x) for x in d.get("images", [])])


class PageCache:
    """Cached page results of one PDF (by content hash) and extractor version."""

    def __init__(self, root: str | Path, sha256: str, version: str):
        self.dir = Path(root) / f"pdf-{sha256}-v{version}"

    def _page_path(self, page: int) -> Path:
        return self.dir / f"page-{page:04d}.json"

    def load_manifest(self) -> dict | None:
        p = self.dir / "manifest.json"
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        d["bookmarks"] = [Bookmark(**b) for b in d.get("bookmarks", [])]
        return d

    def save_manifest(self, n_pages: int, bookmarks: list[Bookmark], title: str | None,
                      problems: dict[str, list[str]] | None = None) -> None:
        """Document-level facts; ``problems``: page → stream problems found
        when the PDF was opened (:mod:`.pdfcheck`), kept for cached reruns."""
        _atomic_write_json(self.dir / "manifest.json", {
            "n_pages": n_pages, "bookmarks": [asdict(b) for b in bookmarks], "title": title,
            "problems": problems or {}})

    def load(self, page: int) -> PageResult | None:
        try:
            return page_from_dict(json.loads(self._page_path(page).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, result: PageResult) -> None:
        _atomic_write_json(self._page_path(result.page), page_to_dict(result))


class MemoryPageCache:
    """:class:`PageCache`'s interface held in this process's memory: the
    page results of one parse, so that :func:`pipeline.run.parse_documents`
    can assemble each volume of a file from pages parsed once, without
    writing them to disk (serialising 100 pages costs more than the rest of
    the extraction).  Results are stored as the workers returned them and
    handed out as copies, so no later stage can change what another volume
    is assembled from.  Use :meth:`keyed` per PDF and extractor version."""

    def __init__(self) -> None:
        self._pages: dict[tuple[str, str], dict[int, PageResult]] = {}
        self._manifests: dict[tuple[str, str], dict] = {}
        self._key: tuple[str, str] | None = None

    def keyed(self, sha256: str, version: str) -> MemoryPageCache:
        """A view of this cache for one PDF (content hash) and extractor version."""
        view = MemoryPageCache.__new__(MemoryPageCache)
        view._pages, view._manifests, view._key = self._pages, self._manifests, (sha256, version)
        return view

    def load_manifest(self) -> dict | None:
        d = self._manifests.get(self._key)
        return None if d is None else copy.deepcopy(d)

    def save_manifest(self, n_pages: int, bookmarks: list[Bookmark], title: str | None,
                      problems: dict[str, list[str]] | None = None) -> None:
        self._manifests[self._key] = copy.deepcopy(
            {"n_pages": n_pages, "bookmarks": bookmarks, "title": title, "problems": problems or {}})

    def load(self, page: int) -> PageResult | None:
        r = self._pages.get(self._key, {}).get(page)
        return None if r is None else copy.deepcopy(r)

    def save(self, result: PageResult) -> None:
        self._pages.setdefault(self._key, {})[result.page] = result
