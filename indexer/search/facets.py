"""Filters (sources, places, a date range, declared facets), facet counts and the timeline of a query's matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

import numpy as np
from whoosh.query import And, DateRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FacetType, FieldFacet, TranslateFacet

from indexer.index.schema import FACET_PREFIX, facet_names
from indexer.search.columns import NO_DATE, UNDATED, DocColumns, doc_columns, matches
from indexer.search.request import Filters, SearchError
from indexer.search.timeline import Timeline, month_numbers, timeline


@dataclass
class Facets:
    """Article counts by source, year, month (``YYYY-MM``), place and each declared facet (``fields``); sources,
    places and facet values most frequent first."""

    source: dict[str, int] = field(default_factory=dict)
    year: dict[str, int] = field(default_factory=dict)
    month: dict[str, int] = field(default_factory=dict)
    place: dict[str, int] = field(default_factory=dict)
    fields: dict[str, dict[str, int]] = field(default_factory=dict)


def check_fields(searcher: Searcher, filters: Filters) -> None:
    """Refuse a filter on a facet this index does not have (SearchError naming the ones it has)."""
    known = facet_names(searcher.schema)
    for name, _ in filters.fields:
        if name not in known:
            have = f"this index has: {', '.join(known)}" if known else "this index has none"
            raise SearchError(f"'filter' names no facet {name!r}: {have} (declare one with reindex --facet NAME)")


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
    fields = [_any_of(FACET_PREFIX + name, values) for name, values in filters.fields]
    parts = [
        q
        for q in (
            _any_of("source_name", filters.sources),
            _any_of("places", filters.places),
            _date_range(filters),
            *fields,
        )
        if q is not None
    ]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def count(
    searcher: Searcher, query: Query, filters: Filters, docs: np.ndarray | None = None
) -> tuple[Facets, Timeline, int]:
    """Facet counts over the query's matches (each facet honours the other filters, not its own), the timeline,
    and how many matches pass every filter. ``docs``, when given, are the query's matches without filters.

    Every count is of articles (copies of a story included), the same ones the timeline and the total of
    articles count."""
    columns = doc_columns(searcher)
    docs = matches(searcher, query) if docs is None else docs
    masks = _masks(columns, docs, filters)

    def passing(*but: str) -> np.ndarray:
        """Which matches pass every filter except ``but``."""
        mask = np.ones(docs.size, dtype=bool)
        for name, m in masks.items():
            if name not in but:
                mask &= m
        return mask

    days = columns.day[docs]
    dated = days != UNDATED
    chosen = passing()
    by_period = passing("date") & dated
    return (
        Facets(
            source=_ranked(_source_counts(columns, docs[passing("source")])),
            year=_periods(days[by_period], 4),
            month=_periods(days[by_period], 7),
            place=_ranked(columns.places.counts(docs[passing("place")])),
            fields={
                name: _ranked(values.counts(docs[passing(FACET_PREFIX + name)]))
                for name, values in columns.fields.items()
            },
        ),
        timeline(days[chosen & dated], int(np.sum(chosen & ~dated))),
        int(np.sum(chosen)),
    )


def allowed(searcher: Searcher, docs: np.ndarray, filters: Filters) -> np.ndarray | None:
    """Which of these documents pass every filter, as a mask; None when nothing is filtered."""
    if not filters.active:
        return None
    mask = np.ones(docs.size, dtype=bool)
    for m in _masks(doc_columns(searcher), docs, filters).values():
        mask &= m
    return mask


def _masks(columns: DocColumns, docs: np.ndarray, filters: Filters) -> dict[str, np.ndarray]:
    """One mask per active filter: ``source``, ``place``, ``date``, and ``facet_NAME`` per declared facet."""
    masks = {}
    if filters.sources:
        masks["source"] = _source_mask(columns, docs, filters)
    if filters.places:
        masks["place"] = _any_mask(columns.places, docs, filters.places)
    if filters.date_from or filters.date_to:
        masks["date"] = _date_mask(columns, docs, filters)
    for name, values in filters.fields:
        masks[FACET_PREFIX + name] = _any_mask(columns.fields.get(name, {}), docs, values)
    return masks


def _source_mask(columns: DocColumns, docs: np.ndarray, filters: Filters) -> np.ndarray:
    if not filters.sources:
        return np.ones(docs.size, dtype=bool)
    wanted = [i for i, name in enumerate(columns.sources) if name in filters.sources]
    return np.isin(columns.source_code[docs], wanted)


def _any_mask(index: dict[str, np.ndarray], docs: np.ndarray, values: tuple[str, ...]) -> np.ndarray:
    """Which documents hold any of the values of a keyword field (places, a declared facet)."""
    wanted = [index[v] for v in values if v in index]
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
