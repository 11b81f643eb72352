"""A query's matches counted per day, month or year, with the empty periods between them kept."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

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
    start = _month_index(first)
    counts = np.bincount(month_numbers(days) - start, minlength=_month_index(last) - start + 1)
    return [Bucket(*_month(start + offset), count) for offset, count in enumerate(counts.tolist())]


@lru_cache(maxsize=4096)
def _month(index: int) -> tuple[str, str, str]:
    """A month's first and last day and its label, from ``year * 12 + month - 1``."""
    year, month = divmod(index, 12)
    end = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, 1).isoformat(), date(year, month + 1, end).isoformat(), f"{year:04d}-{month + 1:02d}"


def _years(days: np.ndarray, first: int, last: int) -> list[Bucket]:
    counts = np.bincount(month_numbers(days) // 12 - first, minlength=last - first + 1)
    return [
        Bucket(f"{first + i:04d}-01-01", f"{first + i:04d}-12-31", f"{first + i:04d}", c)
        for i, c in enumerate(counts.tolist())
    ]


_EPOCH = date(1970, 1, 1).toordinal()


def month_numbers(days: np.ndarray) -> np.ndarray:
    """``year * 12 + month - 1`` of each day (proleptic ordinals), computed as numpy dates."""
    months = (np.asarray(days, dtype=np.int64) - _EPOCH).astype("datetime64[D]").astype("datetime64[M]")
    return months.astype(np.int64) + 1970 * 12


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1
