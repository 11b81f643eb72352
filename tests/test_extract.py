"""Main-content extraction: two candidates, the learned choice, the guard against a lost article, the rescue."""

from __future__ import annotations

import pytest
from lxml import etree

from indexer.clean import choose, extract
from indexer.clean.html import clean_html
from indexer.clean.normalize import normalize_text
from indexer.clean.render import render_body

_SENTENCE = (
    "the city council voted on Tuesday to expand the tram network to the northern districts, a plan that officials "
    "said would cut commuting times by a fifth and that opponents called too costly for a stretched budget."
)
_ARTICLE = "".join(f"<p>Paragraph {i}: {_SENTENCE}</p>" for i in range(8))
_ARTICLE_TEXT = "\n".join(f"Paragraph {i}: {_SENTENCE}" for i in range(8))


def _page(container: str) -> str:
    return (
        "<html><head><title>Trams</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"{container}<footer><a href='#top'>Scroll to top</a></footer></body></html>"
    )


@pytest.mark.parametrize(
    "container",
    [
        f'<div class="share-article">{_ARTICLE}</div>',
        f'<div class="related">{_ARTICLE}</div>',
        f'<div id="newsletter-signup" class="article-share-tools">{_ARTICLE}</div>',
        f'<section class="social-share"><div class="ad-container">{_ARTICLE}</div></section>',
    ],
)
def test_article_in_a_furniture_named_container_keeps_its_article(container: str) -> None:
    body = clean_html(_page(container)).body
    assert body.count("Paragraph") == 8
    assert "Scroll to top" not in body and "Sport" not in body


def test_the_guard_takes_the_candidate_that_kept_the_article() -> None:
    assert extract.keep_article("Scroll to top", _ARTICLE_TEXT) == _ARTICLE_TEXT
    assert extract.keep_article("Home News Sport World", _ARTICLE_TEXT) == _ARTICLE_TEXT
    # A shorter body that still holds most of the article is a trim, not a loss.
    trimmed = "\n".join(_ARTICLE_TEXT.split("\n")[:5])
    assert extract.keep_article(trimmed, _ARTICLE_TEXT) == trimmed
    # A short other candidate is no article to fall back on.
    assert extract.keep_article("Scroll to top", "Read more: other news today") == "Scroll to top"


def test_the_guard_overrides_the_model() -> None:
    stats = (200, len(_ARTICLE_TEXT) * 2, 40)
    always_menu = extract.combine("Scroll to top", _ARTICLE_TEXT, stats, lambda: "", probability=lambda _: 0.0)
    assert always_menu == _ARTICLE_TEXT
    unguarded = extract.combine("Scroll to top", _ARTICLE_TEXT, stats, lambda: "", lambda _: 0.0, guard=False)
    assert unguarded == "Scroll to top"


def test_rescue_runs_only_when_both_candidates_found_almost_nothing() -> None:
    page = (300, 6 * 2000, 100)  # 2,000 words of page text
    calls: list[int] = []

    def rescue() -> str:
        calls.append(1)
        return _ARTICLE_TEXT

    assert extract.combine("Home", "Menu", page, rescue, lambda _: 0.0) == _ARTICLE_TEXT
    assert calls == [1]
    assert extract.combine(_ARTICLE_TEXT, "Menu", page, rescue, lambda _: 0.0) == _ARTICLE_TEXT
    assert calls == [1]


@pytest.mark.parametrize(
    ("main", "alt", "probability", "expected"),
    [
        ("same text", "same text", 1.0, False),
        ("main text", "", 1.0, False),
        ("", "one two three four five six seven eight nine ten eleven", 0.0, True),
        ("", "Menu", 1.0, False),  # a line where trafilatura found nothing is not an article
        ("main text", "alt text", 0.9, True),
        ("main text", "alt text", 0.1, False),
    ],
)
def test_prefers_alt(main: str, alt: str, probability: float, expected: bool) -> None:
    assert choose.prefers_alt(main, alt, (10, 100, 10), lambda _: probability) is expected


def test_features_are_what_the_model_was_trained_on() -> None:
    row = choose.features(_ARTICLE_TEXT, "Home\nNews\n" + _ARTICLE_TEXT, (300, 12000, 600))
    assert len(row) == len(choose.FEATURES)
    named = dict(zip(choose.FEATURES, row, strict=True))
    assert named["main_in_alt"] == 1.0 and named["alt_in_main"] < 1.0
    assert named["short_lines_alt"] > named["short_lines_main"] == 0.0
    assert named["link_share"] == pytest.approx(600 / 12000)


def test_the_shipped_model_loads_and_answers_a_probability() -> None:
    assert choose.MODEL.is_file()
    p = choose.alt_probability(choose.features("Scroll to top", _ARTICLE_TEXT, (300, 12000, 600)))
    assert 0.0 <= p <= 1.0
    assert p > 0.5  # a menu line against an article: even the model alone takes the article


def test_an_article_drawn_by_a_script_is_read_from_noscript() -> None:
    page = f"<html><head><title>Trams</title></head><body><div id='app'></div><noscript>{_ARTICLE}</noscript></body>"
    assert clean_html(page).body.count("Paragraph") == 8


def test_prepare_counts_the_page_before_dropping_what_trafilatura_deletes_anyway() -> None:
    root = extract.parse(
        "<html><head><title>T</title></head><body><p>Kept text <a href='/'>link</a></p>"
        "<footer><a href='/about'>About us</a></footer><select><option>One</option></select></body></html>"
    )
    assert root is not None
    elements, chars, links = extract.prepare(root)
    assert chars == len("Kept text linkAbout usOne") and links == len("linkAbout us") and elements > 6
    assert root.xpath("string(//body)") == "Kept text link"
    assert root.find("head") is None


def test_strip_inert_keeps_text() -> None:
    root = extract.parse("<html><body><script>x()</script><p>Kept <!-- c --> text</p><style>p{}</style></body></html>")
    assert root is not None
    extract.strip_inert(root)
    assert root.xpath("string(//body)") == "Kept  text"


def test_render_body_lays_blocks_out_as_normalize_text_would() -> None:
    """Lines of normalised blocks, empty ones dropped, a blank line apart; table cells joined by one space."""
    main = etree.Element("main")
    for tag, text in [("head", "Headline"), ("p", "a\u00a0 b\r\nc\u2028d e\u0301"), ("p", "\u200b"), ("p", " f ")]:
        etree.SubElement(main, tag).text = text
    items = etree.SubElement(main, "list")
    etree.SubElement(items, "item")
    etree.SubElement(items, "item").text = " x "
    row = etree.SubElement(etree.SubElement(main, "table"), "row")
    for value in (None, "v", None, "w"):
        etree.SubElement(row, "cell").text = value
    expected = "a b c d \u00e9\n\nf\n\nx\n\nv w"
    assert render_body(main) == expected == normalize_text("a b c d \u00e9\nf\n\nx\n v  w")
