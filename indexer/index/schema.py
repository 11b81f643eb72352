"""The index schema."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from whoosh.analysis import Analyzer
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from indexer.clean.places import PLACES_VERSION
from indexer.index.analysis import ANALYSIS_VERSION
from indexer.index.dedup import SIGNATURE_VERSION
from indexer.index.languages import LanguageAnalyzer

# Fields a user may name in a query (``title:japan``); dates and ids are filtered in code, never parsed.
QUERY_FIELDS = ("title", "body", "source", "credit", "dateline", "author")
DEFAULT_FIELDS = ("title", "body", "dateline")
# A word in the title weighs this much more than in the body. Whoosh multiplies it into the postings at index
# time, so it is part of the index format (changing it means a rebuild); the rest of ranking is in search/ranking.
TITLE_BOOST = 2.0
# A keyword field an export carries and the user declared a facet (``--facet category``) is indexed under this
# prefix: ``facet_category``. The search side finds the facets of an index by it.
FACET_PREFIX = "facet_"
# The facets every index has, beside those a user declares: each article's language (``indexer/clean/language``).
BUILT_IN_FACETS = ("language",)


def get_schema(facets: Sequence[str] = (), reading: Hashable = ()) -> Schema:
    """The schema every index is built with, plus a keyword field per declared facet; ``reading`` identifies how
    source records were read (a JSONL field mapping), kept in the index so that a change rebuilds it."""
    schema = _base_schema()
    for name in BUILT_IN_FACETS:  # stored in their own fields already
        schema.add(FACET_PREFIX + name, KEYWORD(commas=True, lowercase=False, scorable=False))
    for name in facets:
        schema.add(FACET_PREFIX + name, KEYWORD(stored=True, commas=True, lowercase=False, scorable=False))
    schema["id"].reading = reading
    return schema


def facet_names(schema: Schema) -> list[str]:
    """The declared facets of an index, by its schema."""
    return [name[len(FACET_PREFIX) :] for name in schema.names() if name.startswith(FACET_PREFIX)]


def _base_schema() -> Schema:
    analyzer = LanguageAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST),
        # Character positions let the highlighter find matches without re-analysing the body.
        body=_analysed(TEXT(analyzer=analyzer, stored=True, chars=True)),
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
        # Unstemmed words of title and body: the vocabulary for "did you mean" and autocomplete.
        words=_vocabulary_field(),
        # Countries the article mentions (indexer/clean/places.py), for the Places facet and the ``place`` filter.
        places=_places_field(),
        # MinHash signature of the body (indexer/index/dedup.py), read at query time to fold near-duplicates.
        minhash=_minhash_field(),
    )


def _minhash_field() -> COLUMN:
    field = COLUMN()
    # Kept in the index's stored schema: signatures from another scheme are not comparable (a full rebuild).
    field.signature_version = SIGNATURE_VERSION
    return field


def _vocabulary_field() -> TEXT:
    field = TEXT(analyzer=vocabulary_analyzer(), phrase=False)
    # A full build writes it as a vocabulary, not an index (indexer/index/segments.py): one posting per word and
    # segment, weighted by the number of its documents holding the word. Read it with ``reader.frequency``
    # (documents, or occurrences in segments written one document at a time), never by its postings.
    field.vocabulary = True
    return field


def _places_field() -> KEYWORD:
    field = KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)
    # Kept in the index's stored schema: an index whose places came from another detector version is rebuilt.
    field.detector_version = PLACES_VERSION
    return field


def _analysed(field: TEXT) -> TEXT:
    # Kept in the index's stored schema: an index analysed another way (stop words dropped, say) is rebuilt.
    field.analysis_version = ANALYSIS_VERSION
    return field


def schema_matches(stored: Schema, facets: Sequence[str] = (), reading: Hashable = ()) -> bool:
    """Whether an index built with ``stored`` has the current fields and derived values, the same analysis and
    declared facets, and records read the same way (else: rebuild in full)."""
    current = get_schema(facets, reading)
    if set(stored.names()) != set(current.names()):
        return False
    if getattr(stored["body"], "analysis_version", 1) != ANALYSIS_VERSION:
        return False
    if getattr(stored["id"], "reading", ()) != reading:
        return False
    return (
        getattr(stored["places"], "detector_version", None) == PLACES_VERSION
        and getattr(stored["minhash"], "signature_version", None) == SIGNATURE_VERSION
    )


def vocabulary_analyzer() -> Analyzer:
    """Words as people type them: lowercased and accent-folded, never stemmed or stopped (Japanese words as
    written, Chinese and Korean bigrams)."""
    return LanguageAnalyzer("vocabulary")


def query_schema() -> Schema:
    """The searchable text fields only, so the query parser never builds date or id queries."""
    full = _base_schema()
    return Schema(**{name: full[name] for name in QUERY_FIELDS})


def stored_record(stored: Mapping[str, Any]) -> dict[str, Any]:
    """An article's stored fields as the record the search core returns: the one stored-fields mapping."""
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "source": stored.get("source"),
        "date": stored.get("published"),
        "url": stored.get("url"),
        "body": stored.get("body", ""),
        "credit": stored.get("credit"),
        "dateline": stored.get("dateline"),
        "author": stored.get("author"),
        "language": stored.get("language"),
        "path": stored.get("path"),
        "places": [p for p in (stored.get("places") or "").split(",") if p],
        "fields": {
            name[len(FACET_PREFIX) :]: [v for v in value.split(",") if v]
            for name, value in stored.items()
            if name.startswith(FACET_PREFIX) and value
        },
    }


def column_text(value: bytes | str) -> str:
    """A text column's value as a string (Whoosh returns bytes for ID columns)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value
