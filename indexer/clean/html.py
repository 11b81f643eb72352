"""Clean saved HTML pages with BeautifulSoup: metadata and the article's text."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from bs4 import BeautifulSoup, Tag
from lxml.html import HtmlElement

from indexer.article import Article
from indexer.clean.dates import parse_date
from indexer.clean.extract import extract_body, parse
from indexer.clean.language import language_code
from indexer.clean.normalize import normalize_inline, repair_text

log = logging.getLogger(__name__)

PARSER = "lxml"
# The tags metadata comes from: title, meta, the canonical link, JSON-LD, the first h1 and the first time with a
# datetime; BeautifulSoup parses these only.
_META_TAGS = ("title", "meta", "link", "script", "h1", "time")
_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "BlogPosting",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "Report",
    "WebPage",
    "LiveBlogPosting",
}
# The <meta> names each field is read from, in order of preference.
_SITE_METAS = ("og:site_name", "application-name", "twitter:site")
_TITLE_METAS = ("og:title", "twitter:title")
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "byl")
_DATE_METAS = (
    "article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date", "dc.date.issued",
    "sailthru.date", "parsely-pub-date",
)  # fmt: skip
_URL_METAS = ("og:url",)
_LANGUAGE_METAS = ("og:locale", "content-language", "language", "dc.language")
_META_NAMES = frozenset(_SITE_METAS + _TITLE_METAS + _AUTHOR_METAS + _DATE_METAS + _URL_METAS + _LANGUAGE_METAS)
_META_KEYS = ("property", "name", "itemprop", "http-equiv")
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """Every ``<meta>`` content by lower-cased ``property``/``name``/``itemprop``/``http-equiv``; first wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not content:
            continue
        for attr in _META_KEYS:
            key = tag.get(attr)
            if isinstance(key, str):
                found.setdefault(key.strip().lower(), str(content))
    return found


def _meta(metas: dict[str, str], *names: str) -> str | None:
    """The first non-empty value among ``names``."""
    for name in names:
        value = normalize_inline(metas.get(name, ""))
        if value:
            return value
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


def _author(ld: dict[str, Any], metas: dict[str, str]) -> str | None:
    """Author names from JSON-LD, else ``<meta>``; profile URLs are not names."""
    names = _names(ld.get("author")) or _meta(metas, *_AUTHOR_METAS)
    if not names or names.startswith(("http://", "https://")):
        return None
    return re.sub(r"^by\s+", "", names, flags=re.IGNORECASE)


def _language(soup: BeautifulSoup, metas: dict[str, str], html_lang: str | None) -> str | None:
    """The language code ``<html lang>``, ``og:locale`` or ``content-language`` declares (``en-US`` -> ``en``)."""
    return language_code(html_lang) or language_code(_meta(metas, *_LANGUAGE_METAS))


def extract_metadata(soup: BeautifulSoup, html_lang: str | None = None) -> dict[str, Any]:
    """Title, source, author, date, URL and language from structured data and tags."""
    ld = _ld_article(soup)
    metas = _metas(soup)
    site = _meta(metas, *_SITE_METAS) or _names(ld.get("publisher"))
    if site and site.startswith("@"):
        site = _names(ld.get("publisher")) or None
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    title = (
        (isinstance(ld.get("headline"), str) and normalize_inline(ld["headline"]))
        or _meta(metas, *_TITLE_METAS)
        or (h1 and normalize_inline(h1.get_text(" ")))
        or (title_tag and normalize_inline(title_tag.get_text(" ")))
        or ""
    )
    time_tag = soup.find("time", attrs={"datetime": True})
    date = (
        parse_date(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
        or parse_date(_meta(metas, *_DATE_METAS))
        or parse_date(str(time_tag["datetime"]) if isinstance(time_tag, Tag) else None)
    )
    canonical = soup.find("link", attrs={"rel": "canonical", "href": True})
    url = (
        (isinstance(canonical, Tag) and str(canonical["href"]).strip())
        or _meta(metas, *_URL_METAS)
        or (isinstance(ld.get("url"), str) and ld["url"])
        or None
    )
    return {
        "title": strip_site_suffix(repair_text(title), site),
        "source": site,
        "author": _author(ld, metas),
        "date": date,
        "url": url,
        "language": _language(soup, metas, html_lang),
    }


def _read(el: HtmlElement) -> bool:
    """Whether ``extract_metadata`` reads this tag: a ``<meta>`` only under one of the names it looks for."""
    return el.tag != "meta" or any((el.get(key) or "").strip().lower() in _META_NAMES for key in _META_KEYS)


def metadata_elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """The page's metadata tags, in document order (see ``_META_TAGS``)."""
    # One walk in C over the page's elements that carry those names: an XPath union of six searches took three
    # times as long.
    # libxml2 may leave a second top-level element (markup after a stray </html>): the XPath's "//" saw it too.
    top = root.getroottree().getroot()
    tops = [*reversed(list(top.itersiblings(preceding=True))), top, *top.itersiblings()]
    seen_h1 = seen_time = False
    for el in (el for each in tops for el in each.iter(_META_TAGS)):
        tag = el.tag
        if tag == "link":
            keep = el.get("rel") == "canonical"
        elif tag == "script":
            keep = el.get("type") == "application/ld+json"
        elif tag == "h1":
            keep, seen_h1 = not seen_h1, True
        elif tag == "time":
            keep = not seen_time and el.get("datetime") is not None
            seen_time = seen_time or keep
        else:
            keep = True
        if keep:
            yield el


def metadata_markup(root: HtmlElement) -> str:
    """The page's metadata tags only (title, meta, canonical link, JSON-LD, first h1, time), as HTML."""
    # Pages carry dozens of <meta> tags nobody reads (viewport, verification, app links): BeautifulSoup's cost
    # grows with each one.
    return "".join(
        lxml.html.tostring(el, encoding="unicode", with_tail=False) for el in metadata_elements(root) if _read(el)
    )


def clean_html(html: str) -> Article:
    """Parse a page and return its cleaned metadata and body, as an article without an id or path yet."""
    root = parse(html)
    # BeautifulSoup reads the metadata from the few tags that carry it, picked out of lxml's tree (which
    # trafilatura needs anyway): handing it the whole page cost as much as extracting the body.
    soup = BeautifulSoup(metadata_markup(root) if root is not None else html, PARSER)
    meta = extract_metadata(soup, root.get("lang") if root is not None else None)
    return Article(id="", body=extract_body(root, html), **meta)
