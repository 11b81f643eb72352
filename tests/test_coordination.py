"""Which words a relaxed query keeps, and how all words first orders its matches (``ranking.coordination``)."""

from __future__ import annotations

import json

import numpy as np
from whoosh.query import Or

from indexer import settings
from indexer.search import SearchRequest, searching
from indexer.search.parse import parse_query
from indexer.search.query import load_synonyms
from indexer.search.ranking.arrays import Scored
from indexer.search.ranking.coordination import TIER, coordinate
from indexer.search.ranking.model import query_words, relax
from indexer.search.searchers import SearcherCache


def test_the_articles_with_every_word_come_first_then_bm25_alone() -> None:
    words = [[("body", b"bbc")], [("body", b"licenc")], [("body", b"fee")]]
    docs = np.array([1, 2, 3])
    terms = {("body", b"bbc"): np.array([2, 3]), ("body", b"licenc"): np.array([3]), ("body", b"fee"): docs}
    scored = Scored(docs, np.array([5.0, 1.0, 0.5]), terms)
    assert list(coordinate(scored, words)) == [1, 2, 3]
    # Every word: first, whatever its BM25. Below, by BM25 alone: one word (5.0) before two (1.0).
    assert list(docs[np.argsort(-scored.scores)]) == [3, 1, 2]
    assert scored.scores[2] == 0.5 + TIER


def test_a_one_rare_word_article_may_outrank_a_two_common_words_one() -> None:
    words = [[("body", b"a")], [("body", b"b")], [("body", b"c")]]
    docs = np.array([1, 2])
    terms = {("body", b"a"): np.array([1]), ("body", b"b"): np.array([2]), ("body", b"c"): np.array([2])}
    scored = Scored(docs, np.array([3.0, 2.0]), terms)
    coordinate(scored, words)
    assert list(scored.scores) == [3.0, 2.0]  # no one has every word: the BM25 order stands


def test_versus_sets_things_side_by_side() -> None:
    found = query_words(parse_query("fresh fruit versus frozen"))
    assert found is not None and found[0] == [("fresh",), ("fruit",), ("frozen",)]
    found = query_words(parse_query("Nadal vs. Federer"))
    assert found is not None and found[0] == [("nadal",), ("feder",)]
    assert "vs" in parse_query('"Kramer vs Kramer"').leaves().__next__().words  # a phrase keeps it


def test_a_long_request_leaves_out_how_it_asks() -> None:
    relaxed = relax(parse_query("please supply information on the theory and use of parametric amplifiers"), 0)
    assert relaxed is not None
    words = {t.text for t in relaxed.leaves()}
    assert {"inform", "theori", "parametr", "amplifi"} <= words and not {"pleas", "suppli"} & words
    short = relax(parse_query("please supply teachers"), 0)  # a search-box query is taken as typed
    assert short is not None and {"pleas", "suppli"} <= {t.text for t in short.leaves()}


def test_two_words_typed_stay_strict_but_a_question_of_two_words_relaxes() -> None:
    assert relax(parse_query("japan kishida"), 1, typed=2) is None
    question = relax(parse_query("are multivitamins good for you"), 1, typed=5)
    assert isinstance(question, Or) and len(question.subqueries) == 2


def test_a_question_finds_more_than_its_strict_and(tmp_path) -> None:
    from indexer.index.build import reindex

    records = [
        {"id": "both", "title": "Vitamins", "text": "Are multivitamins good for you? A trial says yes."},
        {"id": "one", "title": "Supplements", "text": "A trial of multivitamins in older adults found no effect."},
        {"id": "none", "title": "Rain", "text": "Rain fell on the valley for a week."},
    ]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    reindex(corpus, tmp_path / "index")
    cache = SearcherCache(tmp_path / "index")
    synonyms = load_synonyms(settings.SYNONYMS_FILE.default)

    def ids(q: str) -> list[str]:
        return [h.id for h in searching.search(cache.get(), SearchRequest(q, fuzzy="off"), synonyms).hits]

    assert ids("multivitamins good") == ["both"]  # two words typed: both meant
    assert ids("are multivitamins good for you") == ["both", "one"]  # all words first, then the rest
    cache.close()
