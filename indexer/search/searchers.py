"""Searchers on the current index: one per thread, reopened when a reindex publishes a new generation."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from whoosh.searching import Searcher

from indexer.index.store import current_dir, open_index
from indexer.search.ranking.model import weighting


class SearcherCache:
    """A searcher per thread on the newest committed index, reopened when the index changes.

    Every open searcher is also kept in one set, so that all of them are closed (their segment files with them)
    when the cache is closed or garbage-collected, whichever thread opened them."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._local = threading.local()
        self._open: set[Searcher] = set()
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._open, self._lock)

    def get(self) -> Searcher:
        """A searcher that sees the latest committed index (raises IndexMissing)."""
        local = self._local
        searcher: Searcher | None = getattr(local, "searcher", None)
        if searcher is not None and searcher not in self._open:  # closed by close_all()
            searcher = local.searcher = None
        if searcher is not None:
            # Reopen rather than Searcher.refresh(): refresh returns stale duplicates after updates.
            if str(current_dir(self.root)) == local.link and local.ix.latest_generation() == local.generation:
                return searcher
            self.close()
        ix = open_index(self.root)
        local.ix = ix
        local.link = ix.storage.folder
        local.generation = ix.latest_generation()
        local.searcher = ix.searcher(weighting=weighting())
        with self._lock:
            self._open.add(local.searcher)
        return local.searcher

    def version(self) -> str:
        """Which committed index this thread's searcher reads: its generation folder and Whoosh generation."""
        self.get()
        return f"{Path(self._local.link).name}.{self._local.generation}"

    def close(self) -> None:
        """Close this thread's searcher."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            with self._lock:
                self._open.discard(searcher)
            searcher.close()
            self._local.searcher = None

    def close_all(self) -> None:
        """Close every thread's searcher."""
        _close_all(self._open, self._lock)


def _close_all(searchers: set[Searcher], lock: threading.Lock) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()
