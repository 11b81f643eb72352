"""The JSON API: search, autocomplete, documents, related articles, health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, NotFound

from indexer.index.store import IndexMissing
from indexer.search.related import MAX_RELATED, related
from indexer.search.searching import SearchError, get_document, search
from indexer.search.suggest import MAX_SUGGESTIONS, suggest
from webapp import openapi
from webapp.caching import conditional
from webapp.params import search_params
from webapp.search_index import get_searcher, get_synonyms

bp = Blueprint("api", __name__, url_prefix="/api")


def _limit(default: int, high: int) -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise BadRequest(f"'limit' must be a whole number between 1 and {high}")
    return int(raw)


@bp.get("/openapi.json")
def openapi_view() -> Any:
    """The OpenAPI description of this API."""
    return jsonify(openapi.spec())


@bp.get("/search")
@conditional
def search_view() -> Any:
    """Search: ``q``, ``page``, ``per_page``, ``sort``, ``source``, ``from``, ``to``, ``fuzzy``, ``collapse``."""
    params = search_params(request.args, current_app.config["PER_PAGE"])
    try:
        results = search(get_searcher(), params.q, page=params.page, per_page=params.per_page, **params.options(),
                         synonyms=get_synonyms())
    except SearchError as exc:
        raise BadRequest(str(exc)) from exc
    return jsonify(results.to_dict())


@bp.get("/suggest")
@conditional
def suggest_view() -> Any:
    """Search-as-you-type: completions of ``q`` and titles of matching articles, as a list."""
    limit = _limit(8, MAX_SUGGESTIONS)
    return jsonify([s.to_dict() for s in suggest(get_searcher(), request.args.get("q", ""), limit=limit)])


@bp.get("/documents/<path:doc_id>/related")
@conditional
def related_view(doc_id: str) -> Any:
    """Articles about the same subject as this one, as a list."""
    found = related(get_searcher(), doc_id, limit=_limit(5, MAX_RELATED))
    if found is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify([r.to_dict() for r in found])


@bp.get("/documents/<path:doc_id>")
@conditional
def document_view(doc_id: str) -> Any:
    """One cleaned article by id."""
    document = get_document(get_searcher(), doc_id)
    if document is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify(document.to_dict())


@bp.get("/health")
def health_view() -> Any:
    """Whether the index is open, and how many documents it holds."""
    try:
        documents = get_searcher().doc_count()
    except IndexMissing:
        return jsonify({"status": "unavailable", "documents": 0}), 503
    return jsonify({"status": "ok", "documents": documents})
