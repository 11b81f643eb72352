"""Atom feeds of a search's newest matches: valid Atom (read back with feedparser), filtered, escaped, linked."""

from __future__ import annotations

import json
import re

import feedparser
import pytest

from indexer.index.build import reindex
from indexer.search import FEED_ENTRIES
from webapp import create_app

RECORDS = [
    {
        "id": "old",
        "title": "Rates rise in spring",
        "text": "The bank raised rates in spring.",
        "source": "Wire",
        "date": "2021-03-01",
    },
    {
        "id": "new",
        "title": 'Rates <b>fall</b> & "markets" cheer',
        "text": "Rates fell. <script>alert(1)</script> Traders & <img src=x onerror=alert(2)> cheered.",
        "source": "Daily <i>Post</i>",
        "date": "2024-06-01T09:30:00Z",
        "url": "https://example.com/rates?a=1&b=2",
    },
    {
        "id": "mid",
        "title": "Rates hold",
        "text": "The bank kept rates where they were.",
        "source": "Wire",
        "date": "2023-01-15",
    },
    {"id": "undated", "title": "A note on rates", "text": "Rates are a topic without a date.", "source": "Wire"},
    {"id": "other", "title": "Football final", "text": "United won the final.", "source": "Wire", "date": "2024-07-01"},
]


@pytest.fixture(scope="module")
def feed_client(tmp_path_factory: pytest.TempPathFactory):
    """A client over a small index of dated, undated and hostile articles."""
    base = tmp_path_factory.mktemp("feeds")
    (base / "corpus").mkdir()
    (base / "corpus" / "rates.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", "utf-8")
    reindex(base / "corpus", base / "index")
    return create_app({"INDEX_DIR": str(base / "index"), "TESTING": True}).test_client()


def _feed(client, query: str) -> feedparser.FeedParserDict:
    response = client.get(f"/feed?{query}")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_a_search_feed_lists_its_newest_matches_first(feed_client) -> None:
    parsed = _feed(feed_client, "q=rates")
    assert [e.id.rsplit("/", 1)[1] for e in parsed.entries] == ["new", "mid", "old", "undated"]
    assert parsed.feed.title == "News search: rates"
    # An undated article counts as of the index's last build; with dated ones only, the feed is as new as they are.
    assert parsed.feed.updated == parsed.entries[-1].updated
    assert _feed(feed_client, "q=rates&from=2020-01-01").feed.updated.startswith("2024-06-01T09:30:00")
    assert parsed.entries[1].published.startswith("2023-01-15")
    assert any(link.rel == "self" and "/feed?q=rates" in link.href for link in parsed.feed.links)


def test_a_feed_keeps_the_searchs_filters(feed_client) -> None:
    parsed = _feed(feed_client, "q=rates&source=Wire&from=2022-01-01")
    assert [e.id.rsplit("/", 1)[1] for e in parsed.entries] == ["mid"]
    assert parsed.feed.title == "News search: rates (Wire, 2022-01-01 to …)"


def test_feed_entries_escape_the_articles_text(feed_client) -> None:
    raw = feed_client.get("/feed?q=rates").get_data(as_text=True)
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    entry = _feed(feed_client, "q=rates").entries[0]
    assert entry.title == 'Rates <b>fall</b> & "markets" cheer'  # the title as text, exactly
    assert entry.author == "Daily <i>Post</i>"
    assert "https://example.com/rates?a=1&b=2" in [link.href for link in entry.links]
    # The summary is HTML in which the article's markup is text: escaped once for HTML, once more for XML.
    assert "&amp;lt;script&amp;gt;" in raw and "&lt;script&gt;" in entry.summary


def test_a_feed_holds_at_most_feed_entries(feed_client) -> None:
    assert len(_feed(feed_client, "q=rates OR football").entries) <= FEED_ENTRIES


@pytest.mark.parametrize("query", ["", "q=", "q=rates&from=2024-02-01&to=2024-01-01", "q=rates&source=" + "x" * 201])
def test_a_feed_without_a_query_or_with_bad_filters_is_a_400(feed_client, query: str) -> None:
    assert feed_client.get(f"/feed?{query}").status_code == 400


def test_the_search_page_links_its_feed(feed_client) -> None:
    page = feed_client.get("/?q=rates&source=Wire&sort=oldest").get_data(as_text=True)
    [link] = re.findall(r'<link [^>]*rel="alternate" type="application/atom\+xml"[^>]*>', page)
    href = re.search(r'href="([^"]+)"', link).group(1).replace("&amp;", "&")
    assert href == "/feed?q=rates&source=Wire"  # the query and filters, not the sort
    assert not re.findall(r"application/atom\+xml", feed_client.get("/").get_data(as_text=True))


def test_an_entry_links_its_article_page_and_the_original_apart(feed_client) -> None:
    entries = {e.id.rsplit("/", 1)[1]: e for e in _feed(feed_client, "q=rates").entries}
    assert [(link.rel, link.href.split("/")[-1]) for link in entries["new"].links] == [
        ("alternate", "new"),
        ("related", "rates?a=1&b=2"),
    ]
    assert [link.rel for link in entries["old"].links] == ["alternate"]  # no original URL: the page only
    xml = feed_client.get("/feed?q=rates").get_data(as_text=True)
    assert xml.count('rel="alternate" type="text/html"') == 1 + 4 and xml.count('rel="related"') == 1  # feed + entries
