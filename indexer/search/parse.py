"""Reading user query syntax leniently: operators, phrases, fields, ``+``/``-``; broken syntax becomes words."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from whoosh import qparser
from whoosh.query import And, Every, NullQuery, Or, Prefix, Query, Term, Wildcard

from indexer.index.languages import DEFAULT_LANGUAGE, in_language
from indexer.index.schema import DEFAULT_FIELDS, query_schema
from indexer.search.ranking.model import free_text, said_once

MIN_PREFIX = 2
_BROAD_WILDCARD = re.compile(rf"(?<![\w*?])\w{{0,{MIN_PREFIX - 1}}}[*?][\w*?]*")
# An all-capitals query longer than this is a sentence typed in capitals, not a query with operators.
SHOUTED_WORDS = 6
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})  # words the parser reads as operators


class Variants(Or):
    """One word or phrase analysed in several languages; the span the parser gives it is each variant's span."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in ("startchar", "endchar"):
            for child in self.subqueries:
                setattr(child, name, value)


def _in_each(languages: Sequence[str], build: Callable[[], Query | None]) -> Query | None:
    """What ``build`` makes of the query text analysed in each language: one query, or an OR of the variants."""
    variants: list[Query] = []
    for lang in languages:
        with in_language(lang):
            found = build()
        if found is not None and found not in variants:
            variants.append(found)
    if len(variants) > 1:
        for variant in variants:
            if type(variant) is Term:  # one word's forms: counted as one word when a query is relaxed
                variant.variant = True
        return Variants(variants)
    return variants[0] if variants else None


class _Parser(qparser.QueryParser):
    """Whoosh's parser, analysing each word and phrase in every language the query could be in."""

    def __init__(self, languages: tuple[str, ...], plugins: list[Any] | None) -> None:
        super().__init__(None, query_schema(), plugins=plugins, group=qparser.AndGroup)
        self.languages = languages
        self.add_plugin(qparser.MultifieldPlugin(list(DEFAULT_FIELDS)))

    def term_query(self, fieldname: str, text: str, termclass: Any, boost: float = 1.0, **kwargs: Any) -> Query:
        """A word's query in each language (an OR when the languages analyse it differently)."""
        parent = super().term_query
        return _in_each(self.languages, lambda: parent(fieldname, text, termclass, boost=boost, **kwargs))


class _PhrasePlugin(qparser.PhrasePlugin):
    """Quoted phrases, analysed in every language the query could be in."""

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser: Any) -> Query:
            parent = super().query
            return qparser.syntax.attach(_in_each(parser.languages, lambda: parent(parser)), self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser: Any, match: re.Match[str]) -> Any:
            node = super().create(parser, match)
            return _PhrasePlugin.PhraseNode(node.text, node.textstartchar, node.slop)


@lru_cache(maxsize=64)
def _parsers(languages: tuple[str, ...]) -> tuple[qparser.QueryParser, qparser.QueryParser]:
    full = _Parser(languages, plugins=None)
    full.remove_plugin_class(qparser.EveryPlugin)
    full.remove_plugin_class(qparser.PhrasePlugin)
    full.add_plugin(_PhrasePlugin())
    # A minus negates the word it touches: not "real-time", nor a dash between spaces.
    full.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\w)\+", minusexpr=r"(?<!\w)-(?=\w)"))
    plain = _Parser(languages, plugins=[])
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


def parse_query(text: str, languages: Sequence[str] = (DEFAULT_LANGUAGE,)) -> Query:
    """Parse user syntax leniently; broken syntax falls back to the plain words (may be NullQuery)."""
    return parse(text, languages)[0]


def parse(text: str, languages: Sequence[str] = (DEFAULT_LANGUAGE,)) -> tuple[Query, str]:
    """The query, its words analysed in each of ``languages``, and the string it was parsed from (its terms'
    character spans point into that string)."""
    # A question mark that ends a word ends a question ("what is fusion?"); a wildcard is inside a word ("wom?n").
    text = re.sub(r"(?<=\w)\?+(?!\S)", "", text)
    if text.isupper() and len(re.findall(r"\w+", text)) > SHOUTED_WORDS:  # a sentence in capitals: AND, NOT are words
        text = text.lower()
    if all(w in OPERATORS for w in re.findall(r"\w+", text)):  # "AND OR": operators with nothing to join
        return NullQuery, text
    full, plain = _parsers(tuple(languages) or (DEFAULT_LANGUAGE,))
    try:
        query = said_once(full.parse(text, normalize=False))
    except Exception:  # noqa: BLE001 - any parser failure means: read it as words
        query = NullQuery
    if query is NullQuery or _too_broad(query) or _unbalanced(text):
        # A wildcard too broad to run is dropped, not read as the word it starts with ("a*" is not "a").
        text = plain_words(_BROAD_WILDCARD.sub(" ", text))
        query = said_once(plain.parse(text, normalize=False))
    if type(query) not in (And, Or) and query.normalize() is NullQuery:  # only NOT (-1): nothing to search for
        return NullQuery, text
    return free_text(query, languages), text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("(") != text.count(")")
