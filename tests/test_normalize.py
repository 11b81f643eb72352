from __future__ import annotations

import pytest

from indexer.clean.normalize import (
    derive_title,
    normalize_inline,
    normalize_text,
    paragraphs,
    repair_text,
    unwrap_lines,
)


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("itâ€™s â€œfineâ€\x9d", "it’s “fine”"),  # UTF-8 read as cp1252
        ("CafÃ© owners", "Café owners"),
        ("Tom &amp; Jerry &quot;quoted&quot; &#8212; &eacute;t&eacute;", 'Tom & Jerry "quoted" — été'),
        ("Japan’s “plus” – ok", "Japan’s “plus” – ok"),  # typographic quotes are kept
        ("東京　ＡＢＣ", "東京　ＡＢＣ"),  # full-width characters are kept
        ("plain ASCII text", "plain ASCII text"),
        ("a &lt;b&gt; tag &amp;c", "a &lt;b&gt; tag &c"),  # spelt-out markup stays spelt out, never becomes a tag
    ],
)
def test_repair_text(raw: str, expected: str) -> None:
    assert repair_text(raw) == expected


def test_soft_hyphens_and_zero_width_characters_leave_a_body() -> None:
    text = "inter\u00adnational\u200b news\ufeff\n\nzero\u2060width"
    assert normalize_text(text) == "international news\n\nzerowidth"


_WRAPPED = """Leaders from Japan and five Central Asian countries are poised to
stress the importance of the rule of law in a joint statement to be
issued at a summit next week, according to officials familiar with
the plan.

The statement will also cover energy and water, which have long been
sources of tension in the region."""


def test_unwrap_lines_joins_hard_wrapped_paragraphs() -> None:
    assert paragraphs(normalize_text(unwrap_lines(_WRAPPED))) == [
        "Leaders from Japan and five Central Asian countries are poised to stress the importance of the rule of "
        "law in a joint statement to be issued at a summit next week, according to officials familiar with the plan.",
        "The statement will also cover energy and water, which have long been sources of tension in the region.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Short line\nAnother short line\nThird\nFourth",  # not wrapped: short lines are separate paragraphs
        "One long paragraph per line " * 8 + "\n" + "Another paragraph on its own line " * 8,
        "Title\n\nBody.",
    ],
)
def test_unwrap_lines_leaves_unwrapped_text_alone(text: str) -> None:
    assert unwrap_lines(text) == text


def test_unwrap_keeps_a_line_end_hyphen() -> None:
    text = (
        "The long-awaited report on the state of the economy was well-\n"
        "received by economists and by the markets alike when it was\n"
        "published on Friday morning in the capital city of the nation\n"
        "after a delay of several weeks."
    )
    assert unwrap_lines(text) == (
        "The long-awaited report on the state of the economy was well-received by economists and by the markets "
        "alike when it was published on Friday morning in the capital city of the nation after a delay of several "
        "weeks."
    )
