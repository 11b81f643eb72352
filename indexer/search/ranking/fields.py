"""One word searched in several fields (title, body...) and scored once: BM25F.

Whoosh's ``BM25F`` sums one BM25 score per field, so a word in the title and the body saturates twice and an
article with the word in both outscores one that repeats it in a long body. BM25F proper (Robertson and
Zaragoza) normalises each field's frequency by that field's length, weighs and sums them, and saturates the sum
once: ``tf = sum(w_f * tf_f / (1 - B + B * len_f / avglen_f))``, score ``idf * tf * (K1 + 1) / (tf + K1)``.
A field's weight is its term's boost (times the index-time field boost already in the postings); the word's own
weight (a word said twice) is the group's boost. The idf is the word's in the field where it is most common.

``FieldsWord`` is the query node; Whoosh's collector scores it through ``_WordMatcher`` and
``ranking.arrays`` with whole posting lists, by the same operations in the same order.
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np
from whoosh import matching
from whoosh.query import Or, Term
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Searcher
from whoosh.util import make_binary_tree

from indexer.search.columns import per_reader
from indexer.search.ranking import postings as postings_

# A field's mean length is over the articles that have it (Lucene's); False: over every article (Whoosh's).
AVERAGE_OVER_HAVING = True


class FieldsWord(Or):
    """A word in several fields, scored by BM25F (an OR of the fields' terms, as Whoosh sees its matches)."""

    def terms(self) -> list[Term] | None:
        """The fields' terms, when every child is a term of the same word; None when it is scored as an Or (a
        synonym or a typo-tolerant variant made one of the children a group)."""
        children = self.subqueries
        if not children or any(type(c) is not Term for c in children):
            return None
        if len({c.text for c in children}) != 1:
            return None
        return list(children)

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        """Whoosh's union of the fields' matches, scored by BM25F."""
        terms = self.terms()
        weighting = context.weighting if context is not None else searcher.weighting
        # Variants (a synonym's group), matching without scores (``docs_for_query``), another model: a plain OR.
        if terms is None or not isinstance(weighting, BM25F):
            return super().matcher(searcher, context)
        idf = word_idf(searcher, terms)
        parts, matchers = [], []
        for term in terms:
            found = Term(term.fieldname, term.text).matcher(searcher, context)
            if found.is_active():
                b = field_b(weighting, term.fieldname)
                parts.append((found, term.boost, term.fieldname, b, avg_length(searcher, term.fieldname)))
                matchers.append(found)
        if not matchers:
            return matching.NullMatcher()
        union = make_binary_tree(matching.UnionMatcher, matchers)
        return _WordMatcher(union, parts, searcher, idf, weighting.K1, self.boost)


def saturate(tf: Any, idf: float, k1: float, boost: float) -> Any:
    """The BM25 saturation of a weighted, length-normalised frequency (a float or an array)."""
    return idf * (tf * (k1 + 1)) / (tf + k1) * boost


def normalised(boost: float, weight: Any, length: Any, b: float, avgfl: float) -> Any:
    """One field's weighted frequency over its length normalisation (a float or arrays)."""
    return boost * weight / ((1 - b) + b * length / avgfl)


def lucene_idf(docs: int, found: int) -> float:
    """Lucene's idf, ``log(1 + (N - n + 0.5) / (n + 0.5))``."""
    return log(1 + (docs - found + 0.5) / (found + 0.5))


def word_idf(searcher: Searcher, terms: list[Term]) -> float:
    """The word's idf over the whole index, from its document frequency in the field where it is most common."""
    parent = searcher.get_parent()
    found = 0
    for term in terms:
        if term.fieldname in parent.schema:
            try:
                text = parent.schema[term.fieldname].to_bytes(term.text)
            except ValueError:
                continue
            found = max(found, parent.doc_frequency(term.fieldname, text))
    return lucene_idf(parent.doc_count_all(), found)


def field_b(weighting: Any, fieldname: str) -> float:
    """The length normalisation of a field (``title_B=`` given to the weighting, else its ``B``)."""
    return weighting._field_B.get(fieldname, weighting.B)


def avg_length(searcher: Searcher, fieldname: str) -> float:
    """A field's mean length over the articles that have it (Lucene's), not over every article as Whoosh
    has it: a collection of headlines without text would otherwise make every body look long."""
    parent = searcher.get_parent()
    reader = parent.reader()
    return per_reader(reader, ("average length", fieldname), lambda: _avg_length(parent, fieldname))


def _avg_length(searcher: Searcher, fieldname: str) -> float:
    if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
        return 1.0
    if not AVERAGE_OVER_HAVING:
        return searcher.avg_field_length(fieldname) or 1.0
    having = sum(
        int(np.count_nonzero(postings_.length_codes(reader, fieldname)))
        for reader, _ in searcher.reader().leaf_readers()
    )
    return (searcher.field_length(fieldname) / having if having else 0.0) or 1.0


class FieldScorer(BM25FScorer):
    """Whoosh's BM25 of one field with the field's mean length over the articles that have it."""

    def __init__(self, searcher: Searcher, fieldname: str, text: bytes, B: float, K1: float, qf: float = 1):  # noqa: N803
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self.avgfl = avg_length(searcher, fieldname)


class _WordMatcher(matching.WrappingMatcher):
    """The union of a word's matches in its fields, scored by BM25F from each field's matcher at the document."""

    def __init__(
        self,
        child: matching.Matcher,
        parts: list[tuple[matching.Matcher, float, str, float, float]],
        searcher: Searcher,
        idf: float,
        k1: float,
        boost: float,
    ):
        super().__init__(child)
        self.parts, self.searcher, self.idf, self.k1, self.word_boost = parts, searcher, idf, k1, boost

    def copy(self) -> _WordMatcher:
        """Not needed by the collectors: the fields' matchers are shared with the union."""
        raise NotImplementedError("FieldsWord matchers are not copied")

    def replace(self, minquality: float = 0) -> matching.Matcher:
        """Itself while active: the union below keeps the fields' matchers the score reads."""
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        """No: block qualities are the fields' own BM25, not this score."""
        return False

    def score(self) -> float:
        """BM25F of the current document."""
        docnum = self.child.id()
        tf = 0.0
        for found, boost, fieldname, b, avgfl in self.parts:
            if found.is_active() and found.id() == docnum:
                length = self.searcher.doc_field_length(docnum, fieldname)
                tf += normalised(boost, found.weight(), length, b, avgfl)
        return saturate(tf, self.idf, self.k1, self.word_boost)
