"""Clean saved HTML pages with BeautifulSoup: metadata and the article's text."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, Comment, Tag

from indexer.dates import parse_date
from indexer.normalize import normalize_inline, normalize_text

log = logging.getLogger(__name__)

PARSER = "lxml"
# Elements that never hold article text.
_DROP = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "select",
         "nav", "header", "footer", "aside", "figure", "figcaption", "menu", "dialog", "object", "embed")
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td")
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle",
                  "OpinionNewsArticle", "Report", "WebPage", "LiveBlogPosting"}
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


@dataclass(frozen=True)
class PageParts:
    """What the HTML cleaner found in a page."""

    title: str
    body: str
    source: str | None = None
    author: str | None = None
    date: datetime | None = None
    url: str | None = None
    language: str | None = None


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    """The first non-empty ``<meta>`` content among ``name``/``property``/``itemprop`` values."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: name})
            if isinstance(tag, Tag) and tag.get("content"):
                return normalize_inline(str(tag["content"])) or None
    return None


def _json_ld_items(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, flattening lists and ``@graph``."""
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                stack.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
            elif isinstance(item, list):
                stack.extend(item)
    return items


def _ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    """The page's JSON-LD article object, or an empty dict."""
    for item in _json_ld_items(soup):
        types = item.get("@type")
        types = set(types) if isinstance(types, list) else {types}
        if types & _ARTICLE_TYPES and (item.get("headline") or item.get("datePublished")):
            return item
    return {}


def _names(value: Any) -> str | None:
    """Names out of a JSON-LD person/organisation value (string, dict or list)."""
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and normalize_inline(name):
            names.append(normalize_inline(name))
    return ", ".join(dict.fromkeys(names)) or None


def strip_site_suffix(title: str, site: str | None) -> str:
    """Remove a trailing `` | Site name`` from a page title."""
    if site and title.endswith(site) and len(title) > len(site) + 3:
        trimmed = title[: -len(site)].rstrip(" |-–—:·»")
        return trimmed or title
    match = _TITLE_SUFFIX.search(title)
    if match and len(title) - len(match.group(0)) >= 15:
        return title[: match.start()]
    return title


def extract_metadata(soup: BeautifulSoup) -> dict[str, Any]:
    """Title, source, author, date, URL and language from structured data and tags."""
    ld = _ld_article(soup)
    site = _meta(soup, "og:site_name", "application-name") or _names(ld.get("publisher"))
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    title = (
        (isinstance(ld.get("headline"), str) and normalize_inline(ld["headline"]))
        or _meta(soup, "og:title", "twitter:title")
        or (h1 and normalize_inline(h1.get_text(" ")))
        or (title_tag and normalize_inline(title_tag.get_text(" ")))
        or ""
    )
    time_tag = soup.find("time", attrs={"datetime": True})
    date = (
        parse_date(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
        or parse_date(_meta(soup, "article:published_time", "datePublished", "pubdate", "date", "dc.date"))
        or parse_date(str(time_tag["datetime"]) if isinstance(time_tag, Tag) else None)
    )
    canonical = soup.find("link", attrs={"rel": "canonical", "href": True})
    url = (
        (isinstance(canonical, Tag) and str(canonical["href"]).strip())
        or _meta(soup, "og:url")
        or (isinstance(ld.get("url"), str) and ld["url"])
        or None
    )
    html_tag = soup.find("html")
    language = (isinstance(html_tag, Tag) and html_tag.get("lang")) or _meta(soup, "og:locale", "language")
    return {
        "title": strip_site_suffix(title, site),
        "source": site,
        "author": _names(ld.get("author")) or _meta(soup, "author", "article:author"),
        "date": date,
        "url": url,
        "language": str(language).split("-")[0].split("_")[0].lower() if language else None,
    }


def extract_body(soup: BeautifulSoup) -> str:
    """The article's text, paragraph by paragraph, without page furniture."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    container = soup.find("article") or soup.find("main") or soup.find("body") or soup
    blocks = [b.get_text(" ") for b in container.find_all(_BLOCKS) if not b.find(_BLOCKS)]
    text = "\n\n".join(blocks) if blocks else container.get_text("\n")
    return normalize_text(text)


def clean_html(html: str) -> PageParts:
    """Parse a page and return its cleaned metadata and body."""
    soup = BeautifulSoup(html, PARSER)
    meta = extract_metadata(soup)
    return PageParts(body=extract_body(soup), **meta)
