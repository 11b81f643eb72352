"""Every limit of the search core and the one validation of a search request (raising ``SearchError``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
# Results deeper than this are not served: refine the query instead (as Elasticsearch's max_result_window).
MAX_RESULT_WINDOW = 10_000
# Bounds on each repeatable filter (``source``, ``place``).
MAX_VALUES = 20
MAX_VALUE_CHARS = 200
MAX_SUGGESTIONS = 20
DEFAULT_SUGGESTIONS = 8
MAX_RELATED = 20
DEFAULT_RELATED = 5
# A search's Atom feed holds its newest matches, this many.
FEED_ENTRIES = 20
# An export (CSV, JSON Lines) holds at most this many results: the result window, as deep as paging goes.
MAX_EXPORT = MAX_RESULT_WINDOW
EXPORT_FORMATS = ("csv", "jsonl")
SORTS = ("relevance", "newest", "oldest")
# A declared facet (``reindex --facet category``) is filtered with ``filter=NAME:VALUE`` (repeatable).
FACET_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
FUZZY_MODES = ("auto", "off")
# "last": the last word is still being typed, so it also matches the words it begins (search as you type).
PREFIX_MODES = ("none", "last")
_SWITCH = {"on": True, "off": False}

Args = Mapping[str, Any]


class SearchError(ValueError):
    """A request that cannot be answered as asked; the message says which parameter and why."""


def clean_query(text: str) -> str:
    """A query as the core reads it: NUL bytes removed, at most MAX_QUERY_CHARS long (else SearchError)."""
    text = text.replace("\x00", "")
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"'q' is longer than {MAX_QUERY_CHARS} characters")
    return text


@dataclass(frozen=True)
class Filters:
    """Which articles a search is limited to: any of ``sources``, any of ``places``, dated within the range, and
    for each declared facet in ``fields`` (``((name, (value, ...)), ...)``), any of its values."""

    sources: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    places: tuple[str, ...] = ()
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        field_values = tuple(v for _, values in self.fields for v in values)
        for name, values in (("source", self.sources), ("place", self.places), ("filter", field_values)):
            if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_CHARS for v in values):
                raise SearchError(f"at most {MAX_VALUES} '{name}' values of up to {MAX_VALUE_CHARS} characters")
        if any(not FACET_NAME.fullmatch(name) for name, _ in self.fields):
            raise SearchError("'filter' must be NAME:VALUE, NAME being a facet's name (lowercase letters, digits, _)")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise SearchError("'from' must not be after 'to'")

    @property
    def active(self) -> bool:
        """Whether anything is filtered at all."""
        return bool(self.sources or self.places or self.date_from or self.date_to or self.fields)

    def values(self, facet: str) -> tuple[str, ...]:
        """The values a declared facet is filtered to (none: not filtered)."""
        return next((values for name, values in self.fields if name == facet), ())


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: constructing one with a value out of bounds raises ``SearchError``."""

    q: str
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    fuzzy: str = "auto"
    collapse: bool = True
    prefix: str = "none"

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", clean_query(self.q).strip())
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise SearchError(f"'per_page' must be between 1 and {MAX_PER_PAGE}")
        if not 1 <= self.page <= MAX_RESULT_WINDOW // self.per_page:
            raise SearchError(
                f"'page' must be between 1 and {MAX_RESULT_WINDOW // self.per_page}: results beyond "
                f"the first {MAX_RESULT_WINDOW} are not available; refine the query"
            )
        _check_choice("sort", self.sort, SORTS)
        _check_choice("fuzzy", self.fuzzy, FUZZY_MODES)
        _check_choice("prefix", self.prefix, PREFIX_MODES)

    @classmethod
    def from_args(cls, args: Args, default_per_page: int = DEFAULT_PER_PAGE) -> SearchRequest:
        """Read a request from text arguments (a URL's query string, CLI options); a bad one raises SearchError."""
        per_page = parse_int(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
        filters = Filters(
            sources=_values(args, "source"),
            places=_values(args, "place"),
            date_from=_date(args, "from"),
            date_to=_date(args, "to"),
            fields=_fields(args),
        )
        return cls(
            q=_first(args, "q") or "",
            page=parse_int(args, "page", 1, 1, MAX_RESULT_WINDOW // per_page),
            per_page=per_page,
            sort=_first(args, "sort") or SORTS[0],
            filters=filters,
            fuzzy=_first(args, "fuzzy") or FUZZY_MODES[0],
            prefix=_first(args, "prefix") or PREFIX_MODES[0],
            collapse=_SWITCH[_check_choice("collapse", _first(args, "collapse") or "on", tuple(_SWITCH))],
        )

    def url_args(self, **changes: Any) -> dict[str, Any]:
        """The request as URL arguments (defaults left out), with ``changes`` applied, for links that keep it."""
        args: dict[str, Any] = {
            "q": self.q,
            "sort": None if self.sort == "relevance" else self.sort,
            "source": list(self.filters.sources) or None,
            "place": list(self.filters.places) or None,
            "filter": [f"{name}:{v}" for name, values in self.filters.fields for v in values] or None,
            "from": self.filters.date_from.isoformat() if self.filters.date_from else None,
            "to": self.filters.date_to.isoformat() if self.filters.date_to else None,
            "fuzzy": None if self.fuzzy == "auto" else self.fuzzy,
            "collapse": None if self.collapse else "off",
            "prefix": None if self.prefix == "none" else self.prefix,
            "per_page": self.per_page,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v is not None}

    def without_filters(self) -> dict[str, Any]:
        """URL arguments of the same search with every filter (sources, places, dates, facets) removed."""
        return self.url_args(source=None, place=None, filter=None, **{"from": None, "to": None})

    def toggle_source(self, name: str) -> dict[str, Any]:
        """URL arguments with ``name`` added to or removed from the source filter, back on page 1."""
        return self._toggle("sources", name)

    def toggle_place(self, name: str) -> dict[str, Any]:
        """URL arguments with ``name`` added to or removed from the place filter, back on page 1."""
        return self._toggle("places", name)

    def field_toggle(self, facet: str) -> Callable[[str], dict[str, Any]]:
        """For a declared facet: a value -> URL arguments with it added to or removed from the filter, page 1."""

        def toggle(value: str) -> dict[str, Any]:
            chosen = self.filters.values(facet)
            values = tuple(v for v in chosen if v != value) + (() if value in chosen else (value,))
            others = tuple((n, vs) for n, vs in self.filters.fields if n != facet)
            fields = others + (((facet, values),) if values else ())
            return replace(self, filters=replace(self.filters, fields=fields)).url_args()

        return toggle

    def _toggle(self, facet: str, name: str) -> dict[str, Any]:
        chosen = getattr(self.filters, facet)
        values = tuple(v for v in chosen if v != name) + (() if name in chosen else (name,))
        return replace(self, filters=replace(self.filters, **{facet: values})).url_args()


def export_format(value: str | None) -> str:
    """An export format (``csv`` when not given), else SearchError."""
    return _check_choice("format", value or EXPORT_FORMATS[0], EXPORT_FORMATS)


def parse_int(args: Args, name: str, default: int, low: int, high: int) -> int:
    """A whole-number argument within ``[low, high]``; missing or empty means ``default``."""
    raw = _first(args, name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SearchError(f"'{name}' must be a whole number") from None
    if not low <= value <= high:
        raise SearchError(f"'{name}' must be between {low} and {high}")
    return value


def _first(args: Args, name: str) -> Any:
    value = args.get(name)
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _all(args: Args, name: str) -> Sequence[Any]:
    getlist: Callable[[str], list[Any]] | None = getattr(args, "getlist", None)
    if getlist is not None:
        return getlist(name)
    value = args.get(name)
    return list(value) if isinstance(value, list | tuple) else ([] if value is None else [value])


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SearchError(f"'{name}' must be one of: {', '.join(choices)}")
    return value


def _date(args: Args, name: str) -> date | None:
    raw = str(_first(args, name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SearchError(f"'{name}' must be an ISO date like 2024-05-31") from None


def _fields(args: Args) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``filter=NAME:VALUE`` arguments grouped by facet name, in order of first appearance."""
    grouped: dict[str, list[str]] = {}
    for item in _values(args, "filter"):
        name, sep, value = item.partition(":")
        if not sep or not value.strip():
            raise SearchError("'filter' must be NAME:VALUE, for example category:business")
        grouped.setdefault(name.strip(), []).append(value.strip())
    return tuple((name, tuple(dict.fromkeys(values))) for name, values in grouped.items())


def _values(args: Args, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v).replace("\x00", "").strip() for v in _all(args, name) if str(v).strip()))
