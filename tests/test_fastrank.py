"""Array ranking gives exactly what Whoosh's own collector gives: the same matches, order, scores and terms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from whoosh.query import And, AndMaybe, AndNot, Or, Phrase, Prefix, Query, Term
from whoosh.searching import Searcher

from bench import corpus as corpus_mod
from bench.queries import make_queries
from indexer import settings
from indexer.index.build import reindex
from indexer.search import Filters, SearchRequest, SearchResults
from indexer.search import searching as search_mod
from indexer.search.parse import parse_query
from indexer.search.query import expand_synonyms, load_synonyms
from indexer.search.ranking.arrays import score_all, top
from indexer.search.ranking.fields import FieldsWord
from indexer.search.ranking.model import relax
from indexer.search.searchers import SearcherCache

needs_data = pytest.mark.needs_data("news-bbc", "news-agnews-test")
LIMIT = 50
SYNONYMS = load_synonyms(settings.SYNONYMS_FILE.default)


def search(searcher: Searcher, text: str, **options: object) -> SearchResults:
    """One search page through the core's own search function, on this module's searcher."""
    return search_mod.search(searcher, SearchRequest(text, **options), SYNONYMS)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """Real news in several segments (a two-process build, then an update) with deleted documents."""
    base = tmp_path_factory.mktemp("fastrank")
    corpus, root = base / "corpus", base / "index"
    corpus_mod.generate(corpus, 400, seed=3)
    reindex(corpus, root, full=True)
    assert corpus_mod.touch_fraction(corpus, 0.05) > 0
    reindex(corpus, root)
    cache = SearcherCache(root)
    found = cache.get()
    assert len(found.reader().leaf_readers()) > 1 and found.reader().has_deletions()
    yield found
    cache.close_all()


def whoosh_top(searcher: Searcher, query: Query) -> tuple[list[tuple[float, int]], dict[int, list]]:
    collector = searcher.collector(limit=LIMIT, terms=True)
    searcher.search_with_collector(query, collector)
    results = collector.results()
    return [(round(s, 9), d) for s, d in results.top_n], results.docterms


def assert_same(searcher: Searcher, query: Query) -> None:
    scored = score_all(searcher, query)
    assert scored is not None, query
    assert np.array_equal(scored.docs, np.sort(np.fromiter(searcher.docs_for_query(query), dtype=np.int64)))
    fast = top(searcher, query, scored, LIMIT, None)
    expected, docterms = whoosh_top(searcher, query)
    assert [(round(s, 9), d) for s, d in fast.top_n] == expected, query
    phrases = any(isinstance(leaf, Phrase) for leaf in query.leaves())
    for _, docnum in expected:  # (Whoosh lists a word twice in a phrase like "year year")
        if phrases:  # Whoosh may also list a phrase's word where the phrase did not match: a leaf left on the doc
            assert set(fast.docterms[docnum]) <= set(docterms[docnum])
        else:
            assert set(fast.docterms[docnum]) == set(docterms[docnum])


@needs_data
def test_the_benchmark_queries_rank_as_whoosh_ranks_them(searcher: Searcher) -> None:
    checked = 0
    for bench_query in make_queries(corpus_mod.load_pool(), seed=6)[:200]:
        parsed = parse_query(bench_query.whoosh())
        for query in filter(None, (expand_synonyms(parsed, SYNONYMS), relax(parsed, 0))):
            if score_all(searcher, query) is not None:
                assert_same(searcher, query)
                checked += 1
    assert checked > 150


@needs_data
@pytest.mark.parametrize(
    "query",
    [
        AndNot(Or([Term("body", "year"), Term("title", "year")]), Term("body", "market")),
        AndMaybe(Term("body", "govern"), Term("title", "elect")),
        And([Term("body", "year", boost=3.0), Or([Term("title", "new"), Term("body", "new")], boost=0.5)]),
        Or([Term("body", "minist")], boost=7.0),  # Whoosh ignores a one-child group's boost
        Or([Term("body", "zzzznotaword"), Term("body", "peopl")]),
        And([Term("body", "zzzznotaword"), Term("body", "peopl")]),
        Term("nosuchfield", "x"),
        Phrase("body", ["prime", "minist"]),
        Phrase("title", ["prime", "minist"], boost=2.0),
        Phrase("body", ["said", "the", "govern"]),  # a stop word the analyzer dropped leaves a gap: no match
        Phrase("body", ["year", "year"]),
        Phrase("body", ["zzzznotaword", "year"]),
        And([Phrase("body", ["last", "year"]), Term("body", "market")]),
        Or([Phrase("body", ["last", "year"]), Phrase("title", ["last", "year"]), Term("body", "growth")]),
        AndNot(Term("body", "year"), Phrase("body", ["last", "year"])),
        FieldsWord([Term("title", "year", boost=0.5), Term("body", "year")], boost=2.0),  # BM25F
        FieldsWord([Term("title", "minist"), Term("body", "minist"), Term("nosuchfield", "minist")]),
        FieldsWord([Term("body", "market")]),
        And([FieldsWord([Term("title", "year"), Term("body", "year")]), FieldsWord([Term("body", "market")])]),
        FieldsWord([Or([Term("body", "film"), Term("body", "movi")]), Term("title", "film")]),  # variants: an Or
    ],
)
def test_every_supported_shape_scores_as_whoosh_does(searcher: Searcher, query: Query) -> None:
    assert_same(searcher, query)


@needs_data
def test_a_phrase_without_words_matches_nothing(searcher: Searcher) -> None:
    scored = score_all(searcher, Phrase("body", []))
    assert scored is not None and len(scored.docs) == 0


@needs_data
@pytest.mark.parametrize(
    "query",
    [
        Phrase("body", ["prime", "minister"], slop=3),
        Prefix("body", "gov"),
        Or([Term("body", "a"), Term("body", "b")], minmatch=2),
    ],
)
def test_other_shapes_are_left_to_whoosh(searcher: Searcher, query: Query) -> None:
    assert score_all(searcher, query) is None


@needs_data
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(sources=("Daily Herald", "Global Wire")),
        Filters(date_from=date(2018, 1, 1), date_to=date(2020, 6, 30)),
        Filters(places=("United States",)),
    ],
)
@pytest.mark.parametrize(
    "text", ["government plans", "market -oil", "the prime minister said on tuesday", '"prime minister" government']
)
def test_search_pages_match_the_collector_path(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch, filters: Filters, text: str
) -> None:
    fast = search(searcher, text, per_page=20, filters=filters, fuzzy="off").to_dict()
    monkeypatch.setattr(search_mod, "score_all", lambda *_: None)
    slow = search(searcher, text, per_page=20, filters=filters, fuzzy="off").to_dict()
    for results in (fast, slow):
        results.pop("took_ms")
        for hit in results["hits"]:
            hit["score"] = round(hit["score"], 3)
    assert fast == slow
    assert fast["total"]["value"] > 0 or filters.places


@needs_data
def test_the_collector_path_records_every_match(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback counts what the collector visits: matcher replacement must not drop weak matches."""
    monkeypatch.setattr(search_mod, "score_all", lambda *_: None)
    for text in ["year", "people said", '"prime minister"', "government OR market OR company"]:
        query = parse_query(text)
        ranked = search_mod._Ranker(searcher, Filters(), "relevance", limit=5).run(query)
        expected = np.sort(np.fromiter(searcher.docs_for_query(query), dtype=np.int64))
        assert len(expected) > 5
        assert np.array_equal(np.sort(ranked.matches), expected), text


@needs_data
def test_a_phrase_marks_a_title_only_where_the_phrase_is(searcher: Searcher) -> None:
    """Whoosh's collector may report a phrase's word for a document whose title has the word but not the phrase
    (a matcher left on it), and the title then shows a lone "last" marked; the array path reports it only where
    the phrase matched."""
    hits = search(searcher, '"last year" OR growth', per_page=50, fuzzy="off").to_dict()["hits"]
    titles = [t for hit in hits for t in hit["highlights"]["title"]]
    for title in titles:
        rest = re.sub(r"<mark>last</mark> <mark>year</mark>|<mark>growth</mark>", "", title, flags=re.IGNORECASE)
        assert "<mark>" not in rest, title
    assert "Old bones unearth new date for giant deer #39;s last stand" in [hit["title"] for hit in hits]
