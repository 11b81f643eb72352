"""Query words for the multilingual known-item benchmark, picked with tools that are not the product's analysers.

Each language's ``Picker`` turns a text into its content words, in order, in the form a reader would type them:

- ``ja``: SudachiPy (``sudachidict-core``, split mode B), ``dictionary_form()``; nouns (not numerals; pronouns
  are their own part of speech and left out), verbs and adjectives that are not auxiliary-like
  (``非自立可能``: する, いる, なる...), at least two characters, no digits.
- ``zh``: rjieba (jieba-rs) words with part-of-speech tags ``n*``, ``v*`` or ``a*``, at least two characters, all Han.
- ``ru``, ``de``, ``fr``, ``es``: letters-only words of at least four letters, lemmatised by simplemma, lower case;
  when simplemma's lemma is not a word of its dictionary (a guess by its rules), the word as written.
- ``ar``: Arabic-script words of at least three letters as they appear (harakat and tatweel removed, as a reader
  types them). simplemma has Arabic data (``الكتب`` -> ``كتاب``) but its lemmas strip the article and undo
  broken plurals, forms that are not in the text and that a reader of the article would not type.

Every language skips the stop words of the ``stop-words`` package (stopwordsiso's lists were passed over: its
Russian list holds content words such as ``москва`` and ``деньги``) and placeholders such as the Spanish corpus's
``*NUMBER*``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

LANGUAGES = ("ja", "zh", "ru", "ar", "fr", "es", "de")
LEMMATISED = ("ru", "de", "fr", "es")
PLACEHOLDER = re.compile(r"\*\w+\*")
LETTERS = re.compile(r"[^\W\d_]+")
ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
ALEF = re.compile("[أإآٱ]")
ARABIC = re.compile(r"^[\u0600-\u06ff\u0750-\u077f]+$")
# Sudachi refuses inputs past about 49,000 bytes; Japanese characters take three bytes in UTF-8.
SUDACHI_CHARS = 12_000
Picker = Callable[[str], list[str]]


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The language's stop words (the ``stop-words`` package), lower case."""
    from stop_words import get_stop_words

    return frozenset(w.lower() for w in get_stop_words(lang))


@cache
def _sudachi() -> Any:
    """SudachiPy's tokenizer over the core dictionary, loaded once."""
    from sudachipy import Dictionary

    return Dictionary(dict="core").tokenizer()


def japanese_words(text: str) -> list[str]:
    """Content words of a Japanese text in dictionary form (SudachiPy, split mode B)."""
    from sudachipy import SplitMode

    tokenizer, stops, words = _sudachi(), stop_words("ja"), []
    for chunk in _chunks(PLACEHOLDER.sub(" ", text), SUDACHI_CHARS):
        for m in tokenizer.tokenize(chunk, SplitMode.B):
            pos = m.part_of_speech()
            if (pos[0] == "名詞" and pos[1] != "数詞") or (pos[0] in ("動詞", "形容詞") and pos[1] != "非自立可能"):
                word = m.dictionary_form()
                if len(word) >= 2 and not any(c.isdigit() for c in word) and word not in stops:
                    words.append(word)
    return words


def chinese_words(text: str) -> list[str]:
    """Content words of a Chinese text (rjieba): nouns, verbs and adjectives of two or more Han characters."""
    import rjieba

    stops = stop_words("zh")
    return [
        word
        for word, tag in rjieba.tag(PLACEHOLDER.sub(" ", text))
        if tag[:1] in ("n", "v", "a") and len(word) >= 2 and HAN.match(word) and word not in stops
    ]


def lemma_words(lang: str) -> Picker:
    """A picker of letters-only words of four letters or more, in simplemma's dictionary form, for ``lang``."""
    import simplemma

    stops = stop_words(lang)

    @cache
    def lemma(token: str) -> str | None:
        if len(token) < 4 or token.lower() in stops:
            return None
        word = simplemma.lemmatize(token, lang=lang)
        if word.lower() != token.lower() and not simplemma.is_known(word, lang=lang):
            word = token  # a guessed lemma (назначенные -> назначенныть): the word as written is what a reader types
        word = word.lower()
        return word if len(word) >= 4 and word not in stops else None

    def words(text: str) -> list[str]:
        text = unicodedata.normalize("NFC", PLACEHOLDER.sub(" ", text))  # decomposed accents would cut words
        return [w for t in LETTERS.findall(text) if (w := lemma(t)) is not None]

    return words


def arabic_words(text: str) -> list[str]:
    """Arabic-script words as they appear (without harakat or tatweel), three letters or more, no stop words."""
    stops, words = {_alef(w) for w in stop_words("ar")}, []
    # Harakat are combining marks, not letters: taken out first, they would cut words apart.
    for word in LETTERS.findall(ARABIC_MARKS.sub("", PLACEHOLDER.sub(" ", text))):
        if len(word) >= 3 and ARABIC.match(word) and _alef(word) not in stops:
            words.append(word)
    return words


@cache
def picker(lang: str) -> Picker:
    """The content-word picker of a language (one of ``LANGUAGES``)."""
    if lang == "ja":
        return japanese_words
    if lang == "zh":
        return chinese_words
    if lang == "ar":
        return arabic_words
    if lang in LEMMATISED:
        return lemma_words(lang)
    raise ValueError(f"no word picker for language {lang!r} (known: {', '.join(LANGUAGES)})")


def middle(text: str) -> str:
    """The middle third of a text, its ends moved inward to a space or punctuation so no word is cut."""
    n = len(text)
    start, end = n // 3, 2 * n // 3
    while start < end and not _boundary(text[start - 1]):
        start += 1
    while end > start and not _boundary(text[end]):
        end -= 1
    return text[start:end] if end > start else text[n // 3 : 2 * n // 3]


def document_frequency(texts: Iterable[str], words: Picker) -> dict[str, int]:
    """How many texts hold each word, as ``words`` picks them."""
    df: dict[str, int] = {}
    for text in texts:
        for word in set(words(text)):
            df[word] = df.get(word, 0) + 1
    return df


def _alef(word: str) -> str:
    """An Arabic word with its alef and final ya written one way, to compare it with the stop list (الى, إلى)."""
    return ALEF.sub("ا", word).replace("ى", "ي")


def _boundary(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PZ"


def _chunks(text: str, size: int) -> Iterable[str]:
    """The text in pieces of at most ``size`` characters, cut at line ends where it can be."""
    for line in text.splitlines():
        for start in range(0, len(line), size):
            yield line[start : start + size]
