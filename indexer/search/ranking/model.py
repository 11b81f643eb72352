"""How results are ranked: the scoring function, the weight of each field, and relaxing a too-narrow query."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from math import log
from typing import Any

from whoosh import scoring
from whoosh.query import And, NullQuery, Or, Phrase, Query, Term

from indexer.index.analysis import news_analyzer, query_stop_stems
from indexer.index.languages import DEFAULT_LANGUAGE, has_cjk, stop_terms_of
from indexer.search.ranking.fields import FieldScorer, FieldsWord

# BM25: K1 2.0 lets a word repeated in an article keep adding (news repeats its subject); B 0.6 normalises a
# body's length a little less than the usual 0.75 (every collection left out picks it, docs/relevance.md row 48).
K1, B = 2.0, 0.6
# A title's own length normalisation.
TITLE_B = 0.75
# A plain all-words query with fewer strict hits than this (a full page at most) is relaxed into a ranked OR.
RELAX_BELOW = 100
# Two words are few enough to mean "both"; longer queries read as a description of what is wanted.
RELAX_MIN_WORDS = 3
# Up to this many words a query is what people type into a search box: each word is meant (all words first).
SHORT_QUERY_WORDS = 4
# A title's weight in a relaxed query's BM25F, on top of the index's TITLE_BOOST (2): a title word counts five
# body words. Chosen on every test collection, each left out in turn (docs/relevance.md rows 25 and 50); a strict
# query keeps the index's weight alone (a heavier one lowered the collections whose queries are short).
RELAXED_TITLE_BOOST = 2.5
# A word searched in several fields is scored once over them (BM25F proper), not as a sum of per-field BM25.
BM25F = True
# A word repeated in a relaxed query weighs (times said) ** QUERY_TF.
QUERY_TF = 1.0
# In a long relaxed query, two words next to each other that are next to each other in an article add this share
# of their scores again (term proximity, as exact bigrams of the body).
PROXIMITY = 0.2
# How a long, typed request asks ("please supply...", "I would like...", "I am interested in..."): words left
# out of a relaxed query of more than SHORT_QUERY_WORDS words, as the question words are. The nouns such a
# request names ("information on", "details of") are kept: in some collections they are the subject (row 47).
REQUEST_WORDS = frozenset("please supply like interested wish want receive pleased grateful give".split())
# Words that set two things side by side ("fresh fruit versus frozen", "nadal vs federer"): the things are what
# is searched for, so these are left out of free text as stop words are (a phrase keeps them).
CONNECTIVES = frozenset({"vs", "versus"})


class LuceneIdfBM25F(scoring.BM25F):
    """Whoosh's BM25F with the idf of Lucene, tantivy and Terrier, ``log(1 + (N - n + 0.5) / (n + 0.5))``, and
    each field's mean length taken over the articles that have the field (``fields.FieldScorer``).

    Whoosh's own idf, ``log(N / (n + 1)) + 1``, gives a word found in every article a third of a rare word's
    weight: in a long query, the common words then outvote the one that says what it is about. A word searched
    in several fields is scored by ``fields.FieldsWord`` (BM25F proper); this scores a term of one field.
    """

    def idf(self, searcher: Any, fieldname: str, text: bytes) -> float:
        """The term's inverse document frequency in its field, over the whole index."""
        parent = searcher.get_parent()
        found = parent.doc_frequency(fieldname, text)
        return log(1 + (parent.doc_count_all() - found + 0.5) / (found + 0.5))

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: float = 1) -> scoring.BaseScorer:
        """BM25 of one field's term (a field that keeps no lengths is scored by its weight alone)."""
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return FieldScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf=qf)


def weighting() -> scoring.WeightingModel:
    """The scoring model every search uses."""
    return LuceneIdfBM25F(B=B, K1=K1, title_B=TITLE_B)


