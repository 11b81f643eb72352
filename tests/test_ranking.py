from __future__ import annotations

import pytest
from whoosh.query import Or

from indexer.search import Engine
from indexer.search.parse import parse_query
from indexer.search.ranking.model import RELAX_BELOW, query_words, relax, weighting


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("japan kishida", ["japan", "kishida"]),
        ("three-dimensional flow", ["three", "dimension", "flow"]),  # a hyphen joins words, never negates
        ("kishida OR hayashi", ["kishida", "hayashi"]),
    ],
)
def test_plain_queries_give_their_words(q: str, words: list[str]) -> None:
    found = query_words(parse_query(q))
    assert found is not None and found[0] == words


@pytest.mark.parametrize("q", ["japan -kishida", '"rule of law" japan', "title:japan kishida", "kyrgyz* japan"])
def test_deliberate_syntax_is_never_relaxed(q: str) -> None:
    assert relax(parse_query(q), 0) is None


def test_two_words_stay_strict_unless_nothing_matches() -> None:
    query = parse_query("japan kishida")
    assert relax(query, 1) is None
    assert isinstance(relax(query, 0), Or)


def test_long_query_with_few_hits_becomes_a_ranked_or() -> None:
    query = parse_query("what similarity laws apply to heated aircraft models")
    assert relax(query, RELAX_BELOW) is None
    relaxed = relax(query, 3)
    assert relaxed is not None
    words = {t.text for t in relaxed.leaves()}
    assert {"similar", "law", "heat", "aircraft", "model"} <= words
    assert "what" not in words  # question words carry no weight once relaxed


def test_weighting_is_bm25f() -> None:
    assert type(weighting()).__name__ == "BM25F"


def test_relaxed_search_ranks_fuller_matches_first(corpus, tmp_path) -> None:
    from indexer.index.build import reindex

    (corpus / "extra.jsonl").write_text(
        '{"id": "all", "title": "Rail freight", "text": "New rail freight corridor opens to Bishkek traders."}\n'
        '{"id": "one", "title": "Traders", "text": "Traders met in a market."}\n',
        "utf-8",
    )
    reindex(corpus, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    ids = [h.id for h in engine.search("rail freight corridor to Bishkek for traders nowhere").hits]
    engine.close()
    assert ids[0] == "all" and "one" in ids
