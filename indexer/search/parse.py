"""Reading user query syntax leniently: operators, phrases, fields, ``+``/``-``; broken syntax becomes words."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh import qparser
from whoosh.query import Every, NullQuery, Prefix, Query, Wildcard

from indexer.index.schema import DEFAULT_FIELDS, query_schema

MIN_PREFIX = 2
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})  # words the parser reads as operators


@lru_cache(maxsize=1)
def _parsers() -> tuple[qparser.QueryParser, qparser.QueryParser]:
    schema = query_schema()
    full = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    full.remove_plugin_class(qparser.EveryPlugin)
    full.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\w)\+", minusexpr=r"(?<!\w)-"))  # not "real-time"
    plain = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup, plugins=[])
    return full, plain


def _too_broad(query: Query) -> bool:
    """True for queries that would expand to most of the vocabulary (``*``, ``a*``)."""
    for q in query.leaves():
        if isinstance(q, Every):
            return True
        if isinstance(q, Prefix | Wildcard):
            literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
            if len(literal) < MIN_PREFIX:
                return True
    return False


def plain_words(text: str) -> str:
    """The words of a query with every operator and symbol removed."""
    return " ".join(w if w not in OPERATORS else w.lower() for w in re.findall(r"\w+", text))


def parse_query(text: str) -> Query:
    """Parse user syntax leniently; broken syntax falls back to the plain words (may be NullQuery)."""
    return parse(text)[0]


def parse(text: str) -> tuple[Query, str]:
    """The query and the string it was parsed from (its terms' character spans point into that string)."""
    full, plain = _parsers()
    try:
        query = full.parse(text)
    except Exception:  # noqa: BLE001 - any parser failure means: read it as words
        query = NullQuery
    if query is NullQuery or _too_broad(query) or _unbalanced(text):
        text = plain_words(text)
        query = plain.parse(text)
    return query, text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("(") != text.count(")")
