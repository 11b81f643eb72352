from __future__ import annotations

from indexer.dedup import THRESHOLD, Grouper, shingles, signature, similarity
from tests.conftest import STORY


def test_shingles_are_word_ngrams() -> None:
    assert shingles("One two three four five") == {b"one two three four", b"two three four five"}
    assert shingles("Short text") == {b"short text"}
    assert shingles("  ") == set()


def test_signature_is_stable_and_compact() -> None:
    assert signature(STORY) == signature(STORY) and len(signature(STORY)) == 128
    assert signature("") == b""


def test_similarity_separates_copies_from_other_stories() -> None:
    reprint = signature(STORY + " The agreement still needs approval.")
    edited = signature(STORY.replace("Monday", "Tuesday").replace("dry winter", "very dry winter"))
    other = signature("Tajikistan said construction of the Rogun dam is ahead of schedule on the Vakhsh river.")
    original = signature(STORY)
    assert similarity(original, reprint) >= THRESHOLD
    assert similarity(original, edited) >= THRESHOLD
    assert similarity(original, other) < 0.2
    assert similarity(original, b"") == 0.0


def test_grouper_folds_into_the_first_of_each_group() -> None:
    grouper = Grouper()
    assert grouper.leader(1, signature(STORY)) is None
    assert grouper.leader(2, signature("Something else entirely, about pensions and parliament debates.")) is None
    assert grouper.leader(3, signature(STORY + " One more sentence.")) == 1
    assert grouper.leader(4, b"") is None  # no body, no signature: never folded
