"""The index as an app resource: opened lazily, one searcher per thread, reopened after a reindex."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from whoosh.searching import Searcher

from indexer import settings
from indexer.search.query import Synonyms, load_synonyms
from indexer.search.searchers import SearcherCache

EXTENSION = "newsfind.searchers"


def get_searcher() -> Searcher:
    """The searcher for this request (raises IndexMissing when no index is built)."""
    if "searcher" not in g:
        g.searcher = current_app.extensions[EXTENSION].get()
    return g.searcher


def init_app(app: Flask) -> None:
    """Attach a searcher cache for the configured index directory; the app never writes to it."""
    app.extensions[EXTENSION] = SearcherCache(Path(app.config["INDEX_DIR"]))


def get_synonyms() -> Synonyms:
    """The synonyms of the configured ``SYNONYMS_FILE`` (re-read when the file changes)."""
    return load_synonyms(current_app.config[settings.SYNONYMS_FILE.name])


def index_version() -> str:
    """Which committed index this thread reads (generation folder and Whoosh generation), for cache keys."""
    return current_app.extensions[EXTENSION].version()


def synonyms_version() -> str:
    """What identifies the synonyms in use (the file's modification time and size), for cache keys."""
    try:
        stat = Path(current_app.config[settings.SYNONYMS_FILE.name]).stat()
    except OSError:
        return "none"
    return f"{stat.st_mtime_ns}-{stat.st_size}"
