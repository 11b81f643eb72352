"""One search: rank, relax, correct, fold near-duplicates, count facets, highlight a page of hits."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from whoosh.highlight import Highlighter
from whoosh.query import And, NullQuery, Or, Query, Term
from whoosh.searching import Results, Searcher

from indexer.search import facets as facets_
from indexer.search import request as search_request
from indexer.search.collapse import page_of
from indexer.search.columns import DocRecorder
from indexer.search.complete import last_word
from indexer.search.explain import unfiltered, unknown_words
from indexer.search.highlight import (
    MAX_FRAGMENTS,
    MarkFormatter,
    load_page_chars,
    plain_snippet,
    snippet_fragmenter,
    whole_fragmenter,
)
from indexer.search.languages import query_languages
from indexer.search.parse import parse, plain_words
from indexer.search.query import Synonyms, did_you_mean, expand_synonyms, fuzzify, typos_tolerated
from indexer.search.ranking import feedback
from indexer.search.ranking.arrays import Scored, score_all, top
from indexer.search.ranking.coordination import (
    all_words_bound,
    coordinate,
    coordinate_results,
    every_word,
    exact_words,
    word_terms,
)
from indexer.search.ranking.model import RELAX_BELOW, RELAX_MIN_WORDS, query_words, relax, with_proximity
from indexer.search.request import MAX_RESULT_WINDOW, Filters, SearchRequest
from indexer.search.results import Hit, SearchResults, Similar

# Near-duplicates are looked for among at least this many top hits (more for deep pages).
FOLD_WINDOW = 300
# Fewer strict hits than this is "little or nothing": retry with typo tolerance and suggest a correction.
FEW_RESULTS = 3


def search(searcher: Searcher, request: SearchRequest, synonyms: Synonyms) -> SearchResults:
    """Run a request and return one page of highlighted hits, with facets, a timeline, corrections and folding."""
    started = time.perf_counter()
    text, page, per_page, filters = request.q, request.page, request.per_page, request.filters
    sort, collapse = request.sort, request.collapse
    # Folding needs the hits before the page to know which are copies of better-ranked ones: scan a window.
    # The window also covers RELAX_BELOW, so the hits it holds tell whether the query found "too little".
    found = find(
        searcher, request, synonyms, max(fold_window(page, per_page) if collapse else page * per_page, RELAX_BELOW)
    )
    if found is None:
        return SearchResults(text, 0, page, per_page, _ms(started), [])
    query, ranked = found.query, found.ranked
    counts, timeline, matched = facets_.count(searcher, query, filters, ranked.matches)
    folded = page_of(searcher, ranked.results, matched, page, per_page, collapse)
    if folded.short and found.limit < MAX_RESULT_WINDOW:  # so many copies that the window missed this page
        ranked = _Ranker(searcher, filters, sort, MAX_RESULT_WINDOW).deeper(ranked, query)
        folded = page_of(searcher, ranked.results, matched, page, per_page, collapse)
    highlighters = _highlighters(ranked.results, [h.docnum for h, _ in folded.hits])
    # Sorted by date, Whoosh's "score" is the sort key (a negated date): not a relevance, so none is given.
    scored = sort == "relevance"
    hits = [_hit(h, similar, highlighters, scored) for h, similar in folded.hits]
    return SearchResults(
        text,
        folded.total,
        page,
        per_page,
        _ms(started),
        hits,
        counts,
        found.suggestion,
        found.fuzzy_applied,
        found.corrected,
        folded.exact,
        timeline,
        unknown_words(searcher, found.parsed, found.parsed_text, found.completed),
        unfiltered(searcher, query) if filters.active and not folded.total else None,
        articles=matched,
    )


@dataclass
class Found:
    """What a request found: the query finally run, its ranked hits (up to ``limit``) and any correction."""

    query: Query
    ranked: _Ranked
    limit: int
    parsed: Query
    parsed_text: str
    completed: tuple[str, ...] = ()  # the word being typed, when it was completed as a prefix
    suggestion: str | None = None
    fuzzy_applied: bool = False
    strict: int = 0  # how many articles have every word (up to the limit)
    corrected: str | None = None  # the query whose hits these are, when its misspelt words were corrected


def find(searcher: Searcher, request: SearchRequest, synonyms: Synonyms, limit: int) -> Found | None:
    """Rank up to ``limit`` hits of a request, relaxed or made typo-tolerant when it finds too little; None when
    the query has nothing to search for. When it finds fewer than FEW_RESULTS articles with every word and some
    of its words are not in the index, the query with those words corrected (the suggestion) is searched too, and
    its hits are the answer when more articles have all of its words ("goverment spending", "chelsae arsenal":
    the misspelt word no longer drops out of a relaxed query, or leaves the other words alone)."""
    found = _find(searcher, request, synonyms, limit)
    if found is None or found.suggestion is None or request.fuzzy != "auto":
        return found
    if not typos_tolerated(request.q, found.suggestion) or len(found.suggestion) > search_request.MAX_QUERY_CHARS:
        return found
    respelt = _find(searcher, replace(request, q=found.suggestion), synonyms, limit)
    if respelt is None or respelt.strict <= found.strict:
        return found
    return replace(respelt, suggestion=found.suggestion, fuzzy_applied=True, corrected=found.suggestion)


def _find(searcher: Searcher, request: SearchRequest, synonyms: Synonyms, limit: int) -> Found | None:
    """``find`` for the query as typed."""
    facets_.check_fields(searcher, request.filters)
    languages = query_languages(searcher, request.filters, request.q)
    parsed, parsed_text = parse(request.q, languages)
    if parsed is NullQuery:
        return None
    # While typing, the last word also matches the words it begins; each variant of the query below (relaxed,
    # typo-tolerant) is built from the exact words and completed just before it runs.
    typing = last_word(searcher, parsed, parsed_text, languages) if request.prefix == "last" else None
    complete = typing.rewrite if typing else _same
    ranker = _Ranker(searcher, request.filters, request.sort, limit)
    query = expand_synonyms(parsed, synonyms)
    once = _relaxed_at_once(ranker, parsed, synonyms) if typing is None else None
    if once is not None:  # the strict AND surely finds too little: its count comes from the relaxed ranking
        strict, words, query, ranked = once
    else:
        ranked = ranker.run(complete(query))
        strict, words = ranked.found, None
        typed = len(plain_words(parsed_text).split())  # the words typed, stop words included
        if (relaxed := relax(parsed, strict, typed)) is not None:  # too narrow for a many-word query: ranked OR
            words = expand_synonyms(relaxed, synonyms)
            query = with_proximity(words)
            ranked = ranker.run(complete(query), complete(words))
    top_docs = [d for _, d in ranked.results.top_n]
    if words is not None and (fed := feedback.expand(searcher, words, top_docs)) is not None:
        query = Or([query, fed])  # the top results agree: their key words join the query (Bo1)
        ranked = ranker.run(complete(query), complete(words))
    suggestion, fuzzy_applied = None, False
    completed = (typing.typed,) if typing and typing.stems else ()
    if strict < FEW_RESULTS:
        suggestion = did_you_mean(searcher, request.q, synonyms, keep=completed)
        # A query with nothing to make tolerant (phrases, short words) would only rank the same query again.
        if request.fuzzy == "auto" and ranked.found < FEW_RESULTS:
            if (tolerant := fuzzify(query, parsed_text, searcher, languages)) != query:
                if (more := ranker.run(complete(tolerant))).found > ranked.found:
                    query, ranked, fuzzy_applied = tolerant, more, True
    return Found(complete(query), ranked, limit, parsed, parsed_text, completed, suggestion, fuzzy_applied, strict)


def _same(query: Query) -> Query:
    return query


def _relaxed_at_once(ranker: _Ranker, parsed: Query, synonyms: Synonyms) -> tuple[int, Query, Query, _Ranked] | None:
    """Rank a plain many-word query once, as the relaxed OR, when its strict AND cannot find RELAX_BELOW articles
    (its rarest word is rarer): the AND's count is then the relaxed matches that have every word. Returns the
    strict count, the relaxed words, the query ranked and its ranking; None where the AND must run first."""
    plain = query_words(parsed) if ranker.sort == "relevance" and every_word(parsed) else None
    if plain is None or len(plain[0]) < RELAX_MIN_WORDS:
        return None
    relaxed = relax(parsed, 0)  # for a plain query of this many words, the same whatever the AND finds below
    if relaxed is None or len(relaxed.subqueries) != len(plain[0]):  # a question word left out: the AND has it
        return None
    words = expand_synonyms(relaxed, synonyms)
    terms = word_terms(ranker.searcher, words)
    if terms is None or not exact_words(words) or all_words_bound(ranker.searcher, terms) >= RELAX_BELOW:
        return None
    query = with_proximity(words)
    ranked = ranker.run(query, words)
    if ranked.scored is None:  # ranked by Whoosh's collector (another weighting): no per-article word counts
        return None
    every = ranked.words == len(terms) if ranked.words is not None else np.zeros(0, dtype=bool)
    if ranked.allowed is not None:
        every &= ranked.allowed
    return min(int(np.count_nonzero(every)), ranker.limit), words, query, ranked


@dataclass
class _Ranked:
    results: Results
    matches: np.ndarray | None  # every match before the filters, when known (else facets.count finds them)
    scored: Scored | None = None  # every match scored (the array path), to take more hits from without reranking
    allowed: np.ndarray | None = None  # which of scored.docs pass the filters (None: all)
    words: np.ndarray | None = None  # how many of a relaxed query's words each of scored.docs has

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
            matched = None
            if coordinated is not None and (words := word_terms(self.searcher, coordinated)) is not None:
                matched = coordinate(scored, words)  # a relaxed query: the articles with more of its words first
            allowed = facets_.allowed(self.searcher, scored.docs, self.filters)
            results = top(self.searcher, query, scored, self.limit, allowed)
            return _Ranked(results, scored.docs, scored, allowed, matched)
        record = not self.filters.active
        words = word_terms(self.searcher, coordinated) if coordinated is not None and self.sort == "relevance" else None
        collector = self.searcher.collector(
            limit=None if words else self.limit,
            terms=True,
            filter=facets_.filter_query(self.filters),
            sortedby=facets_.sort_facet(self.sort),
            optimize=not record,
        )
        recorder = None
        if record:
            collector, recorder = DocRecorder.install(collector)
        self.searcher.search_with_collector(query, collector)
        results = collector.results()
        if words:  # coordination needs every match: the best raw scores may not be the best tiers
            results = coordinate_results(self.searcher, query, results, words, self.limit)
        return _Ranked(results, recorder.docnums if recorder else None)

    def deeper(self, ranked: _Ranked, query: Query) -> _Ranked:
        """The same ranking kept to this ranker's limit: taken from the scores at hand when the arrays ranked it."""
        if ranked.scored is None:
            return self.run(query)
        return replace(ranked, results=top(self.searcher, query, ranked.scored, self.limit, ranked.allowed))


