from __future__ import annotations

import pytest
from whoosh.query import Or
from whoosh.scoring import BM25F

from indexer import settings
from indexer.search import Engine, SearchRequest, SearchResults, searching
from indexer.search.parse import parse, parse_query
from indexer.search.query import load_synonyms
from indexer.search.ranking.model import RELAX_BELOW, query_words, relax, weighting
from indexer.search.searchers import SearcherCache


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
    assert found is not None and found[0] == [(word,) for word in words]


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


def test_a_word_said_again_weighs_the_times_said() -> None:
    """The parser's own normalising would keep a repeated word once, at the weight of a word said once."""
    query = parse_query("titles of articles: their titles (and the titles of reports)")
    boosts = {leaf.text: part.boost for part in query.children() for leaf in part.leaves()}
    assert boosts["titl"] == 3.0 and boosts["articl"] == 1.0
    assert parse_query('type (of type) "type').boost == 3.0  # broken syntax, read as words, counts them too
    relaxed = relax(query, 0)
    assert relaxed is not None
    assert {next(part.leaves()).text: part.boost for part in relaxed.children()} == {
        "titl": 3.0,
        "articl": 1.0,
        "report": 1.0,
    }


def test_weighting_is_bm25f() -> None:
    assert isinstance(weighting(), BM25F)


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


def _search(cache: SearcherCache, q: str, **options: object) -> SearchResults:
    """One page through the core's search function, with the bundled synonyms, on the cache's searcher."""
    synonyms = load_synonyms(settings.SYNONYMS_FILE.default)
    return searching.search(cache.get(), SearchRequest(q, **options), synonyms)  # type: ignore[arg-type]


def _index(tmp_path, records: list[dict]) -> SearcherCache:
    import json

    from indexer.index.build import reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    reindex(corpus, tmp_path / "index")
    return SearcherCache(tmp_path / "index")


PHRASES = [
    {"id": "who", "title": "The Who play Hyde Park", "text": "The band The Who played a long set on Saturday."},
    {"id": "who-not", "title": "Who runs the park?", "text": "Nobody knows who the park's new manager is."},
    {"id": "take-that", "title": "Take That announce a tour", "text": "The band Take That will tour in spring."},
    {"id": "take", "title": "Ministers take a stand", "text": "Ministers said that they would take action."},
    {"id": "hamlet", "title": "Hamlet returns", "text": "To be or not to be: the actor gave the line a new twist."},
    {"id": "not-hamlet", "title": "Plans", "text": "Plans not to be delayed, or to be changed, she said."},
    {"id": "no-stop", "title": "Rain", "text": "Rain fell. Crops grew."},
]


@pytest.mark.parametrize(
    ("q", "expected"),
    [('"The Who"', {"who"}), ('"Take That"', {"take-that"}), ('"to be or not to be"', {"hamlet"})],
)
def test_phrases_of_stop_words_match_exactly(tmp_path, q: str, expected: set[str]) -> None:

    cache = _index(tmp_path, PHRASES)
    results = _search(cache, q, fuzzy="off")
    cache.close()
    assert {h.id for h in results.hits} == expected and results.total == len(expected)


def test_a_query_of_stop_words_finds_the_articles_that_have_them(tmp_path) -> None:

    cache = _index(tmp_path, PHRASES)
    results = _search(cache, "the", per_page=100)
    cache.close()
    assert {h.id for h in results.hits} == {"who", "who-not", "take-that", "hamlet"}
    assert results.suggestion is None


def test_stop_words_carry_no_weight_among_other_words() -> None:
    words = query_words(parse_query("the history of the BBC"))
    assert words is not None and words[0] == [("histori",), ("bbc",)]


def _licence_fee_corpus() -> list[dict]:
    topics = ["budgets and staffing", "orchestras and regional radio", "sport rights and children's programmes"]
    full = [  # long articles, each different (near-duplicates would be folded), with each word once
        {
            "id": f"all-{n}",
            "title": f"Broadcasting review {n}",
            "text": f"Ministers met about {topic} on {day}. " * 30 + "The BBC said the licence fee would rise.",
        }
        for n, (topic, day) in enumerate(zip(topics, ["Monday", "Tuesday", "Friday"], strict=True))
    ]
    # Short articles with one of the words, repeated and in the title: plain BM25 puts them first.
    partial = [
        {"id": "fees", "title": "Parking fees anger drivers", "text": "Fees, fees and more fees: parking fees rose."},
        {"id": "bbc", "title": "BBC BBC", "text": "The BBC showed the BBC's new BBC drama on BBC One."},
        {"id": "licence", "title": "Licence to fish", "text": "A fishing licence. Licence checks. Licence fines."},
    ]
    return full + partial


