"""The search core: lenient query parsing, ranked and highlighted results as plain data."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh import qparser
from whoosh.highlight import Highlighter
from whoosh.query import And, Every, NullQuery, Or, Prefix, Query, Term, Wildcard
from whoosh.searching import Results, Searcher

from indexer.index.schema import DEFAULT_FIELDS, Summary, place_names, query_schema, summary_fields
from indexer.search import facets as facets_
from indexer.search.collapse import Similar, page_of
from indexer.search.columns import DocRecorder
from indexer.search.facets import Facets, Filters
from indexer.search.highlight import (
    MAX_FRAGMENTS,
    MarkFormatter,
    load_page_chars,
    plain_snippet,
    snippet_fragmenter,
    whole_fragmenter,
)
from indexer.search.query import Synonyms, did_you_mean, expand_synonyms, fuzzify, load_synonyms
from indexer.search.ranking import feedback
from indexer.search.ranking.arrays import score_all, top
from indexer.search.ranking.coordination import coordinate, coordinate_results, word_terms
from indexer.search.ranking.model import RELAX_BELOW, free_text, relax, with_proximity
from indexer.search.timeline import Timeline

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000
# Near-duplicates are looked for among at least this many top hits (more for deep pages).
FOLD_WINDOW = 300
MIN_PREFIX = 2
_BROAD_WILDCARD = re.compile(rf"(?<![\w*?])\w{{0,{MIN_PREFIX - 1}}}[*?][\w*?]*")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Fewer strict hits than this is "little or nothing": retry with typo tolerance and suggest a correction.
FEW_RESULTS = 3
FUZZY_MODES = ("auto", "off")
# An all-capitals query longer than this is a sentence typed in capitals, not a query with operators.
SHOUTED_WORDS = 6


class SearchError(ValueError):
    """A search request that cannot be answered as asked (bad page, window too deep)."""


@dataclass
class Hit(Summary):
    """One search result; ``highlights`` maps a field (``title``, ``body``) to escaped HTML fragments."""

    score: float
    highlights: dict[str, list[str]] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    similar: Similar = field(default_factory=Similar)


@dataclass
class SearchResults:
    """A page of results; ``total_exact`` is False when ``total`` is extrapolated from the folded window."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: Facets = field(default_factory=Facets)
    suggestion: str | None = None
    fuzzy_applied: bool = False
    total_exact: bool = True
    timeline: Timeline = field(default_factory=Timeline)

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
    places: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The document as JSON-ready data."""
        return plain(self)


def plain(value: Any) -> Any:
    """Dataclasses, lists and dicts as plain dicts and lists, like ``dataclasses.asdict`` but without deep-copying
    every string and number (results hold nothing else): a page of results converts about 4x faster."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return {f.name: plain(getattr(value, f.name)) for f in fields(value)}


_ATOMS = (str, int, float, bool, type(None))


@lru_cache(maxsize=1)
def _parsers() -> tuple[qparser.QueryParser, qparser.QueryParser]:
    schema = query_schema()
    full = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    full.remove_plugin_class(qparser.EveryPlugin)
    # A minus negates the word it touches: not "real-time", nor a dash between spaces.
    full.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\w)\+", minusexpr=r"(?<!\w)-(?=\w)"))
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
    return " ".join(w for w in re.findall(r"\w+", text) if w not in _OPERATORS)


