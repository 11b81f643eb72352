"""The search engine as an app resource, in the shape of flaskr's ``db.py``: one per app, opened lazily."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.search import Engine

EXTENSION = "newsfind.engine"


def get_engine() -> Engine:
    """The app's engine (it opens the index on first use, and again after each reindex)."""
    return current_app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    """Attach an engine for the configured index and synonyms; the app never writes to the index."""
    app.extensions[EXTENSION] = Engine(app.config["INDEX_DIR"], app.config["SYNONYMS_FILE"] or None)
