"""One error shape: JSON under /api/, an HTML page elsewhere; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from indexer.search import IndexMissing, SearchError
from webapp.pages import FRAGMENT_HEADER, wants_fragment

log = logging.getLogger(__name__)


def error_body(code: str, message: str) -> dict[str, Any]:
    """The body of every JSON error: ``{"error": {"code", "message"}}``."""
    return {"error": {"code": code, "message": message}}


def _code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def _respond(exc: HTTPException) -> Any:
    status = exc.code or 500
    # Keep the exception's own headers (a 405's Allow, a 503's Retry-After), not its HTML content type.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if request.path.startswith("/api/"):
        return jsonify(error_body(_code(exc), exc.description or exc.name)), status, headers
    headers.append(("Vary", FRAGMENT_HEADER))
    if wants_fragment():  # the page's script shows it above the results it keeps
        return render_template("pages/_alert.html", status=status, message=exc.description), status, headers
    page = render_template("pages/error.html", status=status, title=exc.name, message=exc.description)
    return page, status, headers


def init_app(app: Flask) -> None:
    """Register the handlers; they also see routing 404s and 405s, which blueprint handlers would not."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return _respond(exc)

    @app.errorhandler(SearchError)
    def bad_search(exc: SearchError) -> Any:
        return _respond(BadRequest(str(exc)))

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing) -> Any:
        message = "The index has not been built yet. Build it with: newsfind reindex (docs/cli.md)"
        return _respond(ServiceUnavailable(message))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s", request.path)
        return _respond(InternalServerError("Something went wrong on our side. Please try again."))