def parse_query(text: str) -> Query:
    """Parse user syntax leniently; broken syntax falls back to the plain words (may be NullQuery)."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[Query, str]:
    """The query and the string it was parsed from (its terms' character spans point into that string)."""
    # A question mark that ends a word ends a question ("what is fusion?"); a wildcard is inside a word ("wom?n").
    text = re.sub(r"(?<=\w)\?+(?!\S)", "", text[:MAX_QUERY_CHARS])
    if text.isupper() and len(re.findall(r"\w+", text)) > SHOUTED_WORDS:  # a sentence in capitals: AND, NOT are words
        text = text.lower()
    if all(w in _OPERATORS for w in re.findall(r"\w+", text)):  # "AND OR": operators with nothing to join
        return NullQuery, text
    full, plain = _parsers()
    try:
        query = full.parse(text)
    except Exception:  # noqa: BLE001 - any parser failure means: read it as words
        query = NullQuery
    if query is NullQuery or _too_broad(query) or _unbalanced(text):
        # A wildcard too broad to run is dropped, not read as the word it starts with ("a*" is not "a").
        text = plain_words(_BROAD_WILDCARD.sub(" ", text))
        query = plain.parse(text)
    return free_text(query), text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("(") != text.count(")")


def search(searcher: Searcher, text: str, page: int = 1, per_page: int = 10, *, sort: str = "relevance",
           filters: Filters | None = None, fuzzy: str = "auto", collapse: bool = True,
           synonyms: Synonyms | None = None) -> SearchResults:
    """Run a user query and return one page of highlighted hits, with facets, a timeline, corrections and folding."""
    _check(page, per_page, sort, fuzzy)
    started = time.perf_counter()
    filters = filters or Filters()
    synonyms = load_synonyms() if synonyms is None else synonyms
    parsed, parsed_text = _parse(text)
    if parsed is NullQuery:
        return SearchResults(text, 0, page, per_page, _ms(started), [])
    # Folding needs the hits before the page to know which are copies of better-ranked ones: scan a window.
    # The window also covers RELAX_BELOW, so the hits it holds tell whether the query found "too little".
    ranker = _Ranker(searcher, filters, sort, max(fold_window(page, per_page) if collapse else page * per_page,
                                                  RELAX_BELOW))
    query = expand_synonyms(parsed, synonyms)
    ranked = ranker.run(query)
    strict = ranked.found
    if (relaxed := relax(parsed, strict)) is not None:  # too narrow for a many-word query: ranked OR
        words = expand_synonyms(relaxed, synonyms)
        query = with_proximity(words)
        ranked = ranker.run(query, words)
        if (fed := feedback.expand(searcher, words, [d for _, d in ranked.results.top_n])) is not None:
            query = Or([query, fed])
            ranked = ranker.run(query, words)
    suggestion, fuzzy_applied = None, False
    if strict < FEW_RESULTS:
        suggestion = did_you_mean(searcher, text, synonyms)
        if fuzzy == "auto" and ranked.found < FEW_RESULTS:
            tolerant = fuzzify(query, parsed_text, searcher)
            if (more := ranker.run(tolerant)).found > ranked.found:
                query, ranked, fuzzy_applied = tolerant, more, True
    counts, timeline, matched = facets_.count(searcher, query, filters, ranked.matches)
    folded = page_of(searcher, ranked.results, matched, page, per_page, collapse)
    if folded.short and ranker.limit < MAX_RESULT_WINDOW:  # so many copies that the window missed this page
        ranked = _Ranker(searcher, filters, sort, MAX_RESULT_WINDOW).run(query)
        folded = page_of(searcher, ranked.results, matched, page, per_page, collapse)
    highlighters = _highlighters(ranked.results, [h.docnum for h, _ in folded.hits])
    hits = [_hit(h, similar, highlighters) for h, similar in folded.hits]
    return SearchResults(text, folded.total, page, per_page, _ms(started), hits, counts, suggestion, fuzzy_applied,
                         folded.exact, timeline)


@dataclass
class _Ranked:
    results: Results
    matches: np.ndarray | None  # every match before the filters, when known (else facets.count finds them)

    @property
    def found(self) -> int:
        """The exact number of matches below the search's limit, a lower bound at it (never a recount)."""
        return self.results.scored_length()


@dataclass
class _Ranker:
    searcher: Searcher
    filters: Filters
    sort: str
    limit: int

    def run(self, query: Query, coordinated: Query | None = None) -> _Ranked:
        """Rank the query's hits and keep every match (before filters) for the facets: scored all at once with
        arrays when the query's shape allows; else by Whoosh's collector, which, unfiltered, records the matches
        on the way (so none may be skipped); filtered, facets.count finds them, since each facet needs matches
        its own filter drops. ``coordinated`` is a relaxed query: its words rank the articles that have more of
        them first (``ranking.coordination``)."""
        if self.sort == "relevance" and (scored := score_all(self.searcher, query)) is not None:
            if coordinated is not None and (words := word_terms(self.searcher, coordinated)) is not None:
                coordinate(scored, words)  # a relaxed query: the articles with more of its words first
            allowed = facets_.allowed(self.searcher, scored.docs, self.filters)
            return _Ranked(top(self.searcher, query, scored, self.limit, allowed), scored.docs)
        record = not self.filters.active
        words = word_terms(self.searcher, coordinated) if coordinated is not None and self.sort == "relevance" else None
        collector = self.searcher.collector(
            limit=None if words else self.limit, terms=True, filter=facets_.filter_query(self.filters),
            sortedby=facets_.sort_facet(self.sort), optimize=not record,
        )
        recorder = None
        if record:
            collector, recorder = DocRecorder.install(collector)
        self.searcher.search_with_collector(query, collector)
        results = collector.results()
        if words:  # coordination needs every match: the best raw scores may not be the best tiers
            results = coordinate_results(self.searcher, query, results, words, self.limit)
        return _Ranked(results, recorder.docnums if recorder else None)


def fold_window(page: int, per_page: int) -> int:
    """How many ranked hits to scan for near-duplicates to fill a page: a few pages' worth, at least FOLD_WINDOW."""
    return min(MAX_RESULT_WINDOW, max(FOLD_WINDOW, 3 * page * per_page))


def _check(page: int, per_page: int, sort: str, fuzzy: str) -> None:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_RESULT_WINDOW:
        raise SearchError(f"results beyond the first {MAX_RESULT_WINDOW} are not available; refine the query")
    if sort not in facets_.SORTS:
        raise SearchError(f"sort must be one of: {', '.join(facets_.SORTS)}")
    if fuzzy not in FUZZY_MODES:
        raise SearchError(f"fuzzy must be one of: {', '.join(FUZZY_MODES)}")


def _highlighters(results: Results, page: list[int]) -> dict[str, Highlighter]:
    if results.has_matched_terms():
        load_page_chars(results, page, ("body", "title"))
    results.fragmenter = snippet_fragmenter()
    results.formatter = MarkFormatter()
    return {"body": results.highlighter, "title": Highlighter(fragmenter=whole_fragmenter(), formatter=MarkFormatter())}


def _hit(hit: Any, similar: Similar, highlighters: dict[str, Highlighter]) -> Hit:
    fields = hit.fields()
    body = highlighters["body"].highlight_hit(hit, "body", top=MAX_FRAGMENTS, minscore=1)
    title = highlighters["title"].highlight_hit(hit, "title", text=fields.get("title", ""), top=1, minscore=1)
    highlights = {"title": title, "body": body or [plain_snippet(fields.get("body", ""))]}
    return Hit(**summary_fields(fields), score=round(float(hit.score or 0.0), 4), highlights=highlights,
               places=place_names(fields), similar=similar)


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
        path=fields.get("path"), places=place_names(fields),
    )


def highlight_body(searcher: Searcher, doc_id: str, text: str,
                   synonyms: Synonyms | None = None) -> list[str] | None:
    """The article's paragraphs as escaped HTML with the query's terms marked; None if nothing matches."""
    query = parse_query(text) if text.strip() else NullQuery
    if query is NullQuery:
        return None
    synonyms = load_synonyms() if synonyms is None else synonyms
    results = searcher.search(And([Term("id", doc_id), expand_synonyms(query, synonyms)]), limit=1, terms=True)
    if results.is_empty() and (relaxed := relax(query, 0)) is not None:
        # Found through the ranked OR of a many-word query: mark whichever of its words the article has.
        results = searcher.search(And([Term("id", doc_id), expand_synonyms(relaxed, synonyms)]), limit=1, terms=True)
    if results.is_empty():
        return None
    results.fragmenter = whole_fragmenter()
    results.formatter = MarkFormatter()
    fragments = results[0].highlights("body", top=1, minscore=0)
    if not fragments:
        return None
    return [p for p in fragments[0].split("\n\n") if p]
