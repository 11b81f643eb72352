from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from bench.extraction import sample_ids
from bench.shared import DATA
from indexer.clean.extract import parse
from indexer.clean.html import clean_html, metadata_elements, strip_site_suffix
from indexer.clean.sources import decode
from tests.conftest import FIXTURES, require_data


@pytest.fixture(scope="module")
def page():
    return clean_html((FIXTURES / "page.html").read_text("utf-8"))


def test_metadata_from_structured_data(page) -> None:
    assert page.title == "Kazakhstan hosts Central Asia summit"
    assert page.source == "The Steppe Times"
    assert page.author == "Aigerim Sadykova"  # JSON-LD wins over <meta name=author>
    assert page.date == datetime(2023, 8, 14, 9, 30, tzinfo=timezone(timedelta(hours=6)))
    assert page.url == "https://steppe.example/news/summit"
    assert page.language == "en"


def test_body_without_page_furniture(page) -> None:
    first = "ASTANA: Leaders of five Central Asian republics met in Astana on Monday to discuss water and energy."
    second = "The talks focused on the Syr Darya basin and regional electricity trade."
    assert f"{first}\n\n{second}" in page.body
    # The <header> line may stay on so small a page: dropping header/nav/footer/aside before extraction lost
    # article text on two of the five development sets (docs/cleaning.md).
    for furniture in ("menu item", "sidebar", "footer", "tracking", "comment", "color"):
        assert furniture not in page.body


def test_fallbacks_without_structured_data() -> None:
    html = """<html><head><title>Plain page – Site</title></head><body><h1>Heading wins</h1>
    <time datetime="2021-01-02">Jan 2</time><p>Only paragraph.</p></body></html>"""
    page = clean_html(html)
    assert page.title == "Heading wins"
    assert page.date == datetime(2021, 1, 2)
    assert page.body.endswith("Only paragraph.")
    assert page.source is None and page.author is None and page.url is None


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Kazakhstan hosts summit | The Steppe Times", "The Steppe Times", "Kazakhstan hosts summit"),
        ("Markets rally as rates fall - Daily Wire", None, "Markets rally as rates fall"),
        ("Short - Site", None, "Short - Site"),
        ("No suffix at all", None, "No suffix at all"),
    ],
)
def test_strip_site_suffix(title: str, site: str | None, expected: str) -> None:
    assert strip_site_suffix(title, site) == expected


def _page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


_PROSE = (
    "<p>The central bank raised its main rate by a quarter point on Tuesday, the third increase this year, "
    "citing persistent inflation in services and a tight labour market.</p>"
    "<p>Officials said further moves would depend on wage data due next month, and markets trimmed bets on "
    "another rise before the summer after the statement was published.</p>"
    "<p>The decision was unanimous, the bank said, although two members had argued for a larger step at "
    "the previous meeting in March, according to the minutes released later.</p>"
)


@pytest.mark.parametrize(
    ("head", "field", "expected"),
    [
        (
            '<title>Rates rise again | The Ledger</title><meta property="og:site_name" content="The Ledger">',
            "title",
            "Rates rise again",
        ),
        ('<meta property="og:title" content="Rates rise again – The Ledger">', "title", "Rates rise again"),
        (
            '<meta property="article:published_time" content="2024-03-05T08:15:00-05:00">',
            "date",
            datetime(2024, 3, 5, 8, 15, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
            '"datePublished": "2024-03-05T13:15:00Z", "author": [{"name": "A. One"}, {"name": "B. Two"}]}</script>',
            "author",
            "A. One, B. Two",
        ),
        ('<meta property="article:author" content="https://facebook.com/someone">', "author", None),
        ('<meta name="author" content="By Jane Doe">', "author", "Jane Doe"),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "H", '
            '"publisher": {"@type": "Organization", "name": "The Ledger"}}]}</script>',
            "source",
            "The Ledger",
        ),
        (
            '<link rel="canonical" href="https://ledger.example/a/1"><meta property="og:url" content="https://x.example/">',
            "url",
            "https://ledger.example/a/1",
        ),
        ('<meta property="og:locale" content="fr_FR">', "language", "en"),  # <html lang> wins
    ],
)
def test_metadata_fields(head: str, field: str, expected: object) -> None:
    assert getattr(clean_html(_page(head, _PROSE)), field) == expected


def test_language_from_locale_without_html_lang() -> None:
    html = _page('<meta property="og:locale" content="fr_FR">', _PROSE).replace(' lang="en"', "")
    assert clean_html(html).language == "fr"


def test_date_is_iso_and_timezone_aware_when_the_page_says() -> None:
    page = clean_html(_page('<meta property="article:published_time" content="2024-03-05T13:15:00Z">', _PROSE))
    assert page.date is not None and page.date.isoformat() == "2024-03-05T13:15:00+00:00"


