"""Analysis per language: a Snowball stemmer where PyStemmer has one, Japanese morphemes, Chinese and Korean bigrams.

Every text field has one ``LanguageAnalyzer``; it analyses a value in the language passed as ``lang`` or, when none
is passed, in the language of the document being written (``in_language``: Whoosh's writer passes no language to
a field's analyzer, so ours set it around each document). English keeps the analyzer the index always had.

- Languages PyStemmer stems (Russian, German, French, Spanish, Arabic, ...): lowercased, stemmed, then accents
  folded (the stemmers' rules read accents: ``é`` in French endings, ``й`` in Russian ones).
- Japanese: morphemes from MeCab (fugashi) with the UniDic dictionary that ``unidic-lite`` ships, indexed in their
  dictionary form (``行った`` -> ``行く``), width-folded (NFKC) and lowercased; punctuation is not a word.
- Chinese and Korean: overlapping character bigrams of each run of ideographs or Hangul, as Elasticsearch's ``cjk``
  analyzer does (a lone character is a unigram); no dictionary, so a word is found whatever its neighbours.
- Any other language: words as Unicode defines them, lowercased and accent-folded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    PyStemmerFilter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

DEFAULT_LANGUAGE = "en"
# A word: letters and digits, with inner dots kept ("U.S.", "3.5").
WORD = r"\w+(?:\.?\w+)*"
# ISO 639-1 codes of the Snowball stemmers PyStemmer ships (English is the default analyzer, below).
SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
BIGRAM_LANGUAGES = frozenset({"zh", "ko"})
JAPANESE = "ja"
# Scripts written without spaces between words: no typo tolerance there (one character is a different word).
_CJK_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_CJK = re.compile(f"[{_CJK_CHARS}]+")
# Runs of ideographs or Hangul, and the words between them (a word stops where such a run begins).
_BIGRAM_TOKENS = re.compile(rf"(?P<cjk>[{_CJK_CHARS}]+)|[^\W{_CJK_CHARS}]+(?:\.[^\W{_CJK_CHARS}]+)*")
# UniDic's part-of-speech heads that are not words: punctuation and symbols, blanks.
_JA_SKIP = ("補助記号", "空白")
# Japanese particles and auxiliaries in their dictionary forms: left out of free-text queries like stop words.
JAPANESE_STOP_WORDS = frozenset(
    "の に は を た が で て と も から な や へ か だ ます です れる られる ない ず ば まで より".split()
)

_LANGUAGE: ContextVar[str | None] = ContextVar("analysis_language", default=None)


@contextmanager
def in_language(lang: str | None) -> Iterator[None]:
    """Analyse text fields in ``lang`` within the block (a document being written, a query being parsed)."""
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def analysis_key(lang: str | None) -> str:
    """The analysis a language gets: its own code where it has one here, else ``"other"`` (English by default)."""
    lang = lang or DEFAULT_LANGUAGE
    if lang == DEFAULT_LANGUAGE or lang in SNOWBALL or lang in BIGRAM_LANGUAGES or lang == JAPANESE:
        return lang
    return "other"


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds ideographs, kana or Hangul (written without spaces: no typo tolerance)."""
    return bool(_CJK.search(text)) or any("\u3040" <= c <= "\u30ff" for c in text)


class LanguageAnalyzer(Analyzer):
    """A text field's analyzer: the analysis of the document's (or the query's) language."""

    def __init__(self, kind: str = "text") -> None:
        self.kind = kind  # "text": indexed terms; "vocabulary": words as typed (suggestions, did you mean)

    def __call__(self, value: str, lang: str | None = None, **kwargs: Any) -> Iterator[Token]:
        return analyzer_for(lang or _LANGUAGE.get(), self.kind)(value, **kwargs)


@lru_cache(maxsize=128)
def analyzer_for(lang: str | None, kind: str = "text") -> Analyzer:
    """The Whoosh analyzer of one language: ``kind`` "text" for indexed terms, "vocabulary" for typed words."""
    key = analysis_key(lang)
    if key == JAPANESE:
        return JapaneseTokenizer(base_forms=kind == "text") | LowercaseFilter()
    if key in BIGRAM_LANGUAGES:
        return BigramTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    if kind == "vocabulary":
        return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)
    if key == DEFAULT_LANGUAGE:
        from indexer.index.analysis import news_analyzer

        return news_analyzer()
    if key in SNOWBALL:
        stemmer = PyStemmerFilter(SNOWBALL[key], cachesize=100_000)
        return RegexTokenizer(WORD) | LowercaseFilter() | stemmer | CharsetFilter(accent_map)
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)


def terms_in(words: Iterable[str], languages: Iterable[str]) -> list[str]:
    """The words as the text fields index them in any of ``languages``, without repeats."""
    languages = list(languages)
    return list(dict.fromkeys(t.text for lang in languages for w in words for t in analyzer_for(lang)(w)))


@lru_cache(maxsize=64)
def stop_terms_of(languages: tuple[str, ...]) -> frozenset[str]:
    """The stop words of any of ``languages``, as their analyzers index them."""
    return frozenset().union(*map(stop_terms, languages))


