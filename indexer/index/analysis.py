"""The one analyzer used to index and to query: tokens, lowercase, accent folding, stop words, stemming."""

from __future__ import annotations

from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    PyStemmerFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.support.charset import accent_map

# Whoosh's list drops words that matter in news: "US" (the country), "May" (the month, the politician),
# "will", "can", "not" (which changes a phrase's meaning).
NEWS_STOP_WORDS = frozenset(STOP_WORDS - {"us", "may", "will", "can", "not", "yet", "tbd"})


def news_analyzer() -> Analyzer:
    """English stemming (Snowball, via PyStemmer) with accent folding, for every text field."""
    return (
        RegexTokenizer(r"\w+(?:\.?\w+)*")
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=NEWS_STOP_WORDS, minsize=2)
        | PyStemmerFilter("english", cachesize=100_000)
    )
