"""Reading user query syntax leniently: operators, phrases, fields, ``+``/``-``; broken syntax becomes words."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh import qparser
from whoosh.query import Every, NullQuery, Prefix, Query, Wildcard

from indexer.index.schema import DEFAULT_FIELDS, query_schema
from indexer.search.ranking.model import free_text

MIN_PREFIX = 2
_BROAD_WILDCARD = re.compile(rf"(?<![\w*?])\w{{0,{MIN_PREFIX - 1}}}[*?][\w*?]*")
# An all-capitals query longer than this is a sentence typed in capitals, not a query with operators.
SHOUTED_WORDS = 6
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})  # words the parser reads as operators


@lru_cache(maxsize=1)
def _parsers() -> tuple[qparser.QueryParser, qparser.QueryParser]:
    schema = query_schema()
    full = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    full.remove_plugin_class(qparser.EveryPlugin)
    # A minus negates the word it touches: not "real-time", nor a dash between spaces.
    full.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\w)\+", minusexpr=r"(?<!\w)-(?=\w)"))
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
    return " ".join(w for w in re.findall(r"\w+", text) if w not in OPERATORS)


def parse_query(text: str) -> Query:
    """Parse user syntax leniently; broken syntax falls back to the plain words (may be NullQuery)."""
    return parse(text)[0]


def parse(text: str) -> tuple[Query, str]:
    """The query and the string it was parsed from (its terms' character spans point into that string)."""
    # A question mark that ends a word ends a question ("what is fusion?"); a wildcard is inside a word ("wom?n").
    text = re.sub(r"(?<=\w)\?+(?!\S)", "", text)
    if text.isupper() and len(re.findall(r"\w+", text)) > SHOUTED_WORDS:  # a sentence in capitals: AND, NOT are words
        text = text.lower()
    if all(w in OPERATORS for w in re.findall(r"\w+", text)):  # "AND OR": operators with nothing to join
        return NullQuery, text
    full, plain = _parsers()
    try:
        query = full.parse(text)
    except Exception:  # noqa: BLE001 - any parser failure means: read it as words
        query = NullQuery
    if query is NullQuery or _too_broad(query) or _unbalanced(text):
        # A wildcard too broad to run is dropped, not read as the word it starts with ("a*" is not "a").
        text = plain_words(_BROAD_WILDCARD.sub(" ", text))
        query = plain.parse(text)
    return free_text(query), text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("(") != text.count(")")
