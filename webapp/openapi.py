"""The OpenAPI 3.1 description of the JSON API, built from the same limits the code enforces."""

from __future__ import annotations

from typing import Any

from indexer.search import EXPORT_MEDIA_TYPES, INTERVALS
from indexer.search import request as limits

_NULLABLE_STRING = {"type": ["string", "null"]}
_EMPTY = {"type": "string", "maxLength": 0}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required or list(properties),
        "additionalProperties": False,
    }


def _query(name: str, description: str, schema: dict[str, Any], repeat: bool = False) -> dict[str, Any]:
    # An empty value means the default, as an HTML form sends it for an untouched field.
    schema = {"anyOf": [schema, _EMPTY]}
    if repeat:
        schema = {"type": "array", "items": schema, "maxItems": limits.MAX_VALUES}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": True} if repeat else {}),
    }


def _limit(high: int, default: int) -> dict[str, Any]:
    return _query(
        "limit", "How many to return.", {"type": "integer", "minimum": 1, "maximum": high, "default": default}
    )


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "A parameter is invalid; the message says which and why."),
    "503": _json(_ref("Error"), "No index has been built yet."),
}
_ID = {
    "name": "doc_id",
    "in": "path",
    "required": True,
    "description": "A document id as returned in hits.",
    "schema": {"type": "string", "minLength": 1},
}

_SUMMARY = {
    "id": {"type": "string"},
    "title": {"type": "string"},
    "source": _NULLABLE_STRING,
    "date": {**_NULLABLE_STRING, "description": "Publication time, ISO 8601."},
    "url": _NULLABLE_STRING,
}

SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": _object({"code": {"type": "string"}, "message": {"type": "string"}})}),
    "Article": _object(_SUMMARY),
    "Hit": _object(
        {
            **_SUMMARY,
            "score": {"type": ["number", "null"], "description": "Relevance score; null when sorted by date."},
            "highlights": {
                **_object(
                    {
                        "title": {"type": "array", "items": {"type": "string"}},
                        "body": {"type": "array", "items": {"type": "string"}},
                    }
                ),
                "description": "Escaped HTML fragments per field; matches are wrapped in <mark>.",
            },
            "places": {"type": "array", "items": {"type": "string"}},
            "similar": _object(
                {
                    "count": {"type": "integer", "minimum": 0},
                    "ids": {"type": "array", "items": {"type": "string"}},
                    "articles": {"type": "array", "items": _ref("Article")},
                }
            ),
        }
    ),
    "Bucket": _object(
        {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
        }
    ),
    "SearchResults": _object(
        {
            "query": {"type": "string"},
            "hits": {"type": "array", "items": _ref("Hit")},
            "total": {
                **_object({"value": {"type": "integer", "minimum": 0}, "relation": {"enum": ["eq", "approx"]}}),
                "description": "Matching stories: articles with near-duplicate copies folded into one hit; "
                "'approx' when folding stopped before the last match and the rest was "
                "extrapolated.",
            },
            "articles": {
                "type": "integer",
                "minimum": 0,
                "description": "Matching articles, copies included: what the facets and the timeline count. "
                "Equals total.value when nothing was folded (collapse=off).",
            },
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": limits.MAX_PER_PAGE},
            "total_pages": {"type": "integer", "minimum": 1},
            "took_ms": {"type": "number", "minimum": 0},
            "facets": _object(
                {
                    "source": _COUNTS,
                    "year": _COUNTS,
                    "month": _COUNTS,
                    "place": _COUNTS,
                    "fields": {
                        "type": "object",
                        "additionalProperties": _COUNTS,
                        "description": "Counts per value of each facet declared at indexing "
                        "(reindex --facet NAME), by name.",
                    },
                }
            ),
            "timeline": _object(
                {
                    "interval": {"enum": list(INTERVALS)},
                    "buckets": {"type": "array", "items": _ref("Bucket")},
                    "undated": {"type": "integer", "minimum": 0},
                }
            ),
            "suggestion": {**_NULLABLE_STRING, "description": "A spelling correction, when the query found little."},
            "fuzzy_applied": {"type": "boolean"},
            "corrected": {
                **_NULLABLE_STRING,
                "description": "The query whose hits these are, when the one typed had misspelt words and found "
                "too little (the suggestion); `fuzzy=off` searches the words as typed.",
            },
            "unknown_words": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Words of the query that no article holds: a spelling to check.",
            },
            "unfiltered": {
                "anyOf": [
                    {"type": "null"},
                    _object({"total": {"type": "integer", "minimum": 0}, "undated": {"type": "integer", "minimum": 0}}),
                ],
                "description": "Set when filters are on and left no result: how many "
                "articles match without filters, and how many of those have no date.",
            },
        }
    ),
    "Document": _object(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            **{
                name: _NULLABLE_STRING
                for name in ("source", "credit", "dateline", "author", "date", "url", "language", "path")
            },
            "places": {"type": "array", "items": {"type": "string"}},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "The article's values of each declared facet.",
            },
        }
    ),
    "Related": _object({**_SUMMARY, "score": {"type": "number"}}),
    "Suggestion": _object({"text": {"type": "string"}, "kind": {"enum": ["term", "title"]}, "id": _NULLABLE_STRING}),
    "Health": _object(
        {
            "status": {"enum": ["ok", "unavailable"]},
            "documents": {"type": "integer", "minimum": 0},
            "generation": {**_NULLABLE_STRING, "description": "The index generation served."},
        }
    ),
}

