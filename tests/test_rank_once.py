"""One ranking per search: a relaxed query is ranked once, and its answers are those of ranking it twice."""

from __future__ import annotations

import json

import pytest

from indexer import settings
from indexer.search import SearchRequest, searching
from indexer.search.query import load_synonyms
from indexer.search.request import Filters
from indexer.search.searchers import SearcherCache

TOPICS = ["budgets and staffing", "orchestras and regional radio", "sport rights and children's programmes"]
DAYS = ["Monday", "Tuesday", "Friday"]
RECORDS = [
    *(
        {
            "id": f"all-{n}",
            "title": f"Broadcasting review {n}",
            "text": f"Ministers met about {topic} on {day}. " * 5 + "The BBC said the licence fee would rise.",
            "source": "Herald" if n else "Post",
        }
        for n, (topic, day) in enumerate(zip(TOPICS, DAYS, strict=True))
    ),
    {"id": "fees", "title": "Parking fees anger drivers", "text": "Fees and more fees: parking fees rose."},
    {"id": "bbc", "title": "BBC drama", "text": "The BBC showed a new drama on BBC One.", "source": "Post"},
    {"id": "licence", "title": "Licence to fish", "text": "A fishing licence. Licence checks for the fee."},
    {"id": "radio", "title": "Regional radio", "text": "Regional radio stations met the ministers on Friday."},
]

QUERIES = [
    "BBC licence fee",  # three words in few articles: relaxed, all words first
    "BBC licence fee parking drivers",  # a longer description: relaxed, no tiers
    "licence fee fishing",  # one article has every word: relaxed, with a correction looked up
    "regional radio ministers friday",
    "BBC licence fee nowhereword",  # no article has every word
    "BBC licence feee",  # a typo: no article has every word, so a correction is offered
    "ministers regional radio fishin",  # a typo in one word: the others still find articles
    "BBC licence",  # two words with hits stay strict
    '"licence fee"',  # a phrase: nothing to relax
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> SearcherCache:
    from indexer.index.build import reindex

    root = tmp_path_factory.mktemp("rank-once")
    (root / "corpus").mkdir()
    (root / "corpus" / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    reindex(root / "corpus", root / "index")
    found = SearcherCache(root / "index")
    yield found
    found.close()


def _answer(cache: SearcherCache, request: SearchRequest) -> dict:
    answer = searching.search(cache.get(), request, load_synonyms(settings.SYNONYMS_FILE.default)).to_dict()
    answer.pop("took_ms")
    return answer


def _count_scoring(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    score_all = searching.score_all

    def counted(searcher, query):  # noqa: ANN001, ANN202 - the wrapped function's own signature
        calls.append(query)
        return score_all(searcher, query)

    monkeypatch.setattr(searching, "score_all", counted)
    return calls


@pytest.mark.parametrize("q", ["BBC licence fee", "BBC licence feee", "regional radio ministers friday"])
def test_a_relaxed_query_is_ranked_once(cache: SearcherCache, monkeypatch: pytest.MonkeyPatch, q: str) -> None:
    calls = _count_scoring(monkeypatch)
    answer = _answer(cache, SearchRequest(q))
    assert len(answer["hits"]) > 3  # relaxed: the articles with some of the words follow those with all
    assert len(calls) == 1


def test_all_words_come_first(cache: SearcherCache) -> None:
    answer = _answer(cache, SearchRequest("BBC licence fee"))
    assert [h["id"] for h in answer["hits"]][:3] == ["all-0", "all-1", "all-2"]


def test_a_query_with_nothing_to_make_tolerant_is_not_ranked_again(
    cache: SearcherCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_scoring(monkeypatch)
    answer = _answer(cache, SearchRequest('"fee licence"'))  # no such phrase, and no word long enough for typos
    assert answer["total"]["value"] == 0 and len(calls) == 1


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"filters": Filters(sources=("Herald",))},
        {"page": 2, "per_page": 2},
        {"fuzzy": "off"},
        {"sort": "newest"},
    ],
)
def test_ranking_once_answers_as_ranking_the_and_first(
    cache: SearcherCache, monkeypatch: pytest.MonkeyPatch, q: str, options: dict
) -> None:
    request = SearchRequest(q, **options)
    once = _answer(cache, request)
    monkeypatch.setattr(searching, "_relaxed_at_once", lambda *args: None)  # the AND first, then the relaxed OR
    assert once == _answer(cache, request)


def test_a_deeper_window_reuses_the_scores(cache: SearcherCache, monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = cache.get()
    query = searching.parse("BBC OR licence OR fee")[0]
    shallow = searching._Ranker(searcher, Filters(), "relevance", 2).run(query)
    calls = _count_scoring(monkeypatch)
    deeper = searching._Ranker(searcher, Filters(), "relevance", 10).deeper(shallow, query)
    assert not calls
    assert deeper.results.top_n == searching._Ranker(searcher, Filters(), "relevance", 10).run(query).results.top_n
    assert len(deeper.results.top_n) > 2
