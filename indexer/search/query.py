"""Query rewriting: synonyms and spelling variants, typo-tolerant (fuzzy) terms, "did you mean" corrections."""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.query import AndNot, FuzzyTerm, Not, Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.index.analysis import news_analyzer
from indexer.index.languages import DEFAULT_LANGUAGE, has_cjk, terms_in
from indexer.index.schema import QUERY_FIELDS, vocabulary_analyzer
from indexer.search.columns import per_reader
from indexer.search.parse import OPERATORS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent spellings, keyed by their analysed (stemmed) form."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def group_of(self, tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
        """The variants equivalent to these analysed tokens, or None."""
        return self._index.get(tokens)

    @property
    def _index(self) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        return _index_of(self)


@lru_cache(maxsize=8)
def _index_of(synonyms: Synonyms) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    return {variant: group for group in synonyms.groups for variant in group}


def parse_synonyms(text: str) -> Synonyms:
    """Read the synonyms format: one group per line, variants separated by commas, ``#`` starts a comment."""
    analyzer = news_analyzer()
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        variants = []
        for raw in line.split(","):
            tokens = tuple(t.text for t in analyzer(raw.strip()))
            if tokens and tokens not in variants:
                variants.append(tokens)
        if len(variants) > 1:
            groups.append(tuple(variants))
    return Synonyms(tuple(groups))


def load_synonyms(path: str | Path) -> Synonyms:
    """The synonyms file at ``path``, re-read when it changes."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        log.warning("synonyms file %s not found; searching without synonyms", path)
        return Synonyms()
    return _load(str(path), mtime)


@lru_cache(maxsize=4)
def _load(path: str, mtime: int) -> Synonyms:
    return parse_synonyms(Path(path).read_text("utf-8"))


def _variant_query(fieldname: str, tokens: tuple[str, ...]) -> Query:
    return Term(fieldname, tokens[0]) if len(tokens) == 1 else Phrase(fieldname, list(tokens))


def expand_synonyms(query: Query, synonyms: Synonyms) -> Query:
    """Each word or phrase that has variants becomes an OR of all of them (negated words too)."""
    if not synonyms.groups:
        return query

    def expand(q: Query) -> Query:
        if type(q) is Term and q.fieldname in QUERY_FIELDS:
            group = synonyms.group_of((q.text,))
        elif isinstance(q, Phrase) and q.fieldname in QUERY_FIELDS:
            group = synonyms.group_of(tuple(q.words))
        else:
            return q.apply(expand)
        if group is None:
            return q
        return Or([_variant_query(q.fieldname, v) for v in group], boost=q.boost)

    return expand(query)


# Longer "words" are codes or junk, and an edit-distance scan of the vocabulary for them is slow.
MAX_FUZZY_CHARS = 40


def max_edits(word: str) -> int:
    """Typos tolerated in a word, as Meilisearch does: one from 5 characters, two from 9."""
    if len(word) > MAX_FUZZY_CHARS:
        return 0
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


def fuzzify(
    query: Query, text: str = "", searcher: Searcher | None = None, languages: Sequence[str] = (DEFAULT_LANGUAGE,)
) -> Query:
    """The query with each long enough word also matching its near spellings; excluded words stay exact.

    With the parsed ``text`` and a searcher, a word's near spellings are looked up among the index's unstemmed
    words and stemmed like the query ("governmnt" -> "government" -> ``govern``), which edits on the stem alone
    would miss; terms without a span (synonym variants) fall back to fuzzy stems. Words written without spaces
    (Chinese, Japanese, Korean) stay exact: one character more or less is another word there.
    """

    def fuzzy(q: Query) -> Query:
        if isinstance(q, Not):
            return q
        if isinstance(q, AndNot):
            return AndNot(fuzzy(q.a), q.b)
        if type(q) is not Term or q.fieldname not in QUERY_FIELDS or not isinstance(q.text, str):
            return q.apply(fuzzy)
        typed = _typed(q, text)
        if has_cjk(typed or q.text):
            return q
        if typed and searcher is not None:
            if not (edits := max_edits(typed)):
                return q
            stems = _near_stems(searcher, typed, edits, languages) | {q.text}
            return Or([Term(q.fieldname, stem) for stem in sorted(stems)], boost=q.boost)
        if not (edits := _edits(q)):
            return q
        return FuzzyTerm(q.fieldname, q.text, boost=q.boost, maxdist=edits, prefixlength=1, constantscore=False)

    return fuzzy(query)


# Enough variants of one word to catch the intended one, few enough to keep the query small.
MAX_VARIANTS = 12


def _typed(term: Term, text: str) -> str:
    start, end = getattr(term, "startchar", None), getattr(term, "endchar", None)
    if start is None or end is None or not text:
        return ""
    return _vocab_form(text[start:end])


def _near_stems(searcher: Searcher, word: str, edits: int, languages: Sequence[str]) -> set[str]:
    """The stems (in ``languages``) of the index's most frequent words within ``edits`` of ``word``."""
    reader = searcher.reader()
    if "words" not in reader.schema:
        return set()
    near = heapq.nlargest(MAX_VARIANTS, words_within(reader, word, edits), key=lambda w: reader.frequency("words", w))
    return set(terms_in(near, languages))


