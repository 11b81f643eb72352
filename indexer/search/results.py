"""What the search core answers: plain dataclasses, never Whoosh objects, ready for templates and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Self

import orjson

from indexer.article import Details
from indexer.index.schema import stored_record
from indexer.search.explain import Unfiltered
from indexer.search.facets import Facets
from indexer.search.request import MAX_RESULT_WINDOW
from indexer.search.timeline import Timeline


def plain(value: Any) -> Any:
    """Dataclasses, lists and dicts as plain dicts and lists, like ``dataclasses.asdict``: orjson walks the
    dataclasses in C (results hold only strings, numbers and None), about 3x faster than a walk in Python."""
    return orjson.loads(orjson.dumps(value))


class JsonReady:
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return plain(self)


@dataclass(frozen=True)
class Summary(JsonReady):
    """An article in a list: what hits, folded copies and related articles all show."""

    id: str
    title: str
    source: str | None
    date: str | None
    url: str | None

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any], **extra: Any) -> Self:
        """This record of an article from its stored fields; ``extra`` gives the fields they do not hold."""
        record = stored_record(stored)
        return cls(**{f.name: record[f.name] for f in fields(cls) if f.name in record and f.name not in extra}, **extra)


@dataclass
class Similar(JsonReady):
    """The near-duplicates folded into a hit: how many, their ids, and enough to list them."""

    count: int = 0
    ids: list[str] = field(default_factory=list)
    articles: list[Summary] = field(default_factory=list)


@dataclass(frozen=True)
class Hit(Summary):
    """One search result; ``highlights`` maps a field (``title``, ``body``) to escaped HTML fragments.

    ``score`` is the relevance score, None when the results are sorted by date (no relevance was computed)."""

    score: float | None = None
    highlights: dict[str, list[str]] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    similar: Similar = field(default_factory=Similar)


@dataclass(frozen=True)
class Related(Summary):
    """An article about the same subject as another one."""

    score: float = 0.0


@dataclass
class SearchResults(JsonReady):
    """A page of results; ``total_exact`` is False when ``total`` is extrapolated from the folded window.

    ``corrected`` is the query whose hits these are when the one typed had misspelt words and found too little
    (``suggestion`` respelt); ``unknown_words`` are the query's words no article holds (a spelling to check);
    ``unfiltered`` is set when filters left no result: the matches without them, and how many of those have no
    date.
    ``total`` counts stories (near-duplicate copies folded into one hit); ``articles`` counts every matching
    article, copies included, and is what the facets and the timeline count (equal when nothing is folded)."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: Facets = field(default_factory=Facets)
    suggestion: str | None = None
    fuzzy_applied: bool = False
    corrected: str | None = None
    total_exact: bool = True
    timeline: Timeline = field(default_factory=Timeline)
    unknown_words: list[str] = field(default_factory=list)
    unfiltered: Unfiltered | None = None
    articles: int = 0

    @property
    def folded(self) -> bool:
        """Whether copies were folded, so ``total`` (stories) is fewer than ``articles``."""
        return self.total != self.articles

    @property
    def total_pages(self) -> int:
        """How many pages the results fill (never past the result window)."""
        return max(1, min(-(-self.total // self.per_page), MAX_RESULT_WINDOW // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """The results as JSON-ready data, shaped like the search APIs people know (``total.relation``)."""
        data = plain(self)
        data["total"] = {"value": self.total, "relation": "eq" if self.total_exact else "approx"}
        data["total_pages"] = self.total_pages
        del data["total_exact"]
        return data


@dataclass(frozen=True)
class Document(Summary, Details):
    """A stored article, for the article page and the API."""

    body: str = ""
    path: str | None = None
    places: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)  # each declared facet's values


@dataclass
class ArticlePage:
    """An article as its page shows it: the document, its paragraphs and related articles.

    ``marked`` paragraphs are escaped HTML with the query's words in ``<mark>``; otherwise they are plain text."""

    document: Document
    query: str
    paragraphs: list[str]
    marked: bool
    related: list[Related]


@dataclass
class Suggestion(JsonReady):
    """A completion: a ``term`` (the typed text completed) or a ``title`` of a matching article (with its id)."""

    text: str
    kind: str
    id: str | None = None
