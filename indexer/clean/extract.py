"""Main-content extraction: trafilatura finds the body in the lxml tree, general rules trim it to paragraphs."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from indexer.clean.normalize import normalize_inline, normalize_text, repair_text

log = logging.getLogger(__name__)

# Class/id words of page furniture that extractors keep when it sits inside the article element.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:newsletter|signup|sign-up|subscribe|subscription|share|sharing|social|related|recommended|"
    r"most-?popular|trending|promo|outbrain|taboola|cookie|consent|gdpr|comments?|disqus|advert\w*|"
    r"ad-?slot|ad-?container|sponsored|breadcrumbs?|author-?bio|latest|more-?stories|recirc\w*|print|reprints?|"
    r"article-tools)(?:$|[\s_-])",
    re.IGNORECASE,
)
_NEVER_FURNITURE = ("html", "body", "main", "article")
FURNITURE_TAGS = {"nav", "header", "footer", "aside", "h1", "time"}
_LONG_PARAGRAPH = 80  # characters: a paragraph this long is prose, not a teaser
_BIG_TREE = 25_000  # elements: past this, extraction narrows to the article element and skips fallbacks
_MIN_ARTICLE = 250  # characters of text an article element must hold to be trusted on its own
_TEASER_MAX = 200  # characters: a longer block is kept even when it is mostly links


def _signature(el: HtmlElement) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}".strip()


def drop_furniture(root: HtmlElement) -> None:
    """Remove elements whose class or id names page furniture, and lists of story cards."""
    doomed = [
        el for el in root.iter()
        if isinstance(el.tag, str) and el.tag not in _NEVER_FURNITURE
        and (el.tag in FURNITURE_TAGS or _FURNITURE.search(_signature(el)))
    ]
    doomed += [el for el in root.iter("ul", "ol") if _is_teaser_list(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _is_teaser_list(el: HtmlElement) -> bool:
    """A list of story cards: every item has a linked headline."""
    items = el.findall("li")
    return len(items) >= 2 and all(li.xpath("(.//h2|.//h3|.//h4|.//h5)[.//a]") for li in items)


def merge_chunks(root: HtmlElement) -> None:
    """Join an article body split into several same-class containers, so the extractor sees all of it."""
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None and parent.get("class") and len(p.text_content()) >= _LONG_PARAGRAPH:
            chunks = groups[(parent.tag, parent.get("class"))]
            if parent not in chunks:
                chunks.append(parent)
    for chunks in groups.values():
        if len(chunks) < 2 or any(c in set(d.iterancestors()) for c in chunks for d in chunks):
            continue
        first = chunks[0]
        for chunk in chunks[1:]:
            for child in list(chunk):
                first.append(child)
            chunk.drop_tree()


def _text(el: etree._Element) -> str:
    return normalize_inline("".join(el.itertext()))


def _host(url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


def _internal(target: str | None, site: str) -> bool:
    """A link to the page's own site (relative, or the same host up to subdomains)."""
    host = _host(target)
    return not host or not site or host == site or host.endswith("." + site) or site.endswith("." + host)


def _link_share(el: etree._Element, site: str) -> float:
    """The share of a block's text that links elsewhere on the same site (teasers, not sources)."""
    text = len(_text(el))
    links = sum(len(_text(ref)) for ref in el.iter("ref") if _internal(ref.get("target"), site))
    return links / text if text else 1.0


def _is_teaser(el: etree._Element, site: str, share: float) -> bool:
    """A short block that mostly links to other pages of the same site: "read more", related stories."""
    return len(_text(el)) < _TEASER_MAX and _link_share(el, site) > share


def render(xml: str, url: str | None = None) -> str:
    """Paragraphs out of trafilatura's XML: headline and link-only teasers dropped."""
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return ""
    blocks: list[str] = []
    seen_prose = False
    site = _host(url)
    for el in main:
        if el.tag == "head" and not seen_prose:
            continue  # the headline and standfirst are metadata, not body
        if el.tag == "list":
            blocks.extend(_text(i) for i in el.iter("item") if not _is_teaser(i, site, 0.5))
            continue
        if el.tag == "table":
            for row in el.iter("row"):
                blocks.append(" ".join(_text(c) for c in row))
            continue
        text = _text(el)
        if not text or _is_teaser(el, site, 0.6):
            continue
        seen_prose = seen_prose or el.tag == "p"
        blocks.append(text)
    return normalize_text(repair_text("\n".join(blocks)))


def _narrow_to_article(root: HtmlElement) -> None:
    """On a huge page, keep only the element marked as the article, when one holds enough text."""
    body = root.find("body")
    for candidate in root.xpath("//*[@itemprop='articleBody'] | //article | //main"):
        if body is not None and len(candidate.text_content()) >= _MIN_ARTICLE:
            for child in list(body):
                body.remove(child)
            body.append(candidate)
            return


def parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree (what trafilatura works on), or None when there is no markup."""
    try:
        return trafilatura.load_html(html)
    except ValueError:
        return None


def extract_body(root: HtmlElement | None, url: str | None = None) -> str:
    """The article body of a parsed page, paragraph by paragraph (the tree is modified)."""
    if root is None:
        return ""
    drop_furniture(root)
    merge_chunks(root)
    big = sum(1 for _ in root.iter()) > _BIG_TREE
    if big:
        _narrow_to_article(root)
    # The fallbacks (readability, jusText) win back pages the main pass misreads, but cost too much on huge trees.
    xml = trafilatura.extract(
        root, output_format="xml", include_comments=False, include_links=True, include_tables=True, fast=big,
    )
    return render(xml, url) if xml else ""
