"""A query's matches counted per day, month or year, with the empty periods between them kept."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import numpy as np

# Matches spanning under ~3 months are counted per day, over ~10 years per year, per month otherwise.
DAY_SPAN = 92
YEAR_SPAN = 3653
INTERVALS = ("day", "month", "year")


@dataclass
class Bucket:
    """One period: its first and last day (ISO dates), a label, and how many matches fall in it."""

    start: str
    end: str
    label: str
    count: int


@dataclass
class Timeline:
    """Matches per period, oldest first, and how many matching articles have no date."""

    interval: str = "month"
    buckets: list[Bucket] = field(default_factory=list)
    undated: int = 0

    @property
    def peak(self) -> int:
        """The largest bucket's count (0 when empty), for scaling a chart."""
        return max((b.count for b in self.buckets), default=0)


def timeline(days: np.ndarray, undated: int) -> Timeline:
    """Bucket dated matches (proleptic ordinals) at the interval their span calls for."""
    if days.size == 0:
        return Timeline(undated=undated)
    first, last = int(days.min()), int(days.max())
    span = last - first
    if span < DAY_SPAN:
        return Timeline("day", _days(days, first, last), undated)
    dates = [date.fromordinal(first), date.fromordinal(last)]
    if span > YEAR_SPAN:
        return Timeline("year", _years(days, dates[0].year, dates[1].year), undated)
    return Timeline("month", _months(days, dates[0], dates[1]), undated)


def _days(days: np.ndarray, first: int, last: int) -> list[Bucket]:
    counts = np.bincount(days - first, minlength=last - first + 1)
    buckets = []
    for offset, count in enumerate(counts.tolist()):
        day = date.fromordinal(first + offset).isoformat()
        buckets.append(Bucket(day, day, day, count))
    return buckets


def _months(days: np.ndarray, first: date, last: date) -> list[Bucket]:
    index = np.fromiter((_month_index(date.fromordinal(d)) for d in np.unique(days).tolist()), dtype=np.int64)
    per_day = np.unique(days, return_counts=True)[1]
    start = _month_index(first)
    counts = np.bincount(index - start, weights=per_day, minlength=_month_index(last) - start + 1)
    buckets = []
    for offset, count in enumerate(counts.tolist()):
        year, month = divmod(start + offset, 12)
        end = calendar.monthrange(year, month + 1)[1]
        buckets.append(Bucket(date(year, month + 1, 1).isoformat(), date(year, month + 1, end).isoformat(),
                              f"{year:04d}-{month + 1:02d}", int(count)))
    return buckets


def _years(days: np.ndarray, first: int, last: int) -> list[Bucket]:
    unique, per_day = np.unique(days, return_counts=True)
    years = np.fromiter((date.fromordinal(d).year for d in unique.tolist()), dtype=np.int64)
    counts = np.bincount(years - first, weights=per_day, minlength=last - first + 1)
    return [Bucket(f"{first + i:04d}-01-01", f"{first + i:04d}-12-31", f"{first + i:04d}", int(c))
            for i, c in enumerate(counts.tolist())]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1
