from __future__ import annotations

import pytest

from indexer.normalize import derive_title, normalize_inline, normalize_text, paragraphs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a \t b  ", "a b"),
        ("cafe\u0301", "café"),  # NFC
        ("zero\u200bwidth\x07bell", "zerowidthbell"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_normalize_inline(raw: str, expected: str) -> None:
    assert normalize_inline(raw) == expected


def test_normalize_text_keeps_paragraphs_and_collapses_blank_lines() -> None:
    raw = "\r\n\r\nFirst  line\r\n\r\n\r\n  second\tline \nthird\x00\n\n"
    assert normalize_text(raw) == "First line\n\nsecond line\n\nthird"
    assert paragraphs(normalize_text(raw)) == ["First line", "second line", "third"]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("Short first sentence. Then more.", "Short first sentence."),
        ("A question? Yes.", "A question?"),
        ("No punctuation at all", "No punctuation at all"),
        (
            "Leaders from Japan and five Central Asian countries are poised to stress the importance of the rule "
            "of law in a joint statement.",
            "Leaders from Japan and five Central Asian countries are poised to stress the importance…",
        ),
        ("", ""),
    ],
)
def test_derive_title(body: str, title: str) -> None:
    assert derive_title(body) == title


def test_derived_title_is_cut_at_a_word_within_the_limit() -> None:
    body = " ".join(["word"] * 60) + "."
    title = derive_title(body)
    assert len(title) <= 100
    assert title.endswith("word…")
