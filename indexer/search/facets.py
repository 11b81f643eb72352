"""Filters (sources, places, a date range), facet counts and the timeline of a query's matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

import numpy as np
from whoosh.query import And, DateRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FacetType, FieldFacet, TranslateFacet

from indexer.search.columns import NO_DATE, UNDATED, DocColumns, doc_columns, matches
from indexer.search.request import Filters
from indexer.search.timeline import Timeline, month_numbers, timeline


@dataclass
class Facets:
    """Article counts by source, year, month (``YYYY-MM``) and place; sources and places most frequent first."""

    source: dict[str, int] = field(default_factory=dict)
    year: dict[str, int] = field(default_factory=dict)
    month: dict[str, int] = field(default_factory=dict)
    place: dict[str, int] = field(default_factory=dict)


def _date_range(filters: Filters) -> Query | None:
    if not (filters.date_from or filters.date_to):
        return None
    start = datetime.combine(filters.date_from, time.min) if filters.date_from else None
    end = datetime.combine(filters.date_to, time.max) if filters.date_to else None
    return DateRange("date", start, end)


def _any_of(field_name: str, values: tuple[str, ...]) -> Query | None:
    return Or([Term(field_name, v) for v in values]) if values else None


def filter_query(filters: Filters) -> Query | None:
    """The filters as a query to pass as ``filter=``, or None when nothing is filtered."""
    parts = [q for q in (_any_of("source_name", filters.sources), _any_of("places", filters.places),
                         _date_range(filters)) if q is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def count(searcher: Searcher, query: Query, filters: Filters,
          docs: np.ndarray | None = None) -> tuple[Facets, Timeline, int]:
    """Facet counts over the query's matches (each facet honours the other filters, not its own), the timeline,
    and how many matches pass every filter. ``docs``, when given, are the query's matches without filters."""
    columns = doc_columns(searcher)
    docs = matches(searcher, query) if docs is None else docs
    by_source = _source_mask(columns, docs, filters)
    by_place = _place_mask(columns, docs, filters)
    in_dates = _date_mask(columns, docs, filters)
    days = columns.day[docs]
    dated = days != UNDATED
    chosen = by_source & by_place & in_dates
    return Facets(
        source=_ranked(_source_counts(columns, docs[in_dates & by_place])),
        year=_periods(days[by_source & by_place & dated], 4),
        month=_periods(days[by_source & by_place & dated], 7),
        place=_ranked(_place_counts(columns, docs[by_source & in_dates])),
    ), timeline(days[chosen & dated], int(np.sum(chosen & ~dated))), int(np.sum(chosen))


def allowed(searcher: Searcher, docs: np.ndarray, filters: Filters) -> np.ndarray | None:
    """Which of these documents pass every filter, as a mask; None when nothing is filtered."""
    if not filters.active:
        return None
    columns = doc_columns(searcher)
    return (_source_mask(columns, docs, filters) & _place_mask(columns, docs, filters)
            & _date_mask(columns, docs, filters))


def _source_mask(columns: DocColumns, docs: np.ndarray, filters: Filters) -> np.ndarray:
    if not filters.sources:
        return np.ones(docs.size, dtype=bool)
    wanted = [i for i, name in enumerate(columns.sources) if name in filters.sources]
    return np.isin(columns.source_code[docs], wanted)


def _place_mask(columns: DocColumns, docs: np.ndarray, filters: Filters) -> np.ndarray:
    if not filters.places:
        return np.ones(docs.size, dtype=bool)
    wanted = [columns.places[p] for p in filters.places if p in columns.places]
    return np.isin(docs, np.concatenate(wanted)) if wanted else np.zeros(docs.size, dtype=bool)


def _date_mask(columns: DocColumns, docs: np.ndarray, filters: Filters) -> np.ndarray:
    days = columns.day[docs]
    mask = np.ones(docs.size, dtype=bool)
    if filters.date_from:
        mask &= days >= filters.date_from.toordinal()
    if filters.date_to:
        mask &= (days <= filters.date_to.toordinal()) & (days != UNDATED)
    return mask


def _source_counts(columns: DocColumns, docs: np.ndarray) -> dict[str, int]:
    codes = columns.source_code[docs]
    counts = np.bincount(codes[codes >= 0], minlength=len(columns.sources))
    return {columns.sources[i]: int(c) for i, c in enumerate(counts.tolist()) if c}


def _place_counts(columns: DocColumns, docs: np.ndarray) -> dict[str, int]:
    chosen = np.zeros(columns.size, dtype=bool)
    chosen[docs] = True
    counts = {name: int(chosen[ids].sum()) for name, ids in columns.places.items()}
    return {name: c for name, c in counts.items() if c}


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _periods(days: np.ndarray, width: int) -> dict[str, int]:
    """Counts per ``YYYY`` (width 4) or ``YYYY-MM`` (width 7), newest first."""
    months = month_numbers(days)
    numbers, counts = np.unique(months // 12 if width == 4 else months, return_counts=True)
    label = (lambda n: f"{n:04d}") if width == 4 else (lambda n: f"{n // 12:04d}-{n % 12 + 1:02d}")
    return {label(n): c for n, c in zip(numbers.tolist()[::-1], counts.tolist()[::-1], strict=True)}


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
    return 1 if key == NO_DATE else -key
