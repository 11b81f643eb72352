"""The multilingual known-item benchmark: its word pickers per language, its query rules, and a tiny real run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import multilingual
from bench.multilingual_systems import Query, _fts5_match
from bench.multilingual_words import LANGUAGES, document_frequency, middle, picker


@pytest.mark.parametrize(
    ("lang", "text", "present", "absent"),
    [
        # Dictionary forms (買っ -> 買う); no particles, auxiliaries, pronouns, numerals or する.
        (
            "ja",
            "新しいスマートフォンを発表しました。彼は3台買った。",
            {"新しい", "スマートフォン", "発表", "買う"},
            {"する", "ます", "彼", "3", "を"},
        ),
        # jieba's words, not character bigrams; no particles, prepositions or numbers.
        (
            "zh",
            "国家主席习近平今天在人民大会堂会见了美国总统。两国交换了3项意见。",
            {"习近平", "美国", "总统"},
            {"了", "在", "3", "国家主", "两"},
        ),
        (
            "ru",
            "Они купили новые квартиры в Москве.",
            {"купить", "новый", "квартира", "москва"},
            {"они", "в", "купили"},
        ),
        ("de", "Die Häuser wurden 2019 schnell verkauft.", {"haus", "verkaufen", "schnell"}, {"die", "wurden", "2019"}),
        (
            "fr",
            "Les enfants mangeaient des pommes à l'école.",
            {"enfant", "manger", "pomme", "école"},
            {"les", "des", "l'école"},
        ),
        (
            "es",
            "Las ciudades crecieron *NUMBER* veces más rápido.",
            {"ciudad", "crecer", "rápido"},
            {"las", "number", "más", "vez", "veces"},
        ),
        # As they appear, harakat taken out; stop words and Latin words skipped.
        ("ar", "ذَهَبَ الرجلُ إلى المدرسة في Paris", {"ذهب", "الرجل", "المدرسة"}, {"إلى", "في", "paris", "Paris"}),
    ],
)
def test_each_language_picks_its_content_words(lang: str, text: str, present: set[str], absent: set[str]) -> None:
    words = set(picker(lang)(text))
    assert present <= words, words
    assert not absent & words, words


def test_every_benchmark_language_has_a_picker_and_others_are_refused() -> None:
    assert all(callable(picker(lang)) for lang in LANGUAGES)
    with pytest.raises(ValueError, match="no word picker"):
        picker("xx")


def test_the_middle_third_ends_at_word_boundaries() -> None:
    text = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"
    part = middle(text)
    assert part.strip() and part.strip() in text
    assert all(word in text.split() for word in part.split())
    assert "alpha" not in part and "lima" not in part


def test_document_frequency_counts_each_text_once() -> None:
    df = document_frequency(["Häuser und Häuser", "ein Haus", "kein Garten"], picker("de"))
    assert df["haus"] == 2 and df["garten"] == 1


def _news(n: int) -> dict[str, list[dict]]:
    """German articles sharing the word 'regierung' everywhere, each with two words of its own in its middle."""
    own = ["apfel birne", "kirsche pflaume", "melone banane", "traube mango", "zitrone orange"]
    return {
        "de": [
            {
                "id": f"de-{i}",
                "lang": "de",
                "title": "",
                "text": f"Regierung Regierung Regierung {own[i % 5]} Regierung{i} Regierung Regierung Regierung",
            }
            for i in range(n)
        ]
    }


def test_queries_take_rare_words_from_the_articles_middle_and_repeat_with_the_seed() -> None:
    news = _news(5)
    queries = multilingual.pick_queries(news, per_language=3, seed=1)
    assert len(queries) == 3 and queries == multilingual.pick_queries(news, per_language=3, seed=1)
    texts = {r["id"]: r["text"] for r in news["de"]}
    for q in queries:
        assert len(set(q.words)) == 2 and "regierung" not in q.words  # in every article: never picked
        assert set(q.words) <= set(picker("de")(middle(texts[q.id])))


def test_an_article_without_two_rare_words_gives_no_query() -> None:
    news = {"de": [{"id": "a", "lang": "de", "text": "Regierung Regierung Regierung"}] * 3}
    assert multilingual.pick_queries(news, per_language=3, seed=1) == []


def test_the_corpus_files_do_not_tell_the_language(tmp_path: Path) -> None:
    folder = multilingual.write_corpus(_news(2), tmp_path / "corpus")
    records = [json.loads(line) for p in folder.glob("*.jsonl") for line in p.read_text("utf-8").splitlines()]
    assert len(records) == 2 and all("lang" not in r for r in records)
    assert [p.name for p in folder.iterdir()] == ["part-1.jsonl"]


def test_fts5_queries_quote_each_word() -> None:
    assert _fts5_match(('a"b', "NOT")) == '"a""b" AND "NOT"'


def test_scores_are_success_at_10_and_mrr_per_language_and_their_mean() -> None:
    queries = [Query("de", "1", ("a", "b")), Query("de", "2", ("c", "d")), Query("fr", "3", ("e", "f"))]
    figures = multilingual.scores(queries, [1, None, 4])
    assert figures["de"] == {"success@10": 0.5, "mrr": 0.5, "queries": 2}
    assert figures["fr"] == {"success@10": 1.0, "mrr": 0.25, "queries": 1}
    assert figures["mean"] == {"success@10": 0.75, "mrr": 0.375, "queries": 3}


def test_detection_counts_wrong_and_missing_languages() -> None:
    news = {"de": [{"id": "1"}, {"id": "2"}], "fr": [{"id": "3"}, {"id": "4"}]}
    found = multilingual.detection(news, {"1": "de", "2": "nl", "3": "fr", "4": None})
    assert found == {
        "accuracy": 0.5,
        "per_language": {"de": 0.5, "fr": 0.5},
        "wrong": {"de": {"nl": 1}, "fr": {"none": 1}},
    }


@pytest.mark.slow
@pytest.mark.needs_data("news-multilingual")
def test_a_tiny_run_reports_every_system_and_language(tmp_path: Path) -> None:
    code = multilingual.main(
        ["--languages", "ja,de", "--articles", "20", "--per-language", "4", "--seed", "3", "--out", str(tmp_path)]
    )
    assert code == 0
    results = json.loads((tmp_path / "multilingual.json").read_text("utf-8"))
    assert "| ja | 4 |" in (tmp_path / "multilingual.md").read_text("utf-8")
    assert results["articles"] == {"ja": 20, "de": 20}
    assert set(results["systems"]) == {"ours", "whoosh", "fts5"}
    for figures in results["systems"].values():
        assert figures["documents"] == 40 and figures["build_seconds"] > 0
        assert set(figures["scores"]) == {"ja", "de", "mean"}
        assert all(
            0 <= row["success@10"] <= 1 and 0 <= row["mrr"] <= row["success@10"] for row in figures["scores"].values()
        )
    assert set(results["detector"]["per_language"]) == {"ja", "de"}
    news = multilingual.read_news(multilingual.NEWS, ["ja", "de"], 20)
    texts = {r["id"]: r["text"] for records in news.values() for r in records}
    assert len(results["queries"]) == 8
    for q in results["queries"]:
        words = q["query"].split(" ")
        assert len(words) == 2 and set(q["ranks"]) == {"ours", "whoosh", "fts5"}
        assert set(words) <= set(picker(q["lang"])(middle(texts[q["id"]])))  # words of the article's middle
