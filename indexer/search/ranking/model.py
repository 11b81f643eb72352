"""How results are ranked: the scoring function, the weight of each field, and relaxing a too-narrow query."""

from __future__ import annotations

from whoosh import scoring
from whoosh.query import And, Or, Query, Term

from indexer.index.analysis import news_analyzer

# BM25: K1 2.0 lets a word repeated in an article keep adding (news repeats its subject); B is the usual 0.75.
K1, B = 2.0, 0.75
# A plain all-words query with fewer strict hits than this (a full page at most) is relaxed into a ranked OR.
RELAX_BELOW = 100
# Two words are few enough to mean "both"; longer queries read as a description of what is wanted.
RELAX_MIN_WORDS = 3
# A relaxed query is a description: most of its words are in the body, so a title match counts for less than
# in a short strict query, whose few words are often the headline's (the index already doubles titles).
RELAXED_TITLE_BOOST = 0.5
# Question and filler words of natural-language queries: weightless when the query is relaxed.
QUERY_STOP_WORDS = frozenset(
    "what which who whom whose why how where when whether there their them they these those do does did done "
    "has have had having been being was were would should could must shall might any some such so than then "
    "very also about into onto upon both each other own same only more most much many".split()
)


def _stems(words: frozenset[str]) -> frozenset[str]:
    """The words as the analyzer indexes them, so they compare with query terms."""
    analyzer = news_analyzer()
    return frozenset(token.text for word in words for token in analyzer(word))


_QUERY_STOP_STEMS = _stems(QUERY_STOP_WORDS)


def weighting() -> scoring.WeightingModel:
    """The scoring model every search uses."""
    return scoring.BM25F(B=B, K1=K1)


def _leaves(query: Query) -> list[Query] | None:
    """The terms of a query built only of words, AND and OR; None if it has NOT, phrases, prefixes..."""
    if type(query) is Term:
        return [query]
    if type(query) not in (And, Or):
        return None
    found: list[Query] = []
    for child in query.children():
        leaves = _leaves(child)
        if leaves is None:
            return None
        found += leaves
    return found


def query_words(query: Query) -> tuple[list[str], list[str]] | None:
    """The words (in order) and fields of a plain query; None if it uses syntax a user chose on purpose.

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
    return list(fields), sorted(every)


def relax(query: Query, strict_hits: int) -> Query | None:
    """A ranked OR for a plain many-word query whose strict AND found too little; None to keep the AND.

    Documents matching more of the words score higher (each word adds its BM25 share, rare words most), and
    question words ("what", "how") stop counting.
    """
    plain = query_words(query)
    if plain is None or strict_hits >= RELAX_BELOW:
        return None
    words, fields = plain
    if len(words) < 2 or (strict_hits and len(words) < RELAX_MIN_WORDS):
        return None
    words = [w for w in words if w not in _QUERY_STOP_STEMS] or words
    return Or(
        [
            Or([Term(name, word, boost=RELAXED_TITLE_BOOST if name == "title" else 1.0) for name in fields])
            for word in words
        ]
    )
