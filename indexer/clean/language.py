"""An article's language: the one its source declares (a JSONL ``lang`` field, ``<html lang>``), else detected.

Detection is py3langid's naive Bayes model, shipped inside its wheel (nothing is downloaded), limited to the
languages news is commonly written in so that a short English headline is not read as Latin or Luxembourgish. When
the model is unsure (a few words, upper-case titles), the script decides: kana is Japanese, ideographs Chinese,
Hangul Korean, Cyrillic Russian, Arabic script Arabic, Latin English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The languages the detector chooses among (ISO 639-1).
LANGUAGES = (
    "ar bg ca cs da de el en es et eu fa fi fr ga he hi hr hu hy id it ja kk ko ky lt lv mn nl no pl pt ro ru sk sl "
    "sq sr sv ta th tr uk ur uz vi zh"
).split()
# Below this probability the model's answer is not taken, and the script decides.
CONFIDENT = 0.9
# Enough text to tell a language (every article of news-multilingual, 10,261 in seven languages, is told right
# from its first 300 characters); the model's cost grows with the length.
SAMPLE_CHARS = 300
# Codes sources use that are not ISO 639-1 (or are variants of one), and three-letter codes of the same languages.
_ALIASES = {
    "jp": "ja", "jpn": "ja", "zho": "zh", "chi": "zh", "cn": "zh", "cmn": "zh", "yue": "zh", "wuu": "zh",
    "kor": "ko", "rus": "ru", "ara": "ar", "arb": "ar", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
    "spa": "es", "eng": "en", "kaz": "kk", "uzb": "uz", "ukr": "uk", "ita": "it", "por": "pt", "nld": "nl",
    "dut": "nl", "tur": "tr", "pol": "pl", "per": "fa", "fas": "fa", "heb": "he", "iw": "he", "nb": "no", "nn": "no",
}  # fmt: skip
# Languages not written in the Latin alphabet (of those the detector knows).
NON_LATIN = frozenset("ar bg el fa he hi hy ja kk ko ky mn ne ru sr ta th uk ur zh".split())
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
)
# English's commonest words. An ASCII sample of 20+ words, a quarter of them these, is English without asking the
# model (a twentieth of its cost): on the 46,740 texts of the shared news and test collections the shortcut took
# 24,853, and the model said English for every one (tests/test_languages.py checks it on news in eight languages).
_ENGLISH = frozenset(
    "the of and to in a is that for on with as was it by at from be are has have he said his an this not but will "
    "which were its had been their they who".split()
)
_ASCII_WORD = re.compile(r"[a-z]+")


def language_code(value: Any) -> str | None:
    """A declared language as a two-letter code (``en-US`` -> ``en``, ``zh-Hans`` -> ``zh``, ``jpn`` -> ``ja``), or
    None when it is not a language code."""
    if not isinstance(value, str):
        return None
    code = re.split(r"[-_,;.\s]", value.strip().lower(), maxsplit=1)[0]
    code = _ALIASES.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def detect_language(text: str) -> str:
    """The language ``text`` is written in, as a two-letter code."""
    sample = text[:SAMPLE_CHARS]
    if plainly_english(sample):
        return "en"
    lang, probability = _identifier().classify(sample)
    if probability >= CONFIDENT:
        return lang
    return script_language(sample)


def plainly_english(sample: str) -> bool:
    """Whether ``sample`` is English beyond doubt: ASCII, 20+ words, a quarter of them English's commonest."""
    if not sample.isascii():
        return False
    words = _ASCII_WORD.findall(sample.lower())
    return len(words) >= 20 and sum(word in _ENGLISH for word in words) * 4 >= len(words)


def script_language(text: str) -> str:
    """The language the script of ``text`` suggests (English for Latin or no letters)."""
    for pattern, lang in _SCRIPTS:
        if pattern.search(text):
            return lang
    return "en"


def scripts(text: str) -> set[str]:
    """The languages the scripts of ``text`` suggest, one per script found (``en`` for Latin)."""
    found = {lang for pattern, lang in _SCRIPTS if pattern.search(text)}
    if "ja" in found:  # kana with ideographs is Japanese
        found.discard("zh")
    if re.search(r"[^\W\d_]", re.sub(r"[^\x00-\u024f]", "", text)):
        found.add("en")
    return found


def article_language(declared: str | None, title: str, body: str) -> str:
    """The declared language when it is a language code, else the one detected from the title and text."""
    return language_code(declared) or detect_language(f"{title}\n{body}")


def load_detector() -> None:
    """Load the detector's model now (about 100 MB, a second of CPU), e.g. in a server before it forks workers."""
    _identifier()


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([lang for lang in LANGUAGES if lang in identifier.nb_classes])
    return identifier
