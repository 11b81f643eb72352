from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from indexer.index.build import reindex
from indexer.search import Engine, Filters, SearchError, SearchRequest
from indexer.search.explain import Unfiltered
from indexer.search.parse import parse_query
from indexer.search.searchers import SearcherCache
from tests.conftest import SEED_IDS


def marked(engine: Engine, doc_id: str, q: str) -> list[str] | None:
    """The article's paragraphs with ``q``'s words marked, or None when it has none of them."""
    article = engine.article(doc_id, q)
    assert article is not None
    return article.paragraphs if article.marked else None


def _ids(engine, q: str, **options: object) -> list[str]:
    return [h.id for h in engine.search(q, per_page=100, **options).hits]


def test_rule_of_law_finds_both_seeds_with_marks(engine) -> None:
    results = engine.search("rule of law")
    assert sorted(h.id for h in results.hits) == sorted(SEED_IDS)
    assert results.total == 2
    for hit in results.hits:
        assert 1 <= len(hit.highlights["body"]) <= 3
        assert all("<mark>rule</mark> of <mark>law</mark>" in f or "<mark>" in f for f in hit.highlights["body"])
        assert any("<mark>rule</mark> of <mark>law</mark>" in f for f in hit.highlights["body"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kishida", {"000_d3a34fce153d5282"}),
        ("japan kishida", {"000_d3a34fce153d5282"}),  # AND by default
        ("kishida OR hayashi", set(SEED_IDS)),
        ("japan -kishida", {"002_10c5046bec448ba0"}),
        ("japan NOT kishida", {"002_10c5046bec448ba0"}),
        ('"central asia plus japan"', set(SEED_IDS)),
        ('"japan plus central"', set()),
        ("title:kazakhstan", {"pages/summit"}),
        ("source:wire", {"wire-1", "wire-2"}),
        ("dateline:tokyo", {"002_10c5046bec448ba0"}),
        ("Kyrgyz*", {"000_d3a34fce153d5282", "wire-1"}),
        ("summits", {"000_d3a34fce153d5282", "pages/summit"}),  # stemming
        ("SUMMIT", {"000_d3a34fce153d5282", "pages/summit"}),
        ("tashkent", {"wire-1"}),
        ("TÄSHKENT", {"wire-1"}),  # accent folding on the query side
    ],
)
def test_query_syntax(engine, q: str, expected: set[str]) -> None:
    assert set(_ids(engine, q)) == expected


@pytest.mark.parametrize(
    "q",
    [
        '"rule of law',
        "rule (of law",
        "rule of law)",
        "AND rule of law",
        "rule of law OR",
        "rule:of law",
        "(((rule of law",
        "rule^ of^ law",
        '""rule of law"',
    ],
)
def test_broken_syntax_falls_back_to_words(engine, q: str) -> None:
    assert set(_ids(engine, q)) == set(SEED_IDS)


@pytest.mark.parametrize("q", ["", "   ", "*", "?", "AND", "AND OR", ")(", '"', "a*", "date:2020", ":", "\x00"])
def test_queries_with_no_usable_words_find_nothing(engine, q: str) -> None:
    assert engine.search(q).total == 0


def test_date_and_id_fields_are_not_parsed_as_queries() -> None:
    query = parse_query("date:2020 id:wire-1")
    assert {t[0] for t in query.iter_all_terms()} <= {"title", "body", "dateline"}


def test_highlights_are_built_on_escaped_text(engine) -> None:
    [hit] = engine.search("election coverage").hits
    html = " ".join(hit.highlights["body"])
    [hit] = engine.search("javascript entities").hits
    html += " ".join(hit.highlights["body"])
    assert "<script>" not in html and "<img" not in html and "</textarea>" not in html
    assert "&lt;script&gt;" in html and "onerror=alert(1)&gt;" in html
    # Entities never become tags: kept as text, or decoded by normalize.py and then escaped.
    assert "<b>" not in html and ("&amp;lt;b&amp;gt;" in html or "&lt;b&gt;" in html)
    assert "<mark>election</mark>" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_dateline_is_searched_by_default(engine) -> None:
    assert _ids(engine, "tokyo") == ["002_10c5046bec448ba0"]


