"""Related articles on a small corpus, where more-like-this alone finds nothing (issue 21, bug 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.index.build import reindex
from indexer.search import Engine
from indexer.search.related import key_terms_query
from indexer.search.searchers import SearcherCache
from webapp import create_app

ARTICLES = [
    (
        "water-deal",
        "Neighbours sign border water deal",
        "The two neighbours signed a border water deal on Friday "
        "that shares the flow of irrigation canals between farms on both sides, after years of quarrels over dry "
        "summers.",
    ),
    (
        "rivers",
        "Rivers run low as irrigation demand grows",
        "Rivers across the region ran low this month as "
        "farmers drew more water for irrigation, and officials warned that canals may run dry.",
    ),
    ("football", "United win the derby", "United beat City two goals to one in a tense derby at the stadium."),
    (
        "election",
        "Parliament election called",
        "The prime minister called an early parliament election for the spring after the budget vote failed.",
    ),
    (
        "bank",
        "Central bank raises rates",
        "The central bank raised interest rates by a quarter point to slow inflation, its third rise this year.",
    ),
    ("film", "Festival opens with a comedy", "The film festival opened with a comedy about a family wedding."),
    ("phone", "New phone goes on sale", "A new phone with a larger screen and a better camera went on sale."),
    ("tennis", "Champion reaches the final", "The champion reached the final after a five set match."),
    ("oil", "Oil prices fall", "Oil prices fell for a third day as traders expected more supply from producers."),
    ("school", "Schools get new funding", "Schools will get new funding for teachers and books."),
    ("train", "Rail strike ends", "The rail strike ended after the union accepted a pay offer."),
    ("museum", "Museum buys a painting", "The national museum bought a painting by a famous artist at auction."),
]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dozen short articles, two of them about water and irrigation."""
    base = tmp_path_factory.mktemp("related")
    (base / "corpus").mkdir()
    lines = [json.dumps({"id": i, "title": t, "text": b}) for i, t, b in ARTICLES]
    (base / "corpus" / "small.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    reindex(base / "corpus", base / "index")
    return base / "index"


def test_more_like_this_alone_finds_nothing_here(small_index: Path) -> None:
    # The premise: every key term more-like-this picks for the water deal is unique to it on this corpus.
    cache = SearcherCache(small_index)
    searcher = cache.get()
    docnum = searcher.document_number(id="water-deal")
    query = key_terms_query(searcher, docnum)
    assert query is not None and [h["id"] for h in searcher.search(query, limit=10, mask={docnum})] == []
    cache.close()


def test_related_falls_back_to_the_articles_distinctive_words(small_index: Path, open_engine) -> None:
    engine: Engine = open_engine(small_index)
    assert [r.id for r in engine.related("water-deal")] == ["rivers"]
    assert "water-deal" in [r.id for r in engine.related("rivers")]


def test_the_article_page_and_the_api_show_the_fallback(small_index: Path) -> None:
    client = create_app({"INDEX_DIR": str(small_index), "TESTING": True}).test_client()
    assert [r["id"] for r in client.get("/api/documents/water-deal/related").get_json()] == ["rivers"]
    assert "Rivers run low as irrigation demand grows" in client.get("/doc/water-deal").get_data(as_text=True)