def fold_window(page: int, per_page: int) -> int:
    """How many ranked hits to scan for near-duplicates to fill a page: a few pages' worth, at least FOLD_WINDOW."""
    return min(MAX_RESULT_WINDOW, max(FOLD_WINDOW, 3 * page * per_page))


def _highlighters(results: Results, page: list[int]) -> dict[str, Highlighter]:
    if results.has_matched_terms():
        load_page_chars(results, page, ("body", "title"))
    results.fragmenter = snippet_fragmenter()
    results.formatter = MarkFormatter()
    return {"body": results.highlighter, "title": Highlighter(fragmenter=whole_fragmenter(), formatter=MarkFormatter())}


def _hit(hit: Any, similar: Similar, highlighters: dict[str, Highlighter], scored: bool) -> Hit:
    fields = hit.fields()
    body = highlighters["body"].highlight_hit(hit, "body", top=MAX_FRAGMENTS, minscore=1)
    title = highlighters["title"].highlight_hit(hit, "title", text=fields.get("title", ""), top=1, minscore=1)
    highlights = {"title": title, "body": body or [plain_snippet(fields.get("body", ""))]}
    score = round(float(hit.score or 0.0), 4) if scored else None
    return Hit.from_stored(fields, score=score, highlights=highlights, similar=similar)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def highlight_body(
    searcher: Searcher, doc_id: str, text: str, synonyms: Synonyms, typing: bool = False
) -> list[str] | None:
    """The article's paragraphs as escaped HTML with the query's terms marked (with ``typing``, the words the last
    one begins too); None if nothing matches."""
    languages = query_languages(searcher, Filters(), text)
    query, parsed_text = parse(text, languages) if text.strip() else (NullQuery, "")
    if query is NullQuery:
        return None
    if typing and (last := last_word(searcher, query, parsed_text, languages)) is not None:
        query = last.rewrite(query)
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
