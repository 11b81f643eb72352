"""The search core: lenient query parsing, ranked and highlighted results as plain data."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from whoosh import qparser
from whoosh.query import And, Every, NullQuery, Prefix, Query, Term, Wildcard
from whoosh.searching import Searcher

from indexer import facets as facets_
from indexer.collapse import Similar, page_of
from indexer.facets import Facets, Filters
from indexer.highlight import MAX_FRAGMENTS, MarkFormatter, plain_snippet, snippet_fragmenter, whole_fragmenter
from indexer.query import Synonyms, did_you_mean, expand_synonyms, fuzzify, load_synonyms
from indexer.ranking import relax
from indexer.schema import DEFAULT_FIELDS, query_schema, summary_fields

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000
MIN_PREFIX = 2
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Fewer strict hits than this is "little or nothing": retry with typo tolerance and suggest a correction.
FEW_RESULTS = 3
FUZZY_MODES = ("auto", "off")


class SearchError(ValueError):
    """A search request that cannot be answered as asked (bad page, window too deep)."""


@dataclass
class Hit:
    """One search result."""

    id: str
    title: str
    source: str | None
    date: str | None
    url: str | None
    score: float
    highlights: list[str] = field(default_factory=list)
    similar: Similar = field(default_factory=Similar)


@dataclass
class SearchResults:
    """A page of results."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: Facets = field(default_factory=Facets)
    suggestion: str | None = None
    fuzzy_applied: bool = False

    @property
    def total_pages(self) -> int:
        """How many pages the results fill."""
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """The results as JSON-ready data."""
        return asdict(self)


@dataclass
class Document:
    """A stored article, for the article page and the API."""

    id: str
    title: str
    body: str
    source: str | None = None
    credit: str | None = None
    dateline: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The document as JSON-ready data."""
        return asdict(self)


@lru_cache(maxsize=1)
def _parsers() -> tuple[qparser.QueryParser, qparser.QueryParser]:
    schema = query_schema()
    full = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    full.remove_plugin_class(qparser.EveryPlugin)
    full.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\w)\+", minusexpr=r"(?<!\w)-"))  # not "real-time"
    plain = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup, plugins=[])
    return full, plain


def _too_broad(query: Query) -> bool:
    """True for queries that would expand to most of the vocabulary (``*``, ``a*``)."""
    for q in query.leaves():
        if isinstance(q, Every):
            return True
        if isinstance(q, Prefix | Wildcard):
            literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
            if len(literal) < MIN_PREFIX:
                return True
    return False


def plain_words(text: str) -> str:
    """The words of a query with every operator and symbol removed."""
    return " ".join(w if w not in _OPERATORS else w.lower() for w in re.findall(r"\w+", text))


def parse_query(text: str) -> Query:
    """Parse user syntax leniently; broken syntax falls back to the plain words (may be NullQuery)."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[Query, str]:
    """The query and the string it was parsed from (its terms' character spans point into that string)."""
    text = text[:MAX_QUERY_CHARS]
    full, plain = _parsers()
    try:
        query = full.parse(text)
    except Exception:  # noqa: BLE001 - any parser failure means: read it as words
        query = NullQuery
    if query is NullQuery or _too_broad(query) or _unbalanced(text):
        text = plain_words(text)
        query = plain.parse(text)
    return query, text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("(") != text.count(")")


def search(searcher: Searcher, text: str, page: int = 1, per_page: int = 10, *, sort: str = "relevance",
           filters: Filters | None = None, fuzzy: str = "auto", collapse: bool = True,
           synonyms: Synonyms | None = None) -> SearchResults:
    """Run a user query and return one page of highlighted hits, with facets, corrections and folded duplicates."""
    _check(page, per_page, sort, fuzzy)
    started = time.perf_counter()
    filters = filters or Filters()
    synonyms = load_synonyms() if synonyms is None else synonyms
    parsed, parsed_text = _parse(text)
    if parsed is NullQuery:
        return SearchResults(text, 0, page, per_page, _ms(started), [])
    filter_q, sortedby = facets_.filter_query(filters), facets_.sort_facet(sort)
    # Folding needs every result up to the window to know which hits are duplicates of better-ranked ones.
    limit = MAX_RESULT_WINDOW if collapse else page * per_page

    def run(q: Query) -> Any:
        return searcher.search(q, limit=limit, terms=True, filter=filter_q, sortedby=sortedby)

    query = expand_synonyms(parsed, synonyms)
    results = run(query)
    strict = len(results)
    if (relaxed := relax(parsed, len(results))) is not None:  # too narrow for a many-word query: ranked OR
        query = expand_synonyms(relaxed, synonyms)
        results = run(query)
    suggestion, fuzzy_applied = None, False
    if strict < FEW_RESULTS:
        suggestion = did_you_mean(searcher, text, synonyms)
        if fuzzy == "auto" and len(results) < FEW_RESULTS:
            tolerant = fuzzify(query, parsed_text, searcher)
            if len(more := run(tolerant)) > len(results):
                query, results, fuzzy_applied = tolerant, more, True
    results.fragmenter = snippet_fragmenter()
    results.formatter = MarkFormatter()
    page_hits, total = page_of(searcher, results, page, per_page, collapse)
    hits = [_hit(h, similar) for h, similar in page_hits]
    counts = facets_.count(searcher, query, filters)
    return SearchResults(text, total, page, per_page, _ms(started), hits, counts, suggestion, fuzzy_applied)


def _check(page: int, per_page: int, sort: str, fuzzy: str) -> None:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_RESULT_WINDOW:
        raise SearchError(f"results beyond the first {MAX_RESULT_WINDOW} are not available; refine the query")
    if sort not in facets_.SORTS:
        raise SearchError(f"sort must be one of: {', '.join(facets_.SORTS)}")
    if fuzzy not in FUZZY_MODES:
        raise SearchError(f"fuzzy must be one of: {', '.join(FUZZY_MODES)}")


def _hit(hit: Any, similar: Similar) -> Hit:
    fields = hit.fields()
    highlights = hit.highlights("body", top=MAX_FRAGMENTS, minscore=1) or [plain_snippet(fields.get("body", ""))]
    return Hit(**summary_fields(fields), score=round(float(hit.score or 0.0), 4), highlights=highlights,
               similar=similar)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def get_document(searcher: Searcher, doc_id: str) -> Document | None:
    """The stored article with this id, or None."""
    fields = searcher.document(id=doc_id)
    if fields is None:
        return None
    return Document(
        id=fields["id"], title=fields.get("title", ""), body=fields.get("body", ""), source=fields.get("source"),
        credit=fields.get("credit"), dateline=fields.get("dateline"), author=fields.get("author"),
        date=fields.get("published"), url=fields.get("url"), language=fields.get("language"),
        path=fields.get("path"),
    )


def highlight_body(searcher: Searcher, doc_id: str, text: str,
                   synonyms: Synonyms | None = None) -> list[str] | None:
    """The article's paragraphs as escaped HTML with the query's terms marked; None if nothing matches."""
    query = parse_query(text) if text.strip() else NullQuery
    if query is NullQuery:
        return None
    query = expand_synonyms(query, load_synonyms() if synonyms is None else synonyms)
    results = searcher.search(And([Term("id", doc_id), query]), limit=1, terms=True)
    if results.is_empty():
        return None
    results.fragmenter = whole_fragmenter()
    results.formatter = MarkFormatter()
    fragments = results[0].highlights("body", top=1, minscore=0)
    if not fragments:
        return None
    return [p for p in fragments[0].split("\n\n") if p]
