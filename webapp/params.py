"""Request parameters shared by the page and the API, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from indexer.search import MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW


@dataclass(frozen=True)
class SearchParams:
    """A validated search request."""

    q: str
    page: int
    per_page: int


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number") from None
    if not low <= value <= high:
        raise BadRequest(f"'{name}' must be between {low} and {high}")
    return value


def search_params(args: MultiDict[str, str], default_per_page: int) -> SearchParams:
    """Parse ``q``, ``page`` and ``per_page``; raise BadRequest with a clear message."""
    q = args.get("q", "").replace("\x00", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"'q' is longer than {MAX_QUERY_CHARS} characters")
    per_page = _int(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
    page = _int(args, "page", 1, 1, MAX_RESULT_WINDOW // per_page)
    return SearchParams(q=q, page=page, per_page=per_page)
