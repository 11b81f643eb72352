"""The HTML pages: search and article."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from indexer.search import SearchRequest, SearchResults
from webapp.engine import get_engine

bp = Blueprint("pages", __name__)

# The page's script asks for the results region alone with this request header (value "results"): the same
# partial the full page includes, so results are drawn by one set of templates.
FRAGMENT_HEADER = "X-Fragment"


def wants_fragment() -> bool:
    """Whether this request asks for the results region only, not the whole page."""
    return request.headers.get(FRAGMENT_HEADER) == "results"


@bp.get("/")
def search_page() -> Any:
    """The search page; without ``q`` it shows the empty search box."""
    params = SearchRequest.from_args(request.args, current_app.config["PER_PAGE"])
    results = get_engine().search(params) if params.q else None
    if results is not None:
        # The highlighter escaped the text and added only <mark>: safe to render as HTML.
        results.hits = [
            replace(hit, highlights={name: [Markup(f) for f in frags] for name, frags in hit.highlights.items()})
            for hit in results.hits
        ]
    template = "pages/_results.html" if wants_fragment() else "pages/search.html"
    response = make_response(render_template(template, params=params, results=results, **_calendar(params, results)))
    response.vary.add(FRAGMENT_HEADER)  # one URL, two bodies: caches must keep them apart
    return response


def _calendar(params: SearchRequest, results: SearchResults | None) -> dict[str, Any]:
    """The year whose months to list (when the date filter spans one year) and each month's last day."""
    date_from, date_to = params.filters.date_from, params.filters.date_to
    if results is None or not (date_from and date_to and date_from.year == date_to.year):
        return {"selected_year": None, "month_end": {}}
    month_end = {}
    for month in results.facets.month:
        year, number = int(month[:4]), int(month[5:7])
        month_end[month] = date(year, number, calendar.monthrange(year, number)[1]).isoformat()
    return {"selected_year": f"{date_from.year:04d}", "month_end": month_end}


@bp.get("/doc/<path:doc_id>")
def document_page(doc_id: str) -> Any:
    """One article, with the query's terms highlighted when reached from a search."""
    q, prefix = request.args.get("q", ""), request.args.get("prefix") or "none"
    article = get_engine().article(doc_id, q, prefix=prefix)
    if article is None:
        raise NotFound("There is no article with this id.")
    # Marked paragraphs were escaped by the highlighter, which added only <mark>; plain ones are escaped by Jinja.
    paragraphs = [Markup(p) for p in article.paragraphs] if article.marked else article.paragraphs
    # Links back to the search keep its prefix, so that they find what led here.
    keep = None if prefix == "none" else prefix
    return render_template(
        "pages/document.html",
        doc=article.document,
        paragraphs=paragraphs,
        q=article.query,
        prefix=keep,
        related=article.related,
    )
