"""The JSON API: search, documents, health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, NotFound

from indexer.search import SearchError, get_document, search
from indexer.store import IndexMissing
from webapp.params import search_params
from webapp.search_index import get_searcher

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search_view() -> Any:
    """Search: ``q``, ``page``, ``per_page``."""
    params = search_params(request.args, current_app.config["PER_PAGE"])
    try:
        results = search(get_searcher(), params.q, page=params.page, per_page=params.per_page)
    except SearchError as exc:
        raise BadRequest(str(exc)) from exc
    return jsonify(results.to_dict())


@bp.get("/documents/<path:doc_id>")
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
