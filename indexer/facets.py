"""Filters (sources, a date range) and facet counts (source, year, month) for a query, read from columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from whoosh.query import And, DateRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FacetType, FieldFacet, TranslateFacet
from whoosh.util.times import long_to_datetime

from indexer.schema import column_text

# What an undated document holds in the date column (NUMERIC's default: the largest 64-bit value).
_NO_DATE = 2**64 - 1
SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """Which articles a search is limited to: any of ``sources``, dated ``date_from``..``date_to`` inclusive."""

    sources: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        """Whether anything is filtered at all."""
        return bool(self.sources or self.date_from or self.date_to)


@dataclass
class Facets:
    """Article counts by source, year and month (``YYYY-MM``), most frequent source first."""

    source: dict[str, int] = field(default_factory=dict)
    year: dict[str, int] = field(default_factory=dict)
    month: dict[str, int] = field(default_factory=dict)


def _date_range(filters: Filters) -> Query | None:
    if not (filters.date_from or filters.date_to):
        return None
    start = datetime.combine(filters.date_from, time.min) if filters.date_from else None
    end = datetime.combine(filters.date_to, time.max) if filters.date_to else None
    return DateRange("date", start, end)


def _sources(filters: Filters) -> Query | None:
    if not filters.sources:
        return None
    return Or([Term("source_name", s) for s in filters.sources])


def filter_query(filters: Filters) -> Query | None:
    """The filters as a query to pass as ``filter=``, or None when nothing is filtered."""
    parts = [q for q in (_sources(filters), _date_range(filters)) if q is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def _doc_date(value: int) -> datetime | None:
    return None if value == _NO_DATE else long_to_datetime(value)


def count(searcher: Searcher, query: Query, filters: Filters) -> Facets:
    """Facet counts over the query's matches: each facet honours the other filters but not its own."""
    reader = searcher.reader()
    sources = reader.column_reader("source_name")
    dates = reader.column_reader("date", translate=False)
    by_source: Counter[str] = Counter()
    by_year: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    start = datetime.combine(filters.date_from, time.min) if filters.date_from else None
    end = datetime.combine(filters.date_to, time.max) if filters.date_to else None
    for docnum in searcher.docs_for_query(query):
        source = column_text(column_value(sources, docnum, b""))
        when = _doc_date(column_value(dates, docnum, _NO_DATE))
        in_dates = not (start or end) or (
            when is not None and (start is None or when >= start) and (end is None or when <= end)
        )
        if in_dates and source:
            by_source[source] += 1
        if when is not None and (not filters.sources or source in filters.sources):
            by_year[f"{when.year:04d}"] += 1
            by_month[f"{when.year:04d}-{when.month:02d}"] += 1
    return Facets(
        source=dict(sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        year=dict(sorted(by_year.items(), reverse=True)),
        month=dict(sorted(by_month.items(), reverse=True)),
    )


def column_value(column: Any, docnum: int, default: Any) -> Any:
    """A document's column value; Whoosh leaves a segment's column short when its last documents lack the field."""
    try:
        return column[docnum]
    except (IndexError, KeyError):
        return default



def sort_facet(sort: str) -> FacetType | None:
    """What to sort by: None for relevance; by date otherwise, undated articles always last."""
    if sort == "relevance":
        return None
    if sort == "oldest":
        return FieldFacet("date")
    if sort == "newest":
        return TranslateFacet(_newest_first, FieldFacet("date"))
    raise ValueError(f"unknown sort {sort!r}")


def _newest_first(key: Any) -> Any:
    # Ascending order of the negated date is newest first; undated articles (positive key) come last.
    return 1 if key == _NO_DATE else -key
