"""The one front door to the search core: the page, the JSON API, the CLI and bench all call an ``Engine``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer import settings
from indexer.index.store import IndexMissing, current_dir
from indexer.search import export
from indexer.search.query import Synonyms, load_synonyms
from indexer.search.related import related_to
from indexer.search.request import (
    DEFAULT_RELATED,
    DEFAULT_SUGGESTIONS,
    MAX_EXPORT,
    MAX_RELATED,
    MAX_SUGGESTIONS,
    PREFIX_MODES,
    SearchError,
    SearchRequest,
    clean_query,
    export_format,
)
from indexer.search.results import ArticlePage, Document, Related, SearchResults, Suggestion
from indexer.search.searchers import SearcherCache
from indexer.search.searching import highlight_body, search
from indexer.search.stats import IndexStats, index_stats
from indexer.search.suggest import suggest


class Engine:
    """Searches one index directory (always its newest published generation) with one synonyms file.

    Thread-safe: each thread reads through its own Whoosh searcher, reopened when a reindex publishes."""

    def __init__(self, index_dir: str | Path, synonyms_file: str | Path | None = settings.SYNONYMS_FILE.default):
        self.index_dir = Path(index_dir)
        self.synonyms_file = Path(synonyms_file) if synonyms_file else None
        self._searchers = SearcherCache(self.index_dir)

    def search(self, request: SearchRequest | str, **options: Any) -> SearchResults:
        """One page of results for a request, or for a query text and ``SearchRequest`` options."""
        if isinstance(request, str):
            request = SearchRequest(request, **options)
        return search(self._searchers.get(), request, self.synonyms())

    def export(self, request: SearchRequest, fmt: str = "csv", limit: int = MAX_EXPORT) -> Iterator[str]:
        """Every result of a request (not one page; at most ``limit``, up to MAX_EXPORT) as ``csv`` or ``jsonl``
        text, in chunks. The search runs now (a bad request raises here); the rows are read as chunks are taken."""
        formatter = export.FORMATS[export_format(fmt)]
        _check_limit(limit, MAX_EXPORT)
        return formatter(export.rows(self._searchers.get(), request, self.synonyms(), limit))

    def document(self, doc_id: str) -> Document | None:
        """The stored article with this id, or None."""
        stored = self._searchers.get().document(id=doc_id)
        return None if stored is None else Document.from_stored(stored)

    def article(
        self, doc_id: str, q: str = "", related: int = DEFAULT_RELATED, prefix: str = "none"
    ) -> ArticlePage | None:
        """An article for its page: paragraphs with ``q``'s words marked (when it has them) and related articles;
        ``prefix="last"`` marks the words that the last one begins, as the search that led here matched them."""
        q = clean_query(q).strip()
        _check_limit(related, MAX_RELATED)
        if prefix not in PREFIX_MODES:
            raise SearchError(f"'prefix' must be one of: {', '.join(PREFIX_MODES)}")
        searcher = self._searchers.get()
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        document = Document.from_stored(searcher.stored_fields(docnum))
        marked = highlight_body(searcher, doc_id, q, self.synonyms(), prefix == "last") if q else None
        paragraphs = marked or [p for p in document.body.split("\n\n") if p]
        return ArticlePage(document, q, paragraphs, marked is not None, related_to(searcher, docnum, related))

    def related(self, doc_id: str, limit: int = DEFAULT_RELATED) -> list[Related] | None:
        """Up to ``limit`` articles about the same subject (not copies of it); None when the id is unknown."""
        _check_limit(limit, MAX_RELATED)
        searcher = self._searchers.get()
        docnum = searcher.document_number(id=doc_id)
        return None if docnum is None else related_to(searcher, docnum, limit)

    def suggest(self, text: str, limit: int = DEFAULT_SUGGESTIONS) -> list[Suggestion]:
        """Search-as-you-type: completions of the last word, then titles of matching articles."""
        _check_limit(limit, MAX_SUGGESTIONS)
        return suggest(self._searchers.get(), text, limit)

    def stats(self) -> IndexStats:
        """Documents, sources, size and build time of the index."""
        searcher = self._searchers.get()
        folder = current_dir(self.index_dir)
        if folder is None:
            raise IndexMissing(f"no index at {self.index_dir}")
        return index_stats(searcher, folder)

    def count(self) -> int:
        """How many articles the index holds (raises IndexMissing when none is built)."""
        return self._searchers.get().doc_count()

    def generation(self) -> str:
        """Which index generation this thread reads (its folder and Whoosh generation), as health reports it."""
        return self._searchers.version()

    def version(self) -> str:
        """What identifies the answers: the index generation read and the synonyms file's state, for cache keys."""
        return f"{self.generation()}|{_file_state(self.synonyms_file)}"

    def synonyms(self) -> Synonyms:
        """The synonyms in use (the file is re-read when it changes)."""
        return load_synonyms(self.synonyms_file) if self.synonyms_file else Synonyms()

    def close(self) -> None:
        """Close every searcher (and their open segment files)."""
        self._searchers.close_all()


def _check_limit(limit: int, high: int) -> None:
    if not 1 <= limit <= high:
        raise SearchError(f"'limit' must be a whole number between 1 and {high}")


def _file_state(path: Path | None) -> str:
    try:
        stat = path.stat() if path else None
    except OSError:
        return "none"
    return f"{stat.st_mtime_ns}-{stat.st_size}" if stat else "none"
