"""The Flask app: a search page and a JSON API over the index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from flask_cors import CORS

from indexer import settings
from indexer.search import MAX_QUERY_CHARS
from webapp.jsonprovider import OrjsonProvider

# Every setting's default (indexer/settings.py declares them once); NEWSSEARCH_* variables override them.
DEFAULTS: dict[str, Any] = {s.name: s.default for s in settings.SETTINGS}

# No inline script or style: every asset is a file served by the app itself.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then ``NEWSSEARCH_*`` environment variables, then ``config``."""
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # facets keep their order: most frequent first
    app.url_map.merge_slashes = False  # "/api/documents//x" is an unknown id (404), not a redirect to another one
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(settings.ENV_PREFIX)
    if config:
        app.config.update(config)

    from webapp import api, engine, errors, feeds, pages

    engine.init_app(app)
    app.jinja_env.globals["MAX_QUERY_CHARS"] = MAX_QUERY_CHARS
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.jinja_env.globals["feed_args"] = feeds.feed_args
    app.after_request(_security_headers)
    if origins := _origins(app.config["CORS_ORIGINS"]):
        CORS(app, resources={r"/api/*": {"origins": origins}}, methods=["GET"], expose_headers=["ETag"])
    return app


def _origins(value: str | list[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [o.strip() for o in items if o.strip()]


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