@lru_cache(maxsize=128)
def stop_terms(lang: str | None) -> frozenset[str]:
    """A language's stop words as its analyzer indexes them (empty where none is known)."""
    key = analysis_key(lang)
    if key == DEFAULT_LANGUAGE:
        from indexer.index.analysis import stop_stems

        return stop_stems()
    if key == JAPANESE:
        return JAPANESE_STOP_WORDS
    try:
        words = stopwords_for_language(key)
    except Exception:  # noqa: BLE001 - Whoosh raises for a language it has no list for
        return frozenset()
    analyzer = analyzer_for(key)
    return frozenset(token.text for word in words for token in analyzer(word))


def in_context(lang: str | None) -> bool:
    """Whether a language's words depend on their context (Japanese morphemes, CJK bigrams): ``term_spans``
    analyses them, not one distinct word at a time."""
    key = analysis_key(lang)
    return key == JAPANESE or key in BIGRAM_LANGUAGES


def term_spans(lang: str | None, kind: str, text: str) -> list[tuple[str, int, int]] | None:
    """``(term, start, end)`` of each word of ``text`` as ``analyzer_for(lang, kind)`` yields them, without
    Whoosh's token objects (the batch writer's path), for the languages whose words depend on their context;
    None for the others (their words are analysed one distinct word at a time)."""
    key = analysis_key(lang)
    if key == JAPANESE:
        index = kind == "text"
        return [(m[index].lower(), start, end) for line in _lines(text) for m, start, end in line]
    if key in BIGRAM_LANGUAGES:
        return [(_bigram_term(text[start:end]), start, end) for start, end in bigram_spans(text)]
    return None


@lru_cache(maxsize=65536)
def _bigram_term(word: str) -> str:
    return unicodedata.normalize("NFKC", word).lower().translate(accent_map)


class _SpanTokenizer(Tokenizer):
    """A tokenizer over ``spans``: each word's ``(text, start, end)`` in the value."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(self.__dict__.items()))))

    def spans(self, value: str) -> Iterable[tuple[str, int, int]]:
        """Each word's text and place in ``value``."""
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (text, start, end) in enumerate(self.spans(value), start=start_pos):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class BigramTokenizer(_SpanTokenizer):
    """Overlapping bigrams of each run of ideographs or Hangul (a lone character alone); other words whole."""

    def spans(self, value: str) -> Iterable[tuple[str, int, int]]:
        """Each bigram or word, width-folded, and its place."""
        return ((_nfkc(value[start:end]), start, end) for start, end in bigram_spans(value))


def bigram_spans(text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each token of ``BigramTokenizer``."""
    for match in _BIGRAM_TOKENS.finditer(text):
        start, end = match.span()
        if match.group("cjk") is None or end - start == 1:
            yield start, end
        else:
            for i in range(start, end - 1):
                yield i, i + 2


class JapaneseTokenizer(_SpanTokenizer):
    """Japanese morphemes from MeCab with UniDic: dictionary forms (``base_forms``) or the words as written."""

    def __init__(self, base_forms: bool = True) -> None:
        self.base_forms = base_forms

    def spans(self, value: str) -> Iterable[tuple[str, int, int]]:
        """Each word and its place."""
        return japanese_morphemes(value, self.base_forms)


def japanese_morphemes(text: str, base_forms: bool = True) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` of each Japanese word of ``text``, punctuation left out."""
    for line in _lines(text):
        for (surface, base), start, end in line:
            yield (base if base_forms else surface), start, end


def _lines(text: str) -> Iterator[list[tuple[tuple[str, str], int, int]]]:
    """Each line's words, ``((as written, dictionary form), start, end)`` with offsets into ``text``."""
    offset = 0
    for line in text.split("\n"):  # a word never spans lines: each line is analysed once, for every field
        yield [(words, offset + start, offset + end) for words, start, end in _line_morphemes(line)]
        offset += len(line) + 1


@lru_cache(maxsize=8192)
def _line_morphemes(line: str) -> tuple[tuple[tuple[str, str], int, int], ...]:
    """``((word as written, dictionary form), start, end)`` of each word of one line."""
    found = []
    offset = 0
    for node in _tagger()(line):
        surface = node.surface
        start = line.find(surface, offset) if surface else -1
        if start < 0:  # MeCab never changes the text; guard anyway rather than misplace a highlight
            continue
        end = offset = start + len(surface)
        # UniDic's features: part of speech first, the dictionary form (orthBase) eleventh; unknown words have fewer.
        feature = node.feature_raw.split(",", 11)
        if feature[0] in _JA_SKIP or not surface.strip():
            continue
        base = feature[10] if len(feature) > 10 and feature[10] not in ("", "*") else surface
        found.append(((_nfkc(surface), _nfkc(base)), start, end))
    return tuple(found)


@lru_cache(maxsize=65536)
def _nfkc(word: str) -> str:
    return unicodedata.normalize("NFKC", word)


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import fugashi  # the UniDic dictionary comes from the unidic-lite wheel, found by fugashi itself

    return fugashi.Tagger()
