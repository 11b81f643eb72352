"""The index schema."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from indexer.analysis import news_analyzer
from indexer.ranking import FIELD_BOOSTS

# Fields a user may name in a query (``title:japan``); dates and ids are filtered in code, never parsed.
QUERY_FIELDS = ("title", "body", "source", "credit", "dateline", "author")
DEFAULT_FIELDS = ("title", "body", "dateline")


def get_schema() -> Schema:
    """The schema every index is built with."""
    analyzer = news_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=FIELD_BOOSTS["title"]),
        # Character positions let the highlighter find matches without re-analysing the body.
        body=TEXT(analyzer=analyzer, stored=True, chars=True),
        source=TEXT(analyzer=analyzer, stored=True),
        source_name=ID(sortable=True),
        credit=TEXT(analyzer=analyzer, stored=True),
        dateline=TEXT(analyzer=analyzer, stored=True),
        author=TEXT(analyzer=analyzer, stored=True),
        date=DATETIME(sortable=True),
        published=STORED(),
        url=STORED(),
        language=ID(stored=True),
        path=ID(stored=True, sortable=True),
        hash=ID(stored=True, sortable=True),
    )


def query_schema() -> Schema:
    """The searchable text fields only, so the query parser never builds date or id queries."""
    full = get_schema()
    return Schema(**{name: full[name] for name in QUERY_FIELDS})
