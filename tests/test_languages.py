"""Every article in its own language (issue 17): detection, analysis per language, Japanese and Chinese words found
inside sentences, the language facet and filter on the API, the page and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import Stemmer
from click.testing import CliRunner
from whoosh.query import Or

from bench.shared import DATA
from indexer.clean.language import _identifier, article_language, detect_language, language_code, plainly_english
from indexer.cli import cli
from indexer.index.batch import BatchAnalyzer
from indexer.index.build import reindex
from indexer.index.languages import SNOWBALL, LanguageAnalyzer, analyzer_for, stop_terms
from indexer.index.schema import get_schema
from indexer.search import Filters
from indexer.search.languages import query_languages
from indexer.search.parse import parse
from webapp import create_app

ARTICLES = [
    {
        "id": "ja-1",
        "title": "政府が新しい方針を発表",
        "text": "政府は昨日、新しい経済政策を発表しました。首相は記者会見で、地方の雇用を守るために予算を増やすと"
        "述べました。専門家は、この政策が来年の景気を支えると見ています。",
    },
    {
        "id": "zh-1",
        "title": "国家统计局发布最新数据",
        "text": "国家统计局今天发布数据显示，今年前三季度国民经济运行总体平稳，就业形势保持稳定，居民消费价格温和"
        "上涨。专家认为，下一阶段应继续扩大内需。",
    },
    {
        "id": "ru-1",
        "title": "Итоги региональных выборов",
        "text": "В воскресенье в нескольких регионах России прошли выборах губернаторов. Наблюдатели отметили высокую "
        "явку избирателей и спокойную обстановку на участках. Результаты будут объявлены во вторник.",
    },
    {
        "id": "en-1",
        "title": "Harbour reopens after storm",
        "text": "The harbour reopened on Monday after the storm damaged two piers. Fishermen said the repairs were "
        "finished faster than expected, and the first boats left before dawn.",
    },
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four articles in one JSONL export, no language declared."""
    base = tmp_path_factory.mktemp("languages")
    (base / "corpus").mkdir()
    lines = [json.dumps(article, ensure_ascii=False) for article in ARTICLES]
    (base / "corpus" / "world.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    reindex(base / "corpus", base / "index")
    return base / "index"


@pytest.mark.parametrize(
    ("text", "lang"),
    [(a["title"] + " " + a["text"], a["id"][:2]) for a in ARTICLES]
    + [
        ("Le gouvernement a présenté mardi un nouveau projet de loi sur les retraites.", "fr"),
        ("Die Bundesregierung hat am Dienstag einen neuen Gesetzentwurf vorgestellt.", "de"),
        ("أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني", "ar"),
    ],
)
def test_the_language_of_an_article_is_detected(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.needs_data("news-bbc", "news-multilingual")
def test_the_english_shortcut_agrees_with_the_model_and_takes_no_other_language() -> None:
    samples = {"bbc": [], "other": []}
    with open(DATA / "news-bbc" / "bbc.jsonl", encoding="utf-8") as lines:
        samples["bbc"] = [f"{r['title']}\n{r['text']}"[:300] for r in map(json.loads, lines)][:400]
    for path in sorted((DATA / "news-multilingual").glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            samples["other"] += [f"{r['title']}\n{r['text']}"[:300] for r in map(json.loads, lines)][:200]
    taken = [s for s in samples["bbc"] if plainly_english(s)]
    assert len(taken) > 200  # it spares the model on most English news (253 of these 400)
    assert {_identifier().classify(s)[0] for s in taken} == {"en"}
    assert not any(plainly_english(s) for s in samples["other"])
    assert not plainly_english("The " * 30 + "é")  # ASCII only
    assert not plainly_english("the of and to in a")  # too few words


def test_a_declared_language_wins_and_codes_are_normalised() -> None:
    assert article_language("en-US", "Титул", "Текст на русском языке о выборах") == "en"
    assert article_language("not a code!", "Титул", "Текст на русском языке о выборах") == "ru"
    assert [language_code(c) for c in ("zh-Hans", "jpn", "pt_BR", "", None, "x")] == [
        "zh",
        "ja",
        "pt",
        None,
        None,
        None,
    ]
    # A headline too short for the model is read by its script, not guessed as Latin or Welsh.
    assert detect_language("Two Square-Root Approximations") == "en"
    assert detect_language("東京") in {"ja", "zh"}


def test_each_language_is_analysed_in_its_own_way() -> None:
    def terms(text: str, lang: str) -> list[str]:
        return [t.text for t in analyzer_for(lang)(text)]

    assert terms("行った", "ja") == ["行く", "た"]  # dictionary forms
    assert terms("経済政策", "ja") == ["経済", "政策"]
    assert terms("国民经济", "zh") == ["国民", "民经", "经济"]  # bigrams, as Elasticsearch's cjk analyzer
    assert terms("России Россия", "ru") == ["росс", "росс"]  # stemmed
    assert terms("élections présidentielles", "fr") == ["elect", "presidentiel"]  # stemmed, then accents folded
    assert terms("governments", "en") == ["govern"]
    assert terms("Қазақстан", "kk") == ["қазақстан"]  # no stemmer: lowercased words
    assert "и" in stop_terms("ru") and "の" in stop_terms("ja")


def test_every_snowball_language_has_its_stemmer_installed() -> None:
    assert set(SNOWBALL.values()) <= set(Stemmer.algorithms())


def test_batch_analysis_equals_whoosh_analysis_in_every_language() -> None:
    schema = get_schema()
    docs = [{"title": a["title"], "body": a["text"], "language": a["id"][:2]} for a in ARTICLES]
    analysed = BatchAnalyzer(schema).items(docs)
    for doc, items in zip(docs, analysed, strict=True):
        for name in ("title", "body"):
            expected = list(schema[name].index(doc[name], lang=doc["language"]))
            assert sorted(items[name]) == sorted(expected), (doc["language"], name)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("経済", "ja-1"), ("予算", "ja-1"), ("景気", "ja-1"), ("述べる", "ja-1"), ("经济", "zh-1"), ("内需", "zh-1"),
     ("统计局", "zh-1"), ("выборы", "ru-1"), ("избиратели", "ru-1"), ("piers", "en-1"), ("expected boats", "en-1")],
)  # fmt: skip
def test_a_word_from_the_middle_of_a_sentence_finds_its_article(index: Path, open_engine, query, expected) -> None:
    results = open_engine(index).search(query)
    assert [h.id for h in results.hits][:1] == [expected]


def test_the_language_is_stored_faceted_and_filtered(index: Path, open_engine) -> None:
    engine = open_engine(index)
    assert {engine.document(a["id"]).language for a in ARTICLES} == {"ja", "zh", "ru", "en"}
    everything = engine.search("政府 OR 经济 OR выборы OR harbour")
    assert everything.facets.fields["language"] == {"en": 1, "ja": 1, "ru": 1, "zh": 1}
    only = engine.search("政府 OR 经济 OR выборы OR harbour", filters=Filters(fields=(("language", ("ja",)),)))
    assert [h.id for h in only.hits] == ["ja-1"]


def test_japanese_and_chinese_words_are_highlighted(index: Path, open_engine) -> None:
    engine = open_engine(index)
    ja = engine.search("経済").hits[0]
    assert "<mark>経済</mark>" in " ".join(ja.highlights["body"])
    zh = engine.search("经济").hits[0]
    assert "<mark>经济</mark>" in " ".join(zh.highlights["body"])


def test_words_without_spaces_get_no_typo_tolerance(index: Path, open_engine) -> None:
    results = open_engine(index).search("経費")  # one character from 経済: another word
    assert results.total == 0 and not results.fuzzy_applied and results.suggestion is None


def test_a_query_is_read_in_every_language_the_index_holds() -> None:
    query, _ = parse("выборы", ("en", "ru"))
    words = {t.text for t in query.leaves()}
    assert {"выборы", "выбор"} <= words  # unstemmed for English, stemmed for Russian
    assert isinstance(query, Or)


def test_the_api_page_and_cli_filter_on_language(index: Path) -> None:
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    data = client.get("/api/search?q=经济 OR harbour&filter=language:zh").get_json()
    assert [h["id"] for h in data["hits"]] == ["zh-1"]
    assert data["facets"]["fields"]["language"] == {"en": 1, "zh": 1}
    page = client.get("/?q=经济 OR harbour").get_data(as_text=True)
    assert "filter=language%3Azh" in page or "filter=language:zh" in page
    out = CliRunner().invoke(cli, ["search", "--index", str(index), "--filter", "language:ru", "выборы"])
    assert out.exit_code == 0, out.output
    assert "Итоги региональных выборов" in out.output


def test_a_jsonl_lang_field_and_html_lang_override_detection(tmp_path: Path, open_engine) -> None:
    (tmp_path / "corpus").mkdir()
    record = {"id": "declared", "title": "政府が発表", "text": ARTICLES[0]["text"], "lang": "zh"}
    (tmp_path / "corpus" / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    page = f'<html lang="ja-JP"><head><title>国家统计局</title></head><body><article><p>{ARTICLES[1]["text"]}</p>'
    (tmp_path / "corpus" / "page.html").write_text(page + "</article></body></html>", "utf-8")
    reindex(tmp_path / "corpus", tmp_path / "index")
    engine = open_engine(tmp_path / "index")
    assert engine.document("declared").language == "zh"
    assert engine.document("page").language == "ja"


def test_the_analyzer_follows_the_language_passed() -> None:
    analyzer = LanguageAnalyzer()
    assert [t.text for t in analyzer("России", lang="ru")] == ["росс"]
    assert [t.text for t in analyzer("России")] == ["россии"]  # no language: English, which does not stem it


def test_suggestions_corrections_and_typo_tolerance_work_in_russian(index: Path, open_engine) -> None:
    engine = open_engine(index)
    assert "выборах" in [s.text for s in engine.suggest("выбо") if s.kind == "term"]
    found = engine.search("избиратели губернаторов")  # neither word is in the text as typed, both are stemmed
    assert [h.id for h in found.hits] == ["ru-1"] and found.unknown_words == []
    typo = engine.search("губернатаров")  # one letter off: found through its near spelling
    assert [h.id for h in typo.hits] == ["ru-1"] and typo.fuzzy_applied


def test_japanese_and_chinese_words_complete_as_typed(index: Path, open_engine) -> None:
    engine = open_engine(index)
    assert ("経済", "term") in [(s.text, s.kind) for s in engine.suggest("経済")]
    assert ("统计", "term") in [(s.text, s.kind) for s in engine.suggest("统计")]


def test_a_query_is_read_in_its_own_language_when_long_enough(index: Path, open_engine) -> None:
    searcher = open_engine(index)._searchers.get()
    assert query_languages(searcher, Filters(), "выборы губернаторов в нескольких регионах") == ("ru",)
    assert set(query_languages(searcher, Filters(), "выборы")) == {"en", "ja", "ru", "zh"}  # short: every language
    assert query_languages(searcher, Filters(fields=(("language", ("ja",)),)), "выборы") == ("ja",)