def test_body_drops_cookie_banner_and_related_box() -> None:
    body = (
        '<div class="cookie-banner"><p>We use cookies to improve your experience on our site.</p></div>'
        "<article><h1>Rates rise again</h1>"
        '<div class="share-bar"><a href="/share">Share on Facebook</a> <a href="/tw">Tweet</a></div>'
        f"{_PROSE}"
        '<div class="related-stories"><p>Related: Banks and the housing market in a new era of rates</p></div>'
        "</article>"
    )
    page = clean_html(_page('<link rel="canonical" href="https://ledger.example/a/1">', body))
    assert "The central bank raised its main rate" in page.body
    assert page.body.endswith("according to the minutes released later.")
    # The headline and the share line may stay when the chooser prefers Resiliparse's text on so small a page.
    for furniture in ("cookies", "Related"):
        assert furniture not in page.body


def test_link_text_is_content() -> None:
    link = (
        '<p>Source: <a href="https://stats.example.org/r">the full inflation report from the statistics office</a></p>'
    )
    page = clean_html(
        _page('<link rel="canonical" href="https://ledger.example/a/1">', f"<article>{_PROSE}{link}</article>")
    )
    assert page.body.endswith("Source: the full inflation report from the statistics office")


def test_body_split_into_chunks_is_kept_whole() -> None:
    paras = _PROSE.split("</p>")
    body = (
        f'<article><div class="body-chunk">{paras[0]}</p></div><div class="ad-rail">Advertisement</div>'
        f'<div class="body-chunk">{paras[1]}</p>{paras[2]}</p></div></article>'
    )
    kept = [p for p in clean_html(_page("", body)).body.split("\n\n") if p != "Advertisement"]
    assert len(kept) == 3
    assert kept[0].startswith("The central bank") and kept[2].endswith("according to the minutes released later.")


def test_mojibake_in_a_page_is_repaired() -> None:
    page = clean_html(_page("<title>Itâ€™s a test</title>", _PROSE.replace("Tuesday", "Tuesday â€” itâ€™s")))
    assert "Tuesday — it’s" in page.body
    assert page.title == "It’s a test"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "not html at all",
        "<html><body><nav>Menu</nav><script>x()</script></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
    ],
)
def test_page_without_article_has_no_body(html: str) -> None:
    assert clean_html(html).body == ""


def test_truncated_html_keeps_what_arrived() -> None:
    html = _page("<title>Cut</title>", f"<article>{_PROSE}")
    page = clean_html(html[: html.index("according to the minutes")])
    assert page.body.startswith("The central bank raised")
    assert page.body.endswith("at the previous meeting in March,")


def test_page_of_several_megabytes() -> None:
    script = "<script>var state = '" + "x" * 3_000_000 + "';</script>"
    cards = '<div class="card"><a href="/x">link</a> filler text</div>' * 13_000  # past the "huge tree" size
    page = clean_html(_page(f"<title>Big</title>{script}", f"{cards}<article>{_PROSE}</article>{cards}"))
    assert "The central bank raised" in page.body


# What metadata_elements picks, as the XPath it replaced says it.
_META_XPATH = etree.XPath(
    "//title | //meta | //link[@rel='canonical'] | //script[@type='application/ld+json'] | (//h1)[1]"
    " | (//time[@datetime])[1]"
)
_META_PAGES = [
    "<html><head><title>T</title><meta name='author' content='A'><link rel='canonical' href='/a'>"
    "<link rel='stylesheet' href='s.css'><script type='application/ld+json'>{}</script><script>x()</script>"
    "</head><body><time>no datetime</time><h1>First</h1><h1>Second</h1><time datetime='2020-01-01'>a</time>"
    "<time datetime='2021-01-01'>b</time><meta property='og:title' content='In the body'></body></html>",
    # markup after </html>: libxml2 makes a second top-level element, which "//" searches too
    "<html><head><title>T</title></head></html><body><h1>After</h1><time datetime='2020-01-01'>a</time></body>",
]


@pytest.mark.parametrize("html", _META_PAGES)
def test_metadata_elements_are_the_metadata_tags_in_page_order(html: str) -> None:
    root = parse(html)
    assert root is not None
    assert list(metadata_elements(root)) == _META_XPATH(root)


@pytest.mark.parametrize(
    "name", ["article-extraction-dev", "extraction-htmltotext", "extraction-readability", "extraction-wcxb"]
)
def test_metadata_elements_are_the_metadata_tags_on_real_pages(name: str) -> None:
    """The same tags as the XPath, in the same order, on 60 pages of the set."""
    require_data(name)
    folder = DATA / name
    ids = sample_ids(json.loads((folder / "ground-truth.json").read_text(encoding="utf-8")), 60)
    roots = [parse(decode(gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()))) for i in ids]
    assert len(roots) == len(ids)
    for root in roots:
        if root is not None:
            assert list(metadata_elements(root)) == _META_XPATH(root)