def test_title_only_match_gets_a_plain_snippet(engine) -> None:
    [hit] = engine.search("title:hosts").hits
    assert hit.highlights["body"] and "<mark>" not in hit.highlights["body"][0]


def test_pagination(engine) -> None:
    everything = _ids(engine, "japan OR election OR rail OR kazakhstan")
    assert len(everything) == 6
    pages = [engine.search("japan OR election OR rail OR kazakhstan", page=p, per_page=4) for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [4, 2, 0]
    assert [h.id for p in pages for h in p.hits] == everything
    assert pages[0].total == 6 and pages[0].total_pages == 2


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (1, 0), (1, 101), (10_001, 1), (2, 10_000)])
def test_bad_paging_is_refused(engine, page: int, per_page: int) -> None:
    with pytest.raises(SearchError):
        engine.search("japan", page=page, per_page=per_page)


def test_result_shape(engine) -> None:
    data = engine.search("rail").to_dict()
    assert set(data) == {
        "query",
        "total",
        "page",
        "per_page",
        "total_pages",
        "took_ms",
        "hits",
        "facets",
        "timeline",
        "suggestion",
        "fuzzy_applied",
        "corrected",
        "unknown_words",
        "unfiltered",
        "articles",
    }
    assert data["total"] == {"value": 1, "relation": "eq"} and data["total_pages"] == 1
    [hit] = data["hits"]
    assert set(hit) == {"id", "title", "source", "date", "url", "score", "highlights", "places", "similar"}
    assert hit["similar"] == {"count": 0, "ids": [], "articles": []}
    assert data["facets"] == {
        "source": {"Wire Service": 1},
        "year": {"2024": 1},
        "month": {"2024-03": 1},
        "place": data["facets"]["place"],
        "fields": {"language": {"en": 1}},
    }
    assert data["timeline"] == {
        "interval": "day",
        "undated": 0,
        "buckets": [{"start": "2024-03-05", "end": "2024-03-05", "label": "2024-03-05", "count": 1}],
    }
    assert hit["highlights"]["title"] == ["Uzbekistan opens new <mark>rail</mark> link"]
    assert data["suggestion"] is None and data["fuzzy_applied"] is False
    assert hit["date"] == "2024-03-05T00:00:00"
    assert hit["url"] == "https://wire.example/1"


def test_get_document_and_body_highlight(engine) -> None:
    doc = engine.document("002_10c5046bec448ba0")
    assert doc is not None and doc.source == "Arab News Japan" and doc.dateline == "TOKYO"
    assert engine.document("missing") is None
    paragraphs = marked(engine, "002_10c5046bec448ba0", "rule of law")
    assert paragraphs is not None and len(paragraphs) == 9
    assert "<mark>rule</mark> of <mark>law</mark>" in paragraphs[0]
    assert marked(engine, "002_10c5046bec448ba0", "kishida") is None


def test_an_article_found_by_the_relaxed_query_is_highlighted_too(engine) -> None:
    query = "tokyo dialogue uzbekistan railway pension"  # no article has every word: found by the ranked OR
    # Found (it has two of the words); with BM25F's heavy title, wire-1 (one word, in its headline) ranks above it.
    assert "002_10c5046bec448ba0" in [h.id for h in engine.search(query).hits]
    paragraphs = marked(engine, "002_10c5046bec448ba0", query)
    assert paragraphs is not None and any("<mark>" in p for p in paragraphs)


def test_the_engine_sees_reindexes_without_restart(corpus: Path, tmp_path: Path, open_engine) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    engine = open_engine(root)
    first = engine.version()
    assert engine.search("bishkek").total == 0 and engine.version() == first
    (corpus / "new.txt").write_text("BISHKEK: Parliament met.", "utf-8")
    reindex(corpus, root)
    assert engine.search("bishkek").total == 1 and engine.version() != first
    (corpus / "new.txt").write_text("BISHKEK: Parliament met again, in Bishkek.", "utf-8")
    reindex(corpus, root, full=True)
    results = engine.search("bishkek")
    assert results.total == 1  # reopened, not refreshed: no stale duplicate


