"""Facts about a built index: size, documents, sources, build time."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.index import store
from indexer.index.schema import column_text


@dataclass
class IndexStats:
    """What ``stats`` reports."""

    documents: int
    sources: dict[str, int]
    size_bytes: int
    built_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)


def index_stats(root: Path) -> IndexStats:
    """Read the statistics of the current index (raises IndexMissing)."""
    ix = store.open_index(Path(root))
    folder = Path(ix.storage.folder)
    files = [p for p in folder.iterdir() if p.is_file()]
    with ix.reader() as reader:
        names = reader.column_reader("source_name")
        sources = Counter(column_text(names[d]) or "(none)" for d in reader.all_doc_ids())
        documents = reader.doc_count()
    built = max((p.stat().st_mtime for p in files), default=folder.stat().st_mtime)
    ix.close()
    return IndexStats(
        documents=documents,
        sources=dict(sources.most_common()),
        size_bytes=sum(p.stat().st_size for p in files),
        built_at=datetime.fromtimestamp(built, UTC).isoformat(timespec="seconds"),
    )

