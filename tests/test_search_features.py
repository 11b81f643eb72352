"""The search features of issue 5 on a corpus with near-duplicates, name variants, sources and dates."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from indexer.cli import cli
from indexer.search import Engine, Filters, SearchError
from indexer.search import request as search_request
from indexer.search.parse import parse_query
from indexer.search.results import plain
from indexer.search.searchers import SearcherCache

STORY_IDS = {"story-1", "story-2", "story-3"}


@pytest.fixture
def engine(open_engine, features_index: Path) -> Engine:
    """The engine on the search-features index, with the bundled synonyms."""
    return open_engine(features_index)


@pytest.fixture
def plain_engine(open_engine, features_index: Path) -> Engine:
    """The same index searched without any synonyms file."""
    return open_engine(features_index, synonyms_file=None)


def _ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_facets_count_sources_years_and_months(engine) -> None:
    results = engine.search("parliament", collapse=False)
    assert results.facets.source == {"Central Post": 2, "Daily Reprint": 1}
    assert results.facets.year == {"2023": 2}  # the undated article has no year
    assert results.facets.month == {"2023-02": 2}


def test_places_facet_counts_and_filters(engine) -> None:
    results = engine.search("parliament OR treaty OR rogun", collapse=False)
    assert results.facets.place == {"Kyrgyzstan": 2, "Kazakhstan": 1, "Tajikistan": 1}
    assert {h.id: h.places for h in results.hits}["kg-2"] == ["Kazakhstan", "Kyrgyzstan"]
    chosen = engine.search("parliament OR treaty OR rogun", collapse=False, filters=Filters(places=("Kyrgyzstan",)))
    assert set(_ids(chosen)) == {"kg-1", "kg-2"}
    assert chosen.facets.place == results.facets.place  # the place facet ignores its own filter
    assert chosen.facets.source == {"Central Post": 1, "Steppe Wire": 1}  # the others honour it
    both = Filters(places=("Kyrgyzstan", "Tajikistan"), sources=("Steppe Wire",))
    assert set(_ids(engine.search("parliament OR treaty OR rogun", collapse=False, filters=both))) == {"kg-2", "dam-1"}
    assert _ids(engine.search("parliament", filters=Filters(places=("Atlantis",)))) == []


def test_timeline_counts_matches_per_day_with_the_undated_apart(engine) -> None:
    timeline = engine.search("parliament", collapse=False).timeline
    assert timeline.interval == "day" and timeline.undated == 1
    assert (timeline.buckets[0].start, timeline.buckets[-1].start) == ("2023-02-01", "2023-02-20")
    assert [b.count for b in timeline.buckets if b.count] == [1, 1] and len(timeline.buckets) == 20


def test_timeline_switches_to_months_and_honours_every_filter(engine) -> None:
    timeline = engine.search("parliament OR water OR treaty", collapse=False).timeline
    assert timeline.interval == "month"
    assert (timeline.buckets[0].label, timeline.buckets[-1].label) == ("2022-12", "2024-05")
    assert {b.label: b.count for b in timeline.buckets if b.count} == {
        "2022-12": 1,
        "2023-02": 2,
        "2023-09": 1,
        "2024-05": 3,
    }
    filtered = engine.search(
        "parliament OR water OR treaty",
        collapse=False,
        filters=Filters(sources=("Central Post",), date_from=date(2023, 1, 1)),
    ).timeline
    assert {b.label: b.count for b in filtered.buckets if b.count} == {"2023-02": 1, "2024-05": 1}
    assert filtered.undated == 0  # a date filter leaves undated articles out of the results, and so out of here


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(sources=("Central Post",)), {"kg-1", "undated"}),
        (Filters(sources=("Central Post", "Daily Reprint")), {"kg-1", "undated", "kz-1"}),
        (Filters(date_from=date(2023, 2, 10)), {"kz-1"}),
        (Filters(date_to=date(2023, 2, 1)), {"kg-1"}),  # "to" includes the whole day
        (Filters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31), sources=("Daily Reprint",)), {"kz-1"}),
        (Filters(sources=("Nobody",)), set()),
    ],
)
def test_filters(engine, filters: Filters, expected: set[str]) -> None:
    assert set(_ids(engine.search("parliament", filters=filters))) == expected


def test_each_facet_ignores_its_own_filter(engine) -> None:
    results = engine.search("parliament", filters=Filters(sources=("Central Post",), date_from=date(2023, 2, 10)))
    assert _ids(results) == []
    assert results.facets.source == {"Daily Reprint": 1}  # other sources stay selectable
    assert results.facets.year == {"2023": 1}  # counted within the chosen source


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("newest", ["kz-1", "kg-1", "undated"]), ("oldest", ["kg-1", "kz-1", "undated"])],
)
def test_sort_by_date_puts_undated_last(engine, sort: str, expected: list[str]) -> None:
    assert _ids(engine.search("parliament", sort=sort)) == expected


def test_bad_sort_and_fuzzy_are_refused(engine) -> None:
    with pytest.raises(SearchError):
        engine.search("water", sort="popular")
    with pytest.raises(SearchError):
        engine.search("water", fuzzy="always")


@pytest.mark.parametrize(
    ("q", "suggestion", "expected"),
    [
        ("parliment", "parliament", {"kg-1", "kz-1", "undated"}),
        ("pensons", "pensions", {"kg-1", "undated"}),
        ("kazakstan", None, {"kg-2", "story-1", "story-2", "story-3"}),  # a synonym, not a typo
        ("irigation", "irrigation", {"story-1", "dam-1"}),
        ("goverments", "governments", {"story-2"}),  # the stem "goverment" is 3 edits from "govern"
    ],
)
def test_misspelled_queries_are_tolerated_and_corrected(engine, q: str, suggestion, expected) -> None:
    results = engine.search(q, collapse=False)
    assert results.suggestion == suggestion
    assert expected <= set(_ids(results))


def test_a_typo_tolerant_word_builds_its_automaton_once(built_index: Path) -> None:
    from whoosh.codec.base import Automata

    from indexer.index import store
    from indexer.index.codec.reader import _levenshtein_dfa

    _levenshtein_dfa.cache_clear()
    with store.open_index(built_index).reader() as reader:
        word = next(w.decode() for w in reader.lexicon("body") if len(w) > 6)
        typo = word[:-1]
        near = {field: set(reader.terms_within(field, typo, 2)) for field in ("title", "body", "words")}
        # Looked up in every field (and segment): the automaton was built once, and finds what Whoosh's finds.
        assert _levenshtein_dfa.cache_info().misses == 1 and _levenshtein_dfa.cache_info().hits >= 2
        assert word in near["body"] and near["body"] == set(Automata().terms_within(reader.cursor("body"), typo, 2))


def test_fuzzy_is_reported_and_can_be_switched_off(engine) -> None:
    results = engine.search("parliment")
    assert results.fuzzy_applied and results.total == 3
    assert any("<mark>" in f for h in results.hits for f in h.highlights["body"])
    exact = engine.search("parliment", fuzzy="off")
    assert not exact.fuzzy_applied and exact.total == 0 and exact.suggestion == "parliament"
    assert not engine.search("parliament").fuzzy_applied


def test_a_misspelt_word_is_searched_as_corrected_when_too_few_articles_have_every_word(engine) -> None:
    # No article has "parliment": as typed, the query was relaxed to "pensions" and then made typo-tolerant,
    # which let in kz-1 (parliament alone). Corrected, both words are searched for and the two that have both
    # answer.
    results = engine.search("parliment pensions")
    assert results.corrected == "parliament pensions" and results.fuzzy_applied
    assert sorted(h.id for h in results.hits) == ["kg-1", "undated"]
    assert results.to_dict()["corrected"] == "parliament pensions"
    typed = engine.search("parliment pensions", fuzzy="off")
    assert typed.corrected is None and typed.suggestion == "parliament pensions"
    assert engine.search("parliament pensions").corrected is None


def test_a_correction_longer_than_a_query_may_be_is_offered_not_searched(engine, monkeypatch) -> None:
    monkeypatch.setattr(search_request, "MAX_QUERY_CHARS", len("parliment pensions"))
    results = engine.search("parliment pensions")  # its correction is one character longer: no error
    assert results.corrected is None and results.suggestion == "parliament pensions"


def test_suggestion_keeps_operators_and_fields(engine) -> None:
    assert engine.search("title:budgett -pensons").suggestion == "title:budget -pensions"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kirghizia", {"kg-1", "kg-2"}),
        ("Kyrgyzstan", {"kg-1", "kg-2"}),
        ('"kyrgyz republic"', {"kg-1", "kg-2"}),
        ("Tokaev", {"kg-2", "kz-1"}),
        ("Tokayev", {"kg-2", "kz-1"}),
    ],
)
def test_name_variants_find_each_other(engine, q: str, expected: set[str]) -> None:
    assert set(_ids(engine.search(q))) == expected


def test_known_variants_are_not_corrected(engine, plain_engine) -> None:
    assert engine.search("Kirgizia budget").suggestion is None  # a variant from the synonyms file
    assert plain_engine.search("Kirgizia budget").suggestion == "Kirghizia budget"


def test_synonyms_can_be_replaced(engine, plain_engine) -> None:
    assert set(_ids(engine.search("Tokaev", fuzzy="off"))) == {"kz-1", "kg-2"}
    assert set(_ids(plain_engine.search("Tokaev", fuzzy="off"))) == {"kz-1"}


def test_results_convert_to_plain_data_as_asdict_does(engine) -> None:
    results = engine.search("water")  # hits with near-duplicates, facets, a timeline
    assert any(h.similar.articles for h in results.hits)
    assert plain(results) == asdict(results)
    document = engine.document(results.hits[0].id)
    assert document is not None and document.to_dict() == asdict(document)


def test_near_duplicates_fold_into_one_hit(engine) -> None:
    results = engine.search("water")
    assert results.total == 2
    [story] = [h for h in results.hits if h.id in STORY_IDS]
    assert story.similar.count == 2 and set(story.similar.ids) == STORY_IDS - {story.id}
    assert {a.title for a in story.similar.articles} >= {"Ministers agree water releases for summer"} - {story.title}
    [dam] = [h for h in results.hits if h.id == "dam-1"]
    assert dam.similar.count == 0
    expanded = engine.search("water", collapse=False)
    assert expanded.total == 4 and all(h.similar.count == 0 for h in expanded.hits)


def test_folding_works_across_pages(engine) -> None:
    pages = [engine.search("water", page=p, per_page=1) for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [1, 1, 0] and pages[0].total == 2
    assert {pages[0].hits[0].id, pages[1].hits[0].id} & {"dam-1"}


def test_folding_within_filters(engine) -> None:
    results = engine.search("water", filters=Filters(sources=("Daily Reprint",)))
    assert _ids(results) == ["story-2"] and results.hits[0].similar.count == 0


def test_autocomplete_terms_then_titles(engine) -> None:
    found = engine.suggest("tok")
    terms = [s.text for s in found if s.kind == "term"]
    titles = {s.id for s in found if s.kind == "title"}
    assert set(terms) == {"tokayev", "tokaev"}
    assert titles == {"kz-1"}  # "Tokaev addresses the nation"; kg-2 names Tokayev in its body only
    assert [s.text for s in engine.suggest("president tok") if s.kind == "term"][0].startswith("president tok")


@pytest.mark.parametrize("q", ["", "t", "*", "   ", "\x00", "((", "zzzzzz", "tok ", "tok*"])
def test_autocomplete_of_odd_input_is_empty(engine, q: str) -> None:
    assert engine.suggest(q) == []


@pytest.mark.parametrize("q", ["((tok", "tok\x00", "  TOK", "-tok"])
def test_autocomplete_reads_the_last_word_through_odd_input(engine, q: str) -> None:
    assert {s.text.strip("(- ").lower() for s in engine.suggest(q) if s.kind == "term"} == {"tokayev", "tokaev"}


def test_autocomplete_refuses_input_longer_than_a_query(engine) -> None:
    with pytest.raises(SearchError):
        engine.suggest("x" * 1000)


def test_related_articles_skip_copies_of_the_story(engine) -> None:
    found = engine.related("story-1")
    assert found is not None and [r.id for r in found] == ["dam-1"]
    assert engine.related("missing") is None
    parliament = engine.related("kg-1")
    assert parliament and {r.id for r in parliament} <= {"undated", "kz-1", "kg-2"}


def test_an_index_from_before_the_features_still_answers(tmp_path: Path, open_engine) -> None:
    from whoosh import index as whoosh_index

    from indexer.index.schema import get_schema

    schema = get_schema()
    schema.remove("words")
    schema.remove("minhash")
    folder = tmp_path / "gen-old"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as writer:
        writer.add_document(id="a", title="Water talks", body="Water ministers met.", source_name="X")
        writer.add_document(id="b", title="Water talks", body="Water ministers met.", source_name="X")
    (tmp_path / "current").symlink_to("gen-old")
    engine = open_engine(tmp_path)
    results = engine.search("watr")
    assert results.suggestion is None and results.total == 0
    assert engine.search("water").total == 2  # nothing to fold by
    assert engine.suggest("wat") == [] and [r.id for r in engine.related("a")] == ["b"]


@pytest.mark.parametrize("q", ["parliament", "water OR parliament OR treaty", "president", "dam summer", "budget"])
def test_facets_from_the_ranking_pass_equal_a_separate_count(plain_engine, features_index: Path, q: str) -> None:
    from indexer.search.facets import count

    results = plain_engine.search(q, collapse=False, per_page=1, fuzzy="off")
    cache = SearcherCache(features_index)
    searcher = cache.get()
    facets, timeline, matched = count(searcher, parse_query(q), Filters())
    assert results.total == matched == len(list(searcher.docs_for_query(parse_query(q)))) > 0
    assert (results.facets, results.timeline) == (facets, timeline)
    cache.close()


@pytest.mark.parametrize("collapse", [True, False])
@pytest.mark.parametrize("q", ["water", "parliament", "summer water", "pensions OR water"])
def test_facets_timeline_and_articles_count_the_same_articles(engine, q: str, collapse: bool) -> None:
    results = engine.search(q, collapse=collapse)
    assert results.articles > 0
    assert sum(results.facets.year.values()) + results.timeline.undated == results.articles
    assert sum(b.count for b in results.timeline.buckets) + results.timeline.undated == results.articles
    assert sum(results.facets.source.values()) == results.articles  # every article here names its source
    # Only the total folds copies of a story into one: fewer stories than articles, never more.
    assert results.total == results.articles if not collapse else results.total <= results.articles


def test_the_page_the_api_and_the_cli_say_stories_and_articles_when_copies_fold(
    features_client, runner, features_index: Path
) -> None:
    data = features_client.get("/api/search?q=water").get_json()
    assert (data["total"]["value"], data["articles"]) == (2, 4)
    assert sum(data["facets"]["source"].values()) == 4
    page = features_client.get("/?q=water").get_data(as_text=True)
    assert "2 stories (4 articles) for" in " ".join(page.split())
    unfolded = features_client.get("/?q=water&collapse=off").get_data(as_text=True)
    assert "4 results for" in " ".join(unfolded.split())
    out = runner.invoke(cli, ["search", "water", "--index", str(features_index)]).output
    assert "2 stories (4 articles) for 'water'" in out


def test_with_a_filter_the_timeline_and_the_other_facets_count_the_filtered_articles(engine) -> None:
    results = engine.search("water OR parliament", filters=Filters(sources=("Central Post",)))
    assert results.articles == 3  # story-3, kg-1 and the undated note
    assert sum(b.count for b in results.timeline.buckets) + results.timeline.undated == results.articles
    assert sum(results.facets.year.values()) + results.timeline.undated == results.articles
