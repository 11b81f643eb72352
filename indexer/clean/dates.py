"""Parse the many date formats found in news metadata."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil import parser as dateparser


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or free-form date; None when it is not a date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return dateparser.isoparse(value)
    except (ValueError, OverflowError):
        pass
    try:
        return dateparser.parse(value, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None


def to_utc_naive(value: datetime) -> datetime:
    """The same instant as a naive UTC datetime, as Whoosh's DATETIME field needs."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
