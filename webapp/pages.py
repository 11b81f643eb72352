"""The HTML pages: search and article."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, NotFound

from indexer.search.related import related
from indexer.search.searching import SearchError, SearchResults, get_document, highlight_body, search
from webapp.params import SearchParams, search_params
from webapp.search_index import get_searcher, get_synonyms

bp = Blueprint("pages", __name__)


@bp.get("/")
def search_page() -> Any:
    """The search page; without ``q`` it shows the empty search box."""
    params = search_params(request.args, current_app.config["PER_PAGE"])
    results = None
    if params.q:
        try:
            results = search(get_searcher(), params.q, page=params.page, per_page=params.per_page,
                             **params.options(), synonyms=get_synonyms())
        except SearchError as exc:
            raise BadRequest(str(exc)) from exc
        # The highlighter escaped the text and added only <mark>: safe to render as HTML.
        for hit in results.hits:
            hit.highlights = {name: [Markup(f) for f in fragments] for name, fragments in hit.highlights.items()}
    return render_template("pages/search.html", params=params, results=results, **_calendar(params, results))


def _calendar(params: SearchParams, results: SearchResults | None) -> dict[str, Any]:
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
    searcher = get_searcher()
    document = get_document(searcher, doc_id)
    if document is None:
        raise NotFound("There is no article with this id.")
    q = request.args.get("q", "").replace("\x00", "")[:500]
    marked = highlight_body(searcher, doc_id, q, synonyms=get_synonyms()) if q.strip() else None
    paragraphs = [Markup(p) for p in marked] if marked else [p for p in document.body.split("\n\n") if p]
    return render_template("pages/document.html", doc=document, paragraphs=paragraphs, q=q,
                           related=related(searcher, doc_id) or [])