def test_all_words_first_when_a_short_query_is_relaxed(tmp_path, monkeypatch) -> None:
    from indexer.search.ranking import coordination, model

    cache = _index(tmp_path, _licence_fee_corpus())
    ids = [h.id for h in _search(cache, "BBC licence fee", fuzzy="off").hits]
    assert sorted(ids[:3]) == ["all-0", "all-1", "all-2"] and len(ids) == 6
    # Without the rule, BM25 alone ranks a one-word article first: the corpus does test the rule.
    monkeypatch.setattr(model, "SHORT_QUERY_WORDS", 0)
    monkeypatch.setattr(coordination, "LONG_QUERY_COORD", 0.0)
    assert not [h.id for h in _search(cache, "BBC licence fee", fuzzy="off").hits][0].startswith("all-")
    cache.close()


def test_all_words_first_holds_in_an_index_of_several_languages(tmp_path) -> None:
    """Where the index also holds Russian, a Latin-script query is read in Russian too: ``licence`` is ``licenc``
    in English and ``licence`` as typed, two forms of one word, so the query still has three words, each meant."""
    towns = ["Твери", "Казани", "Самаре"]
    russian = [
        {
            "id": f"ru-{n}",
            "title": f"Выборы в {town}",
            "text": f"В воскресенье в {town} прошли выборы губернатора. Наблюдатели отметили высокую явку.",
        }
        for n, town in enumerate(towns)
    ]
    cache = _index(tmp_path, _licence_fee_corpus() + russian)
    query = parse("BBC licence fees", ("en", "ru"))[0]
    assert query_words(query)[0] == [("bbc",), ("licenc", "licence"), ("fee", "fees")]  # type: ignore[index]
    ids = [h.id for h in _search(cache, "BBC licence fees", fuzzy="off").hits]
    assert sorted(ids[:3]) == ["all-0", "all-1", "all-2"] and len(ids) == 6
    cache.close()


def test_an_index_built_without_stop_words_is_rebuilt(corpus, tmp_path, monkeypatch) -> None:
    from indexer.index import schema
    from indexer.index.build import reindex

    root = tmp_path / "index"
    monkeypatch.setattr(schema, "ANALYSIS_VERSION", 1)  # what an index from before stop words were kept says
    reindex(corpus, root)
    monkeypatch.undo()
    summary = reindex(corpus, root)
    assert summary.full and summary.documents == 6
    assert not reindex(corpus, root).full


@pytest.mark.parametrize(
    "q",
    [
        "what is information science? give definitions",  # a question mark ends a question, not a wildcard
        "distributed algorithms - concurrent programs",  # a dash between spaces is not NOT
        "MY DISSERTATION DOES NOT INCLUDE OBLIGATORY DISCLOSURE INFORMATION",  # capitals: NOT is a word
    ],
)
def test_typed_sentences_are_plain_words(q: str) -> None:
    assert query_words(parse_query(q)) is not None


def test_a_long_query_quoting_a_missing_title_relaxes_on_its_words() -> None:
    query = parse_query('abstracts of articles: J. Backus, "Can programming be liberated from the Von Neumann style"')
    relaxed = relax(query, 0)
    assert relaxed is not None and {"liber", "neumann", "backus"} <= {t.text for t in relaxed.leaves()}
    assert relax(query, 5) is None  # the phrase matched something: it is meant


def _topic_corpus() -> list[dict]:
    glaciers = [  # agreeing results: each article shares most of its words with the others
        {
            "id": f"ice-{n}",
            "title": f"Greenland glacier report {n}",
            "text": f"Greenland glacier ice sheet melting meltwater fjord calving season {n}. " * 3,
        }
        for n in range(12)
    ]
    mixed = [  # one word of the query each, otherwise nothing in common
        {"id": f"mix-{n}", "title": title, "text": text}
        for n, (title, text) in enumerate(
            [
                ("Football", "The ice on the pitch delayed kickoff for the cup final."),
                ("Markets", "Shares in a melting pot of tech stocks slid on Monday."),
                ("Cooking", "Sheet pan dinners are popular with busy parents."),
                ("Travel", "The season for cruises in the Caribbean starts soon."),
                ("Music", "A report on the orchestra budget was published."),
                ("Politics", "The glacier pace of reform frustrated voters in Leeds."),
                ("Science", "Meltwater samples from Mars rovers were analysed."),
                ("Health", "Calving cows need vets on call through the winter."),
                ("Tech", "A fjord-themed phone case sold out in hours."),
                ("Film", "The ice skating drama opened to strong reviews."),
                ("Books", "A season of readings begins at the city library."),
                ("Art", "The report praised the gallery's new sculpture wing."),
                ("Weather", "A sheet of rain hit the coast on Sunday."),
                ("Schools", "Exam season tests pupils and their parents."),
            ]
        )
    ]
    return glaciers + mixed