def _leaves(query: Query) -> list[Query] | None:
    """The terms of a query built only of words, AND and OR; None if it has NOT, phrases, prefixes..."""
    if type(query) is Term:
        return [query]
    if type(query) not in (And, Or, FieldsWord):
        return None
    found: list[Query] = []
    for child in query.children():
        leaves = _leaves(child)
        if leaves is None:
            return None
        found += leaves
    return found


def query_words(query: Query) -> tuple[list[Word], list[str]] | None:
    """The words (in order, each with its variants) and fields of a plain query; None if it uses syntax a user
    chose on purpose.

    Plain means words, hyphenated words and ORs, each searched in the same fields: NOT, phrases, prefixes,
    fuzzy terms or a word restricted to a named field (``title:japan``) are taken as meant.
    """
    leaves = _leaves(query)
    if not leaves:
        return None
    fields: dict[str, set[str]] = {}
    for term in leaves:
        fields.setdefault(term.text, set()).add(term.fieldname)
    every = set().union(*fields.values())
    if any(found != every for found in fields.values()):
        return None
    return typed_words(leaves), sorted(every)


Word = tuple[str, ...]


def typed_words(terms: list[Term]) -> list[Word]:
    """The words typed, in order, each as its terms' texts: a word read in several languages (``secretary`` is
    ``secretari`` in English, as typed in Arabic) is one word with variants. The parser marks such variants
    (``variant``) and gives them the word's span in the query; other terms are words by their text."""
    words: list[list[str]] = []
    found: dict[object, list[str]] = {}
    for term in terms:
        span = (getattr(term, "startchar", None), getattr(term, "endchar", None))
        key = span if getattr(term, "variant", False) and None not in span else term.text
        word = found.get(term.text) or found.get(key)
        if word is None:
            word = []
            words.append(word)
        if term.text not in word:
            word.append(term.text)
        found[key] = found[term.text] = word
    return [tuple(word) for word in words]


def relax(query: Query, strict_hits: int, typed: int = 0) -> Query | None:
    """A ranked OR for a plain many-word query whose strict AND found too little; None to keep the AND.

    Documents matching more of the words score higher (each word adds its BM25 share, rare words most), and
    question words ("what", "how") stop counting. ``typed`` is how many words the user typed, stop words
    included: two words typed mean both, but a question or a sentence ("are multivitamins good for you") is
    relaxed like any longer query even when only two of its words are searched for.
    """
    if strict_hits >= RELAX_BELOW:
        return None
    plain = query_words(query)
    if plain is None and not strict_hits:
        # Nothing has the quoted phrases of a long, descriptive query (quoting a title, say): their words still
        # say what is wanted. A short query's phrase is meant as typed.
        unquoted = _unquoted(query)
        if (found := query_words(unquoted)) is not None and len(found[0]) > SHORT_QUERY_WORDS:
            query, plain = unquoted, found
    if plain is None:
        return None
    words, fields = plain
    if len(words) < 2 or (strict_hits and max(len(words), typed) < RELAX_MIN_WORDS):
        return None
    said, stops = _said(query), query_stop_stems()
    words = [w for w in words if not stops.intersection(w) and min(map(len, w)) > 1] or words
    if len(words) > SHORT_QUERY_WORDS:
        words = [w for w in words if not request_stems().intersection(w)] or words
    return Or([variants_query(word, fields, max(said.get(v, 1.0) for v in word) ** QUERY_TF) for word in words])


def variants_query(word: Word, fields: list[str], boost: float = 1.0) -> Query:
    """One word of a relaxed query with its variants (an OR of them when it has several)."""
    if len(word) == 1:
        return word_query(word[0], fields, boost)
    return Or([word_query(text, fields, boost) for text in word])


@lru_cache(maxsize=1)
def request_stems() -> frozenset[str]:
    """The request words as the analyzer indexes them."""
    analyzer = news_analyzer()
    return frozenset(token.text for word in REQUEST_WORDS for token in analyzer(word))


