"""Per-document facet values as arrays, read once per index generation so counting a query's matches is cheap."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from whoosh.collectors import Collector, WrappingCollector
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.index.schema import FACET_PREFIX, column_text, facet_names

# What an undated document holds in the date column (NUMERIC's default: the largest 64-bit value).
NO_DATE = 2**64 - 1
UNDATED = -1
_US_PER_DAY = 86_400_000_000
# Whoosh stores dates as microseconds since datetime.min (0001-01-01, proleptic ordinal 1).
_ORDINAL_OFFSET = 1


class Keyword(dict[str, np.ndarray]):
    """A keyword field (places, a declared facet): each value -> the sorted document numbers holding it, and each
    document's values (by document number, as offsets into one array), so that counting a query's matches per
    value reads only the matches' values, and is one ``bincount``."""

    def __init__(self, postings: dict[str, np.ndarray]) -> None:
        super().__init__(postings)
        self.names = list(postings)
        lengths = [len(ids) for ids in postings.values()]
        values = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        docs = np.concatenate(list(postings.values())) if postings else np.zeros(0, dtype=np.int64)
        self._values = values[np.argsort(docs, kind="stable")]  # every posting's value, by document
        per_doc = np.bincount(docs) if len(docs) else np.zeros(0, dtype=np.int64)
        self._starts = np.concatenate(([0], np.cumsum(per_doc)))  # a document's values: _values[start:next start]

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        """How many of ``docs`` (distinct document numbers) hold each value; values none holds left out."""
        docs = docs[docs < len(self._starts) - 1]  # the documents past the last one holding a value hold none
        if len(docs) * 4 < len(self._values):  # few matches: gather their values
            first = self._starts[docs]
            counts = self._starts[docs + 1] - first
            picked = self._values[np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())]
        else:  # most documents: mark them and take every posting of a marked one
            chosen = np.zeros(len(self._starts) - 1, dtype=bool)
            chosen[docs] = True
            picked = self._values[np.repeat(chosen, np.diff(self._starts))]
        found = np.bincount(picked, minlength=len(self.names))
        return {self.names[i]: c for i, c in enumerate(found.tolist()) if c}


@dataclass(frozen=True)
class DocColumns:
    """For every document number: its source (an index into ``sources``), its day, which places it mentions, and
    for each declared facet, which documents hold each value."""

    sources: tuple[str, ...]
    source_code: np.ndarray  # int32, -1 when the article names no source
    day: np.ndarray  # int32 proleptic Gregorian ordinal (date.toordinal()), UNDATED when undated
    places: Keyword  # place name -> sorted document numbers mentioning it
    fields: dict[str, Keyword]  # facet -> value -> sorted document numbers holding it

    @property
    def size(self) -> int:
        """How many document numbers the arrays cover (deleted documents included)."""
        return len(self.day)


_cache: weakref.WeakKeyDictionary[IndexReader, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
T = TypeVar("T")


def per_reader(reader: IndexReader, key: Hashable, build: Callable[[], T]) -> T:
    """A value derived from a reader, built on first use and kept while the reader lives (one index generation)."""
    with _lock:
        values = _cache.setdefault(reader, {})
        if key in values:
            return values[key]
    value = build()
    with _lock:
        return values.setdefault(key, value)


def doc_columns(searcher: Searcher) -> DocColumns:
    """The arrays for this searcher's reader."""
    reader = searcher.reader()
    return per_reader(reader, DocColumns, lambda: _read(reader))


def _read(reader: IndexReader) -> DocColumns:
    size = reader.doc_count_all()
    names: dict[str, int] = {}
    codes = np.full(size, -1, dtype=np.int32)
    if reader.has_column("source_name"):
        for docnum, value in _column(reader, "source_name", size):
            if value and (name := column_text(value)):
                codes[docnum] = names.setdefault(name, len(names))
    raw = np.full(size, NO_DATE, dtype=np.uint64)
    if reader.has_column("date"):
        for docnum, value in _column(reader, "date", size, translate=False):
            if value is not None:
                raw[docnum] = value
    day = np.full(size, UNDATED, dtype=np.int32)
    dated = raw != np.uint64(NO_DATE)
    day[dated] = (raw[dated] // np.uint64(_US_PER_DAY)).astype(np.int64) + _ORDINAL_OFFSET
    places = _postings(reader, "places") if "places" in reader.schema else Keyword({})
    fields = {name: _postings(reader, FACET_PREFIX + name) for name in facet_names(reader.schema)}
    return DocColumns(tuple(names), codes, day, places, fields)


def _postings(reader: IndexReader, field: str) -> Keyword:
    """Each term of a keyword field and the documents holding it."""
    return Keyword(
        {
            column_text(term): np.fromiter(reader.postings(field, term).all_ids(), dtype=np.int64)
            for term in reader.lexicon(field)
        }
    )


def _column(reader: IndexReader, name: str, size: int, translate: bool = True) -> Iterable[tuple[int, object]]:
    column = reader.column_reader(name, translate=translate)
    for docnum in range(size):
        yield docnum, column_value(column, docnum, None)


def open_column(reader: IndexReader, name: str) -> Any:
    """A field's column reader, or an empty mapping when the index has none (an empty index's reader has no
    columns at all, and Whoosh raises NotImplementedError when asked for one)."""
    return reader.column_reader(name) if name in reader.schema and reader.has_column(name) else {}


def column_value(column: Any, docnum: int, default: Any) -> Any:
    """A document's column value; Whoosh leaves a segment's column short when its last documents lack the field."""
    try:
        return column[docnum]
    except (IndexError, KeyError):
        return default


def matches(searcher: Searcher, query: object) -> np.ndarray:
    """The document numbers matching a query, as an array."""
    return np.fromiter(searcher.docs_for_query(query), dtype=np.int64)


class DocRecorder(WrappingCollector):
    """Hands every match on to a Whoosh collector and keeps its document number: the search that ranks the
    hits also yields the matches to count facets over, instead of a second pass over the postings."""

    def __init__(self, child: Collector) -> None:
        super().__init__(child)
        self._docnums: list[int] = []

    def collect(self, sub_docnum: int) -> Any:
        """Remember the match, then let the wrapped collector score it."""
        self._docnums.append(self.offset + sub_docnum)
        return self.child.collect(sub_docnum)

    @property
    def docnums(self) -> np.ndarray:
        """Every document number the search matched, as an array."""
        return np.array(self._docnums, dtype=np.int64)

    @classmethod
    def install(cls, collector: Collector) -> tuple[Collector, DocRecorder]:
        """Insert a recorder right above the collector that scores, under every filter and term recorder, so it
        sees exactly the matches that get scored. For that to be every match, block-quality skipping must be off
        (``optimize=False``) and so must matcher replacement: once the top N are full, Whoosh swaps in matchers
        that drop documents unable to reach the N-th score. Returns the collector to search with and the recorder."""
        parent = None
        scorer = collector
        while isinstance(scorer, WrappingCollector):
            parent, scorer = scorer, scorer.child
        scorer.replace = 0
        recorder = cls(scorer)
        if parent is None:
            return recorder, recorder
        parent.child = recorder
        return collector, recorder
