from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from indexer.search.timeline import month_numbers, timeline


def _days(*isodates: str) -> np.ndarray:
    return np.array([date.fromisoformat(d).toordinal() for d in isodates], dtype=np.int32)


def test_no_dated_matches_is_an_empty_timeline_with_the_undated_count() -> None:
    result = timeline(_days(), undated=4)
    assert (result.buckets, result.undated, result.peak) == ([], 4, 0)


def test_a_short_span_is_counted_per_day_with_empty_days_kept() -> None:
    result = timeline(_days("2024-05-01", "2024-05-03", "2024-05-03"), undated=0)
    assert result.interval == "day"
    assert [(b.start, b.end, b.count) for b in result.buckets] == [
        ("2024-05-01", "2024-05-01", 1),
        ("2024-05-02", "2024-05-02", 0),
        ("2024-05-03", "2024-05-03", 2),
    ]
    assert result.peak == 2


def test_months_between_three_months_and_ten_years() -> None:
    result = timeline(_days("2023-11-30", "2024-02-29", "2024-02-01", "2024-04-15"), undated=1)
    assert result.interval == "month"
    assert [(b.label, b.start, b.end, b.count) for b in result.buckets] == [
        ("2023-11", "2023-11-01", "2023-11-30", 1),
        ("2023-12", "2023-12-01", "2023-12-31", 0),
        ("2024-01", "2024-01-01", "2024-01-31", 0),
        ("2024-02", "2024-02-01", "2024-02-29", 2),
        ("2024-03", "2024-03-01", "2024-03-31", 0),
        ("2024-04", "2024-04-01", "2024-04-30", 1),
    ]
    assert result.undated == 1


def test_years_beyond_ten_years() -> None:
    result = timeline(_days("2001-06-01", "2001-07-01", "2013-01-01"), undated=0)
    assert result.interval == "year"
    assert len(result.buckets) == 13
    assert (result.buckets[0].label, result.buckets[0].count, result.buckets[-1].end) == ("2001", 2, "2013-12-31")
    assert sum(b.count for b in result.buckets) == 3


@pytest.mark.parametrize(
    ("span_days", "interval"), [(0, "day"), (91, "day"), (92, "month"), (3653, "month"), (3654, "year")]
)
def test_interval_thresholds(span_days: int, interval: str) -> None:
    first = date(2010, 1, 1).toordinal()
    assert timeline(np.array([first, first + span_days]), undated=0).interval == interval


def test_month_numbers_agree_with_the_calendar() -> None:
    days = list(range(date(1899, 12, 1).toordinal(), date(2101, 3, 1).toordinal(), 7)) + [1, date.max.toordinal()]
    expected = [date.fromordinal(d).year * 12 + date.fromordinal(d).month - 1 for d in days]
    assert month_numbers(np.array(days)).tolist() == expected