@pytest.mark.parametrize(
    ("query_text", "expanded"),
    [
        ("report on glacier ice sheet melting in the calving season", True),
        ("ice melting sheet season report pitch", False),  # ten matches, each about something else
    ],
)
def test_feedback_only_when_the_first_results_agree(tmp_path, query_text: str, expanded: bool) -> None:
    from indexer.search.ranking import feedback

    cache = _index(tmp_path, _topic_corpus() if expanded else _topic_corpus()[12:])
    searcher = cache.get()
    relaxed = relax(parse_query(query_text), 0)
    assert relaxed is not None
    top = [docnum for _, docnum in searcher.search(relaxed, limit=10).top_n]
    grown = feedback.expand(searcher, relaxed, top)
    cache.close()
    if expanded:
        assert grown is not None and "greenland" in {t.text for t in grown.leaves()}
    else:
        assert grown is None


def test_feedback_never_for_a_short_query(tmp_path) -> None:
    from indexer.search.ranking import feedback

    cache = _index(tmp_path, _topic_corpus())
    searcher = cache.get()
    relaxed = relax(parse_query("glacier ice melting"), 0)
    top = [docnum for _, docnum in searcher.search(relaxed, limit=10).top_n]
    assert len(top) == 10 and feedback.expand(searcher, relaxed, top) is None
    cache.close()


@pytest.mark.parametrize(("weight", "first"), [(0.1, "together"), (0.0, "apart")])
def test_a_long_query_ranks_its_words_side_by_side_first(tmp_path, monkeypatch, weight: float, first: str) -> None:
    from indexer.search.ranking import model

    texts = {  # the same words, the same length: without proximity they tie, and index order wins
        "apart": "Transfer rates of heat in hypersonic boundary layers were measured.",
        "together": "Heat transfer rates in the hypersonic boundary layers were measured.",
    }
    cache = _index(tmp_path, [{"id": key, "title": "Report", "text": text} for key, text in texts.items()])
    monkeypatch.setattr(model, "PROXIMITY", weight)
    relaxed = relax(parse_query("heat transfer in hypersonic boundary layers over cones"), 0)
    searcher = cache.get()
    top = [searcher.stored_fields(d)["id"] for _, d in searcher.search(model.with_proximity(relaxed)).top_n]
    cache.close()
    assert top[0] == first


def test_a_word_saturates_once_over_its_fields(tmp_path) -> None:
    """BM25F: a word in the title and the body is one frequency, saturated once (Whoosh's BM25F sums one BM25 per
    field, so the same word counted in two fields could score up to twice the cap)."""
    from whoosh.query import Term

    from indexer.search.ranking import model
    from indexer.search.ranking.arrays import score_all
    from indexer.search.ranking.fields import FieldsWord, word_idf

    records = [
        {"id": "both", "title": "Rail rail rail", "text": "Rail " * 12 + "news."},
        {"id": "body", "title": "Freight", "text": "Rail news about rail freight, rail and more rail."},
        *({"id": f"other-{n}", "title": f"Harvest {n}", "text": f"Crops grew in field {n}."} for n in range(4)),
    ]
    cache = _index(tmp_path, records)
    searcher = cache.get()
    terms = [Term("title", "rail"), Term("body", "rail")]
    cap = word_idf(searcher, terms) * (model.K1 + 1)
    bm25f, summed = score_all(searcher, FieldsWord(terms)), score_all(searcher, Or(terms))
    assert bm25f is not None and summed is not None
    both = searcher.document_number(id="both")
    at = {int(d): s for d, s in zip(bm25f.docs, bm25f.scores, strict=True)}
    summed_at = {int(d): s for d, s in zip(summed.docs, summed.scores, strict=True)}
    assert at[both] < cap < summed_at[both]
    assert max(at.values()) == at[both]  # still first: it has the word most, and in its title
    cache.close()


def test_a_headline_without_text_is_found_and_leaves_body_lengths_alone(tmp_path) -> None:
    """A title-only record is indexed (searchable by its title), and the body's mean length, which normalises
    every body's frequencies, is over the articles that have a body."""
    from indexer.search.ranking.fields import avg_length

    records = [
        {"id": "flash", "title": "Volcano erupts in Iceland"},
        {"id": "story", "title": "Harvest", "text": "Crops grew well this year in the valley."},
        {"id": "story-2", "title": "Rain", "text": "Rain fell on the valley for a week."},
    ]
    cache = _index(tmp_path, records)
    assert [h.id for h in _search(cache, "volcano").hits] == ["flash"]
    searcher = cache.get()
    assert avg_length(searcher, "body") == searcher.field_length("body") / 2
    cache.close()
