"""The search core: query text in, plain dataclasses out, through one ``Engine``.

The web app, the CLI and the benchmarks use only the names exported here."""

from indexer.index.store import IndexMissing
from indexer.search.engine import Engine
from indexer.search.export import MEDIA_TYPES as EXPORT_MEDIA_TYPES
from indexer.search.request import (
    DEFAULT_PER_PAGE,
    DEFAULT_RELATED,
    DEFAULT_SUGGESTIONS,
    EXPORT_FORMATS,
    FEED_ENTRIES,
    FUZZY_MODES,
    MAX_EXPORT,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_RELATED,
    MAX_RESULT_WINDOW,
    MAX_SUGGESTIONS,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    PREFIX_MODES,
    SORTS,
    Filters,
    SearchError,
    SearchRequest,
    export_format,
    parse_int,
)
from indexer.search.results import ArticlePage, Document, Hit, Related, SearchResults, Suggestion, Summary
from indexer.search.stats import IndexStats
from indexer.search.timeline import INTERVALS

__all__ = [
    "DEFAULT_PER_PAGE",
    "DEFAULT_RELATED",
    "DEFAULT_SUGGESTIONS",
    "EXPORT_FORMATS",
    "EXPORT_MEDIA_TYPES",
    "FEED_ENTRIES",
    "FUZZY_MODES",
    "INTERVALS",
    "MAX_EXPORT",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_RELATED",
    "MAX_RESULT_WINDOW",
    "MAX_SUGGESTIONS",
    "MAX_VALUE_CHARS",
    "MAX_VALUES",
    "PREFIX_MODES",
    "SORTS",
    "ArticlePage",
    "Document",
    "Engine",
    "Filters",
    "Hit",
    "IndexMissing",
    "IndexStats",
    "Related",
    "SearchError",
    "SearchRequest",
    "SearchResults",
    "Suggestion",
    "Summary",
    "export_format",
    "parse_int",
]