def words_within(reader: IndexReader, word: str, edits: int) -> list[str]:
    """The index's words within ``edits`` typos of ``word`` (same first letter), like Whoosh's ``terms_within``
    but with the edit distance computed in C by rapidfuzz (Whoosh's pure-Python one dominated fuzzy queries)."""
    candidates = per_reader(reader, ("words", word[:1]), lambda: _words_from(reader, word[:1]))
    return [w for w, _, _ in process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)]


def _words_from(reader: IndexReader, prefix: str) -> list[str]:
    """The index's words starting with ``prefix`` (a merge of every segment's term list, so kept per reader)."""
    field = reader.schema["words"]
    return [field.from_bytes(b) for b in reader.expand_prefix("words", prefix)]


def _edits(term: Term) -> int:
    """Typos tolerated for a parsed term, judged by the word as typed (the parser keeps its span), not the stem."""
    start, end = getattr(term, "startchar", None), getattr(term, "endchar", None)
    typed = end - start if start is not None and end is not None else len(term.text)
    edits = max_edits("x" * typed)
    # A stem is shorter than the word ("irrigation" -> "irrig"): two edits on four letters would match anything.
    return min(edits, max(1, len(term.text) // 3)) if edits else 0


def _vocab_form(word: str) -> str:
    tokens = [t.text for t in vocabulary_analyzer()(word)]
    return tokens[0] if tokens else ""


def _correct_word(searcher: Searcher, word: str) -> str | None:
    """The most frequent indexed word nearest to ``word``, when ``word`` itself is not in the index."""
    reader = searcher.reader()
    if "words" not in reader.schema:  # an index built before the vocabulary field existed
        return None
    if not 4 <= len(word) <= MAX_FUZZY_CHARS or not word.isalpha() or has_cjk(word) or reader.frequency("words", word):
        return None
    for dist in range(1, max(1, max_edits(word)) + 1):
        found = [w for w in words_within(reader, word, dist) if w != word]
        if found:
            return max(found, key=lambda w: (reader.frequency("words", w), w))
    return None


def typos_tolerated(text: str, suggestion: str) -> bool:
    """Whether each word the suggestion changes in ``text`` is long enough for its typos to be tolerated
    (``max_edits``): a correction of a shorter word ("taro" -> "tart") is offered, never searched in its place."""
    typed, fixed = re.findall(r"\w+", text), re.findall(r"\w+", suggestion)
    changed = [a for a, b in zip(typed, fixed, strict=False) if a != b]
    return len(typed) == len(fixed) and bool(changed) and all(max_edits(a) for a in changed)


def did_you_mean(
    searcher: Searcher, text: str, synonyms: Synonyms | None = None, keep: tuple[str, ...] = ()
) -> str | None:
    """The query with misspelled words replaced by the index's own vocabulary, or None if nothing changed.

    A word listed in the synonyms is a known variant, not a typo, even when the index never uses it; words in
    ``keep`` (a prefix being typed that has completions) are left as they are.
    """
    changed = False
    analyzer = news_analyzer()

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        following = text[match.end() : match.end() + 1]
        if word in OPERATORS or following == ":" or following == "*" or _vocab_form(word) in keep:
            return word
        if synonyms is not None and synonyms.group_of(tuple(t.text for t in analyzer(word))):
            return word
        correction = _correct_word(searcher, _vocab_form(word))
        if correction is None:
            return word
        changed = True
        return correction.capitalize() if word[:1].isupper() else correction

    corrected = re.sub(r"\w+", replace, text)
    return corrected if changed else None
