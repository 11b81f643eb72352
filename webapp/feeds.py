"""Atom feeds: every search (query and filters) can be followed in a feed reader as a feed of its newest matches."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, request, url_for
from lxml import etree

from indexer.search import FEED_ENTRIES, Hit, SearchError, SearchRequest
from webapp.caching import conditional
from webapp.engine import get_engine

bp = Blueprint("feeds", __name__)

MEDIA_TYPE = "application/atom+xml"
# Characters XML 1.0 cannot carry at all, not even escaped: dropped from document text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@bp.get("/feed")
@conditional
def feed_view() -> Any:
    """The newest matches of a search as an Atom feed: ``q`` and the search page's filters."""
    params = SearchRequest.from_args(request.args, current_app.config["PER_PAGE"])
    if not params.q:
        raise SearchError("'q' is required: a feed follows a search")
    engine = get_engine()
    results = engine.search(replace(params, sort="newest", page=1, per_page=FEED_ENTRIES))
    built = datetime.fromisoformat(engine.stats().built_at)
    feed = _feed(params, built)
    for hit in results.hits:
        _entry(feed, hit, built)
    feed.updated(max((_when(hit, built) for hit in results.hits), default=built))
    return Response(_with_entry_link_kinds(feed.atom_str(pretty=True)), mimetype=MEDIA_TYPE)


def feed_args(params: SearchRequest) -> dict[str, Any]:
    """The URL arguments of a search's feed: its query and filters (a feed is always newest first, one page)."""
    return params.url_args(sort=None, per_page=None, page=None, prefix=None)  # a feed follows the exact words


def _feed(params: SearchRequest, built: datetime) -> FeedGenerator:
    feed = FeedGenerator()
    self_url = url_for("feeds.feed_view", _external=True, **feed_args(params))
    feed.id(self_url)
    feed.title(_text(f"News search: {params.q}" + _filters_text(params)))
    feed.subtitle("The newest articles matching this search.")
    feed.link(href=self_url, rel="self", type=MEDIA_TYPE)
    feed.link(
        href=url_for("pages.search_page", _external=True, **params.url_args(sort="newest", per_page=None)),
        rel="alternate",
        type="text/html",
    )
    feed.updated(built)
    return feed


def _entry(feed: FeedGenerator, hit: Hit, built: datetime) -> None:
    entry = feed.add_entry(order="append")
    page = url_for("pages.document_page", doc_id=hit.id, _external=True)
    entry.id(page)
    entry.title(_text(hit.title) or hit.id)
    entry.link(href=page, rel="alternate", type="text/html")
    if hit.url and hit.url.startswith(("http://", "https://")):
        entry.link(href=_text(hit.url), rel="related")
    entry.updated(_when(hit, built))
    if hit.date:
        entry.published(_when(hit, built))
    if hit.source:
        entry.author(name=_text(hit.source))
    # The highlighter's fragments are escaped HTML with <mark>: an "html" summary, escaped again in the XML.
    entry.summary(_text(" … ".join(hit.highlights.get("body", []))), type="html")


def _when(hit: Hit, built: datetime) -> datetime:
    """The article's publication time (UTC when it gives no zone); an undated one counts as of the last build."""
    if not hit.date:
        return built
    try:
        when = datetime.fromisoformat(hit.date)
    except ValueError:
        return built
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _filters_text(params: SearchRequest) -> str:
    filters = params.filters
    parts = [*filters.sources, *filters.places, *(f"{name}: {v}" for name, values in filters.fields for v in values)]
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or '…'} to {filters.date_to or '…'}")
    return f" ({', '.join(parts)})" if parts else ""


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


_ATOM = "{http://www.w3.org/2005/Atom}"


def _with_entry_link_kinds(xml: bytes) -> bytes:
    """The feed with each entry's link kinds restored: feedgen 1.0 writes entry links with their ``href`` only
    (lkiesow/python-feedgen#135), which would make the original article's link a second "alternate". ``_entry``
    adds the article page first and the original URL, when there is one, second."""
    root = etree.fromstring(xml)
    for entry in root.iter(f"{_ATOM}entry"):
        for link, kind in zip(
            entry.findall(f"{_ATOM}link"), ({"rel": "alternate", "type": "text/html"}, {"rel": "related"}), strict=False
        ):
            link.attrib.update(kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
