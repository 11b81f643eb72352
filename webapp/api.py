"""The JSON API: search, autocomplete, documents, related articles, health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context
from werkzeug.exceptions import NotFound

from indexer.search import (
    DEFAULT_RELATED,
    DEFAULT_SUGGESTIONS,
    EXPORT_MEDIA_TYPES,
    MAX_EXPORT,
    MAX_RELATED,
    MAX_SUGGESTIONS,
    IndexMissing,
    SearchRequest,
    export_format,
    parse_int,
)
from webapp import openapi
from webapp.caching import conditional
from webapp.engine import get_engine

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi_view() -> Any:
    """The OpenAPI description of this API."""
    return jsonify(openapi.spec())


@bp.get("/search")
@conditional
def search_view() -> Any:
    """Search: ``q``, ``page``, ``per_page``, ``sort``, ``source``, ``from``, ``to``, ``fuzzy``, ``collapse``."""
    search = SearchRequest.from_args(request.args, current_app.config["PER_PAGE"])
    return jsonify(get_engine().search(search).to_dict())


@bp.get("/export")
@conditional
def export_view() -> Any:
    """Every result of a search (not one page; up to ``limit``) as CSV or JSON Lines, streamed as it is read."""
    search = SearchRequest.from_args(request.args, current_app.config["PER_PAGE"])
    fmt = export_format(request.args.get("format"))
    chunks = get_engine().export(search, fmt, parse_int(request.args, "limit", MAX_EXPORT, 1, MAX_EXPORT))
    # The file name is fixed (the format is one of two words): nothing the user typed reaches a header.
    disposition = f'attachment; filename="newsfind-export.{fmt}"'
    return Response(
        stream_with_context(chunks), mimetype=EXPORT_MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition}
    )


@bp.get("/suggest")
@conditional
def suggest_view() -> Any:
    """Search-as-you-type: completions of ``q`` and titles of matching articles, as a list."""
    limit = parse_int(request.args, "limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS)
    return jsonify([s.to_dict() for s in get_engine().suggest(request.args.get("q", ""), limit)])


@bp.get("/documents/<path:doc_id>/related")
@conditional
def related_view(doc_id: str) -> Any:
    """Articles about the same subject as this one, as a list."""
    found = get_engine().related(doc_id, parse_int(request.args, "limit", DEFAULT_RELATED, 1, MAX_RELATED))
    if found is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify([r.to_dict() for r in found])


@bp.get("/documents/<path:doc_id>")
@conditional
def document_view(doc_id: str) -> Any:
    """One cleaned article by id."""
    document = get_engine().document(doc_id)
    if document is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify(document.to_dict())


@bp.get("/health")
def health_view() -> Any:
    """Whether the index is open, how many documents it holds, and which generation of it is served."""
    engine = get_engine()
    try:
        documents, generation = engine.count(), engine.generation()
    except IndexMissing:
        return jsonify({"status": "unavailable", "documents": 0, "generation": None}), 503
    return jsonify({"status": "ok", "documents": documents, "generation": generation})