_SEARCH_PARAMETERS = [
    _query(
        "q",
        'The query: words (AND), "phrases", OR, -exclude, field:word, prefix*.',
        {"type": "string", "maxLength": limits.MAX_QUERY_CHARS},
    ),
    _query(
        "page",
        f"Page number; page x per_page may not pass {limits.MAX_RESULT_WINDOW}.",
        {"type": "integer", "minimum": 1, "default": 1},
    ),
    _query(
        "per_page",
        "Hits per page.",
        {"type": "integer", "minimum": 1, "maximum": limits.MAX_PER_PAGE, "default": limits.DEFAULT_PER_PAGE},
    ),
    _query("sort", "Order of the hits.", {"enum": list(limits.SORTS), "default": "relevance"}),
    _query("source", "Only these outlets (repeatable).", {"type": "string", "maxLength": limits.MAX_VALUE_CHARS}, True),
    _query(
        "place",
        "Only articles mentioning one of these places (repeatable).",
        {"type": "string", "maxLength": limits.MAX_VALUE_CHARS},
        True,
    ),
    _query(
        "filter",
        "Only articles with one of these values of a declared facet, as NAME:VALUE (repeatable; "
        "values of one facet are alternatives, facets combine). A name the index does not have is a 400.",
        {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,31}:\s*\S", "maxLength": limits.MAX_VALUE_CHARS + 33},
        True,
    ),
    _query("from", "Published on or after this day.", {"type": "string", "format": "date"}),
    _query("to", "Published on or before this day (not before `from`).", {"type": "string", "format": "date"}),
    _query(
        "fuzzy",
        "Retry with typo tolerance when little is found.",
        {"enum": list(limits.FUZZY_MODES), "default": "auto"},
    ),
    _query(
        "collapse", "Fold near-duplicate articles into the best-ranked copy.", {"enum": ["on", "off"], "default": "on"}
    ),
    _query(
        "prefix",
        "'last': the last word is still being typed and also matches the words it begins (search as "
        "you type); a plain word ending the query, of at least two letters.",
        {"enum": list(limits.PREFIX_MODES), "default": "none"},
    ),
]

# An export takes the search's query, sort and filters (not its paging), a format and a bound.
_EXPORT_PARAMETERS = [
    *(p for p in _SEARCH_PARAMETERS if p["name"] not in ("page", "per_page")),
    _query(
        "format",
        "The file format: CSV (a header line, then one row per result) or JSON Lines.",
        {"enum": list(limits.EXPORT_FORMATS), "default": limits.EXPORT_FORMATS[0]},
    ),
    _query(
        "limit",
        f"At most this many results (the first ones, in the search's order; up to {limits.MAX_EXPORT}).",
        {"type": "integer", "minimum": 1, "maximum": limits.MAX_EXPORT, "default": limits.MAX_EXPORT},
    ),
]
_EXPORT_DESCRIPTION = (
    "Every result of a search, not one page, streamed as it is read: rank, id, title, source, date, url, places, "
    "score (null when sorted by date), similar (copies folded into it) and snippet (the body's start, plain text). "
    f"At most {limits.MAX_EXPORT} results; CSV cells that a spreadsheet would read as a formula start with a quote."
)


def spec() -> dict[str, Any]:
    """The OpenAPI document served at ``/api/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "News search API",
            "version": "1",
            "description": "Full-text search over a folder of news articles. Errors share one shape.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search articles",
                    "operationId": "search",
                    "parameters": _SEARCH_PARAMETERS,
                    "responses": {
                        "200": _json(_ref("SearchResults"), "One page of hits with facets and a timeline."),
                        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
                        **_ERRORS,
                    },
                }
            },
            "/api/export": {
                "get": {
                    "summary": "Export every result of a search",
                    "operationId": "export",
                    "description": _EXPORT_DESCRIPTION,
                    "parameters": _EXPORT_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "The results as a file (Content-Disposition: attachment).",
                            "content": {
                                EXPORT_MEDIA_TYPES[f]: {"schema": {"type": "string"}} for f in limits.EXPORT_FORMATS
                            },
                        },
                        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
                        **_ERRORS,
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Completions for search-as-you-type",
                    "operationId": "suggest",
                    "parameters": [
                        _query("q", "What has been typed so far.", {"type": "string"}),
                        _limit(limits.MAX_SUGGESTIONS, limits.DEFAULT_SUGGESTIONS),
                    ],
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("Suggestion")}, "Completions."),
                        **_ERRORS,
                    },
                }
            },
            "/api/documents/{doc_id}": {
                "get": {
                    "summary": "One cleaned article",
                    "operationId": "document",
                    "parameters": [_ID],
                    "responses": {
                        "200": _json(_ref("Document"), "The article."),
                        "404": _json(_ref("Error"), "No article has this id."),
                        **_ERRORS,
                    },
                }
            },
            "/api/documents/{doc_id}/related": {
                "get": {
                    "summary": "Articles about the same subject",
                    "operationId": "related",
                    "parameters": [
                        _ID,
                        _limit(limits.MAX_RELATED, limits.DEFAULT_RELATED),
                    ],
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("Related")}, "Related articles."),
                        "404": _json(_ref("Error"), "No article has this id."),
                        **_ERRORS,
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Whether the index is open",
                    "operationId": "health",
                    "responses": {
                        "200": _json(_ref("Health"), "The index is open."),
                        "503": _json(_ref("Health"), "No index has been built yet."),
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