def said_once(query: Query) -> Query:
    """The parsed query with a word said several times kept once, weighing the times said (its boost); the
    parser's own ``normalize`` would drop the repeats, and a word a description repeats is what it is about."""
    if not isinstance(query, And | Or) or isinstance(query, FieldsWord):
        return query
    counts = Counter(said_once(child) for child in _flat(query))
    parts = [part.with_boost(part.boost * n) if n > 1 else part for part, n in counts.items()]
    return type(query)(parts, boost=query.boost).normalize()


def _flat(query: And | Or) -> list[Query]:
    """An AND's children, those of an AND inside it (brackets, a hyphenated word) taken up into it; an OR's own
    children (an OR inside an OR is one word's fields)."""
    if type(query) is not And:
        return list(query.subqueries)
    return [leaf for child in query.subqueries for leaf in (_flat(child) if type(child) is And else [child])]


def _said(query: Query) -> dict[str, float]:
    """How many times each word of a plain query was said: the boost of its node (``said_once``)."""
    said: dict[str, float] = {}
    for part in query.children() if type(query) in (And, Or) else [query]:
        for leaf in part.leaves():
            if type(leaf) is Term:
                said[leaf.text] = max(said.get(leaf.text, 1.0), part.boost)
    return said


def word_query(word: str, fields: list[str], boost: float = 1.0) -> Query:
    """One word of a relaxed query in every field it is searched in, weighing ``boost``: scored by BM25F (the
    title's weight inside), or, without ``BM25F``, as a sum of the fields' scores."""
    if not BM25F:
        return Or([Term(name, word, boost=field_weight(name) * boost) for name in fields])
    return FieldsWord([Term(name, word, boost=field_weight(name)) for name in fields], boost=boost)


def with_proximity(relaxed: Query) -> Query:
    """A long relaxed query plus its adjacent word pairs as phrases of the body, weighing ``PROXIMITY``."""
    if type(relaxed) is not Or or len(relaxed.subqueries) <= SHORT_QUERY_WORDS or not PROXIMITY:
        return relaxed
    words = [
        next((t.text for t in part.leaves() if type(t) is Term and t.fieldname == "body"), None)
        for part in relaxed.subqueries
    ]
    pairs = [Phrase("body", [a, b], boost=PROXIMITY) for a, b in pairwise(words) if a and b]
    return Or([*relaxed.subqueries, Or(pairs)]) if pairs else relaxed


def field_weight(fieldname: str) -> float:
    """A field's weight in a relaxed query (relative to the index-time boost the postings carry)."""
    return RELAXED_TITLE_BOOST if fieldname == "title" else 1.0


def fields_words(query: Query) -> Query:
    """The query with each word searched in several fields (an OR of one word's terms, as the parser makes it)
    scored by BM25F."""
    if not BM25F:
        return query
    if type(query) is Or and len(query.subqueries) > 1 and FieldsWord(query.subqueries).terms() is not None:
        return FieldsWord(query.subqueries, boost=query.boost)
    return query.apply(fields_words)


def _unquoted(query: Query) -> Query:
    """The query with each phrase replaced by its words (stop words left out, as in free text)."""
    if type(query) is Phrase:
        return And([Term(query.fieldname, w) for w in query.words], boost=query.boost)
    return query.apply(_unquoted)


def free_text(query: Query, languages: Sequence[str] = (DEFAULT_LANGUAGE,)) -> Query:
    """The query without the stop words and single letters among its free-text words; phrases keep theirs, and
    a query of stop words only is kept whole (``the`` finds the articles that have it).

    Stop words are indexed so that phrases match exactly, but as loose words they match nearly every article:
    they would add noise to the ranking and cost a pass over the longest posting lists.
    """
    stops = stop_terms_of(tuple(languages)) | CONNECTIVES

    def drop(q: Query) -> Query:
        if type(q) is Term:  # one letter is a stop word too: the "d" of "I'd", the "t" of "don't" (not "市")
            return NullQuery if q.text in stops or (len(q.text) < 2 and not has_cjk(q.text)) else q
        return q.apply(drop)  # phrases have no children: their words stay

    dropped = drop(query).normalize()
    return fields_words(query if dropped is NullQuery else dropped)
