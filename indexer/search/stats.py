"""Facts about a built index: size, documents, sources, build time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from indexer.search.columns import doc_columns
from indexer.search.results import JsonReady

NO_SOURCE = "(none)"


@dataclass
class IndexStats(JsonReady):
    """What ``stats`` reports."""

    documents: int
    sources: dict[str, int]
    size_bytes: int
    built_at: str


def index_stats(searcher: Searcher, folder: Path) -> IndexStats:
    """The statistics of the index generation in ``folder`` that ``searcher`` reads."""
    reader = searcher.reader()
    columns = doc_columns(searcher)
    live = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
    # The same per-document source codes the Source facet counts with (-1: the article names no source).
    codes, counts = np.unique(columns.source_code[live], return_counts=True)
    sources = {columns.sources[c] if c >= 0 else NO_SOURCE: int(n) for c, n in zip(codes, counts, strict=True)}
    files = [p for p in folder.iterdir() if p.is_file()]
    built = max((p.stat().st_mtime for p in files), default=folder.stat().st_mtime)
    return IndexStats(
        documents=reader.doc_count(),
        sources=dict(sorted(sources.items(), key=lambda item: (-item[1], item[0]))),
        size_bytes=sum(p.stat().st_size for p in files),
        built_at=datetime.fromtimestamp(built, UTC).isoformat(timespec="seconds"),
    )
