from __future__ import annotations

import random

import pytest

from bench import corpus as corpus_mod
from indexer.index.dedup import BANDS, ROWS, THRESHOLD, leaders, shingles, signature, similarity
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


def test_leaders_fold_into_the_first_of_each_group() -> None:
    other = signature("Something else entirely, about pensions and parliament debates.")
    assert leaders([signature(STORY), other, signature(STORY + " One more sentence."), b""]) == [None, None, 0, None]
    assert leaders([b"", signature(STORY), signature(STORY)]) == [None, None, 1]  # no body: never folded
    assert leaders([]) == [] and leaders([signature(STORY)]) == [None]


def sequential_leaders(signatures: list[bytes]) -> list[int | None]:
    """The definition, one document at a time: the first earlier leader sharing a band (bands in order, leaders
    in rank order) that is similar enough."""
    width = ROWS * 2
    buckets: dict[tuple[int, bytes], list[int]] = {}
    found: list[int | None] = []
    for i, sig in enumerate(signatures):
        keys = [(b, sig[b * width : (b + 1) * width]) for b in range(BANDS)] if sig else []
        lead = next(
            (o for key in keys for o in buckets.get(key, ()) if similarity(sig, signatures[o]) >= THRESHOLD), None
        )
        found.append(lead)
        if lead is None:
            for key in keys:
                buckets.setdefault(key, []).append(i)
    return found


@pytest.mark.needs_data("news-bbc", "news-agnews-test")
def test_leaders_match_the_one_by_one_definition_on_real_news() -> None:
    """Stories, reprints with a sentence added, and rewrites that share part of a story (near the threshold)."""
    rng = random.Random(4)
    paragraphs = corpus_mod.load_pool().long_paragraphs[:400]
    stories = [" ".join(paragraphs[i : i + 3]) for i in range(0, 240, 3)]
    texts = list(stories)
    for story in rng.sample(stories, 40):
        texts.append(story + " " + rng.choice(paragraphs)[:120])
        parts = story.split(". ")
        texts.append(". ".join(parts[: max(1, len(parts) * 2 // 3)] + [rng.choice(paragraphs)]))
    rng.shuffle(texts)
    signatures = [signature(t) for t in texts] + [b""]
    found = leaders(signatures)
    assert found == sequential_leaders(signatures)
    assert sum(lead is not None for lead in found) >= 40
