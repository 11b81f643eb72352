from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from indexer.htmlpage import clean_html, strip_site_suffix
from tests.conftest import FIXTURES


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
    assert page.body.split("\n\n") == [
        "ASTANA: Leaders of five Central Asian republics met in Astana on Monday to discuss water and energy.",
        "The talks focused on the Syr Darya basin and regional electricity trade.",
    ]
    for furniture in ("menu item", "newsletter", "sidebar", "footer", "tracking", "comment", "color"):
        assert furniture not in page.body


def test_fallbacks_without_structured_data() -> None:
    html = """<html><head><title>Plain page – Site</title></head><body><h1>Heading wins</h1>
    <time datetime="2021-01-02">Jan 2</time><p>Only paragraph.</p></body></html>"""
    page = clean_html(html)
    assert page.title == "Heading wins"
    assert page.date == datetime(2021, 1, 2)
    assert page.body == "Only paragraph."
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