def test_searcher_cache_reuses_a_threads_searcher_until_a_reindex(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    cache = SearcherCache(root)
    first = cache.get()
    assert cache.get() is first
    (corpus / "new.txt").write_text("BISHKEK: Parliament met.", "utf-8")
    reindex(corpus, root)
    assert cache.get() is not first
    cache.close_all()


def test_snippets_never_repeat_text(engine) -> None:
    for hit in engine.search("rule of law").hits:
        plain = [f.replace("<mark>", "").replace("</mark>", "").strip("… ") for f in hit.highlights["body"]]
        for i, first in enumerate(plain):
            for second in plain[i + 1 :]:
                assert first[-40:] not in second and second[:40] not in first


def test_searcher_cache_closes_every_threads_searcher(built_index: Path) -> None:
    import threading

    cache = SearcherCache(built_index)
    seen = [cache.get()]
    worker = threading.Thread(target=lambda: seen.append(cache.get()))
    worker.start()
    worker.join()
    assert seen[0] is not seen[1]
    cache.close_all()
    assert cache.get() is not seen[0] and cache.get().doc_count() == 6
    cache.close_all()


def test_typing_treats_the_last_word_as_a_prefix(engine) -> None:
    assert engine.search("kishi").total == 0  # a submitted search stays exact
    typed = engine.search("kishi", prefix="last")
    assert [h.id for h in typed.hits] == ["000_d3a34fce153d5282"]
    assert any("<mark>Kishida</mark>" in f for f in typed.hits[0].highlights["body"])
    assert typed.suggestion is None and typed.unknown_words == []
    assert set(_ids(engine, "japan kishi", prefix="last")) == {"000_d3a34fce153d5282"}


@pytest.mark.parametrize("q", ['"kishi"', "japan -kishi", "japan NOT kishi", "kishi*", "japan k", "(japan OR kishi)"])
def test_only_a_plain_last_word_of_two_letters_is_a_prefix(engine, q: str) -> None:
    assert _ids(engine, q, prefix="last") == _ids(engine, q)


def test_the_prefix_option_is_validated_and_kept_in_links() -> None:
    with pytest.raises(SearchError, match="'prefix' must be one of: none, last"):
        SearchRequest.from_args({"q": "x", "prefix": "all"})
    assert SearchRequest.from_args({"q": "kishi", "prefix": "last"}).url_args()["prefix"] == "last"
    assert "prefix" not in SearchRequest("kishi").url_args()


def test_title_suggestions_hold_what_was_typed(engine) -> None:
    found = engine.suggest("elect")
    titles = [s.text for s in found if s.kind == "title"]
    assert "Election results announced" in titles
    # "Kazakhstan hosts Central Asia summit" has "elections" in its body only.
    assert all(re.search(r"\belect", t, re.I) for t in titles), titles
    assert [s.text for s in found if s.kind == "term"][:1] == ["election"]


@pytest.mark.parametrize(
    ("q", "unknown"),
    [
        ("xylophone", ["xylophone"]),
        ("japan xylophone", ["xylophone"]),
        ("japan", []),
        ("the", []),
        ("title:kishida", []),
        ("japan -xylophone", []),
        ('"japan xylophone"', ["xylophone"]),
    ],
)
def test_results_name_the_words_no_article_holds(engine, q: str, unknown: list[str]) -> None:
    assert engine.search(q).unknown_words == unknown


def test_filters_that_leave_nothing_say_what_they_left_out(features_index: Path, open_engine) -> None:
    engine = open_engine(features_index)
    dated = engine.search("note", filters=Filters(date_from=date(2020, 1, 1)))
    assert dated.total == 0 and dated.unfiltered == Unfiltered(total=1, undated=1)
    assert engine.search("note").unfiltered is None  # nothing filtered
    assert engine.search("pensions", filters=Filters(sources=("Central Post",))).unfiltered is None  # found some
