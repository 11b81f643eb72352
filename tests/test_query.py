from __future__ import annotations

from pathlib import Path

import pytest

from indexer import settings
from indexer.index.analysis import news_analyzer
from indexer.search import Engine
from indexer.search.parse import parse_query
from indexer.search.query import (
    expand_synonyms,
    fuzzify,
    load_synonyms,
    max_edits,
    parse_synonyms,
    typos_tolerated,
)


def _terms(query) -> set[str]:
    return {text for _, text in query.iter_all_terms()}


@pytest.mark.parametrize(
    ("word", "edits"), [("japan", 1), ("tash", 0), ("kyrgyzstan", 2), ("summits", 1), ("a" * 41, 0)]
)
def test_typos_allowed_grow_with_word_length(word: str, edits: int) -> None:
    assert max_edits(word) == edits


def test_synonyms_format() -> None:
    synonyms = parse_synonyms("# comment\nKyrgyzstan, Kirghizia, Kyrgyz Republic  # trailing\n\nlonely\nus, u.s.\n")
    dotted = tuple(t.text for t in news_analyzer()("u.s."))  # analysed exactly as the index analyses it
    assert synonyms.groups == ((("kyrgyzstan",), ("kirghizia",), ("kyrgyz", "republ")), (("us",), dotted))


def test_synonyms_expand_words_and_phrases() -> None:
    synonyms = parse_synonyms("tokayev, tokaev\nkyrgyzstan, kyrgyz republic")
    assert _terms(expand_synonyms(parse_query("Tokaev"), synonyms)) == {"tokayev", "tokaev"}
    assert _terms(expand_synonyms(parse_query('"kyrgyz republic"'), synonyms)) == {"kyrgyzstan", "kyrgyz", "republ"}
    assert _terms(expand_synonyms(parse_query("budget"), synonyms)) == {"budget"}


def test_fuzzy_terms_leave_excluded_words_exact() -> None:
    query = fuzzify(parse_query("parliment -tokaev"))
    text = str(query)
    assert "parliment~" in text and "tokaev~" not in text


def test_shipped_synonyms_file_is_the_default(tmp_path: Path) -> None:
    shipped = Path(settings.SYNONYMS_FILE.default)
    assert shipped.is_file() and shipped.parent.name == "indexer"
    groups = Engine(tmp_path).synonyms().groups
    assert (("kyrgyzstan",), ("kirghizia",)) == groups[0][:2]
    assert any(("tokayev",) in g and ("tokaev",) in g for g in groups)
    mine = tmp_path / "mine.txt"
    mine.write_text("budget, spending plan\n", "utf-8")
    assert Engine(tmp_path, mine).synonyms().groups == ((("budget",), ("spend", "plan")),)
    assert load_synonyms(tmp_path / "missing.txt").groups == ()
    assert Engine(tmp_path, None).synonyms().groups == ()


@pytest.mark.parametrize(
    ("typed", "suggestion", "searched"),
    [
        ("parliment pensions", "parliament pensions", True),  # nine letters: a typo is tolerated
        ("goverment spending", "government spending", True),
        ("taro", "tart", False),  # four letters: offered, never searched in its place
        ("alli budget", "all budget", False),
        ("title:budgett -pensons", "title:budget -pensions", True),
        ("parliament", "parliament", False),  # nothing changed
        ("new york", "newyork", False),  # the words do not line up
    ],
)
def test_a_suggestion_is_searched_only_where_each_changed_word_tolerates_a_typo(typed, suggestion, searched) -> None:
    assert typos_tolerated(typed, suggestion) is searched
