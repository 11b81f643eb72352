"""Request parameters shared by the page and the API, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from indexer.search.facets import SORTS, Filters
from indexer.search.searching import FUZZY_MODES, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW

# Bounds on each repeatable filter (``source``, ``place``).
MAX_VALUES = 20
MAX_VALUE_CHARS = 200
_SWITCH = {"on": True, "off": False}


@dataclass(frozen=True)
class SearchParams:
    """A validated search request."""

    q: str
    page: int
    per_page: int
    sort: str = "relevance"
    filters: Filters = Filters()
    fuzzy: str = "auto"
    collapse: bool = True

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``indexer.search.search`` besides the query and paging."""
        return {"sort": self.sort, "filters": self.filters, "fuzzy": self.fuzzy, "collapse": self.collapse}

    def url_args(self, **changes: Any) -> dict[str, Any]:
        """The request as URL arguments (defaults left out), with ``changes`` applied, for links that keep it."""
        args: dict[str, Any] = {
            "q": self.q,
            "sort": None if self.sort == "relevance" else self.sort,
            "source": list(self.filters.sources) or None,
            "place": list(self.filters.places) or None,
            "from": self.filters.date_from.isoformat() if self.filters.date_from else None,
            "to": self.filters.date_to.isoformat() if self.filters.date_to else None,
            "fuzzy": None if self.fuzzy == "auto" else self.fuzzy,
            "collapse": None if self.collapse else "off",
            "per_page": self.per_page,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v is not None}

    def toggle_source(self, name: str) -> dict[str, Any]:
        """URL arguments with ``name`` added to or removed from the source filter, back on page 1."""
        return self._toggle("sources", name)

    def toggle_place(self, name: str) -> dict[str, Any]:
        """URL arguments with ``name`` added to or removed from the place filter, back on page 1."""
        return self._toggle("places", name)

    def _toggle(self, facet: str, name: str) -> dict[str, Any]:
        chosen = getattr(self.filters, facet)
        values = tuple(v for v in chosen if v != name) + (() if name in chosen else (name,))
        return replace(self, filters=replace(self.filters, **{facet: values})).url_args()


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


def _choice(args: MultiDict[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = args.get(name) or choices[0]
    if value not in choices:
        raise BadRequest(f"'{name}' must be one of: {', '.join(choices)}")
    return value


def _date(args: MultiDict[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be an ISO date like 2024-05-31") from None


def _values(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.replace("\x00", "").strip() for v in args.getlist(name) if v.strip()))
    if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_CHARS for v in values):
        raise BadRequest(f"at most {MAX_VALUES} '{name}' values of up to {MAX_VALUE_CHARS} characters")
    return values


def _filters(args: MultiDict[str, str]) -> Filters:
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("'from' must not be after 'to'")
    return Filters(sources=_values(args, "source"), places=_values(args, "place"), date_from=date_from,
                   date_to=date_to)


def search_params(args: MultiDict[str, str], default_per_page: int) -> SearchParams:
    """Parse the search parameters; raise BadRequest with a clear message."""
    q = args.get("q", "").replace("\x00", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"'q' is longer than {MAX_QUERY_CHARS} characters")
    per_page = _int(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
    page = _int(args, "page", 1, 1, MAX_RESULT_WINDOW // per_page)
    collapse = _SWITCH[_choice(args, "collapse", ("on", "off"))]
    return SearchParams(q=q, page=page, per_page=per_page, sort=_choice(args, "sort", SORTS), filters=_filters(args),
                        fuzzy=_choice(args, "fuzzy", FUZZY_MODES), collapse=collapse)
