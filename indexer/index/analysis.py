"""The one analyzer used to index and to query, and the stop words that free-text queries leave out.

Every word is indexed, with its position, stop words included: a phrase of common words (``"The Who"``,
``"to be or not to be"``) matches exactly, and a query of stop words alone finds the articles that have them.
Stop words are left out of free-text queries instead (``indexer.search.ranking.model``), where they would only
add noise to the ranking and cost a pass over huge posting lists.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Analyzer, CharsetFilter, LowercaseFilter, PyStemmerFilter, RegexTokenizer
from whoosh.support.charset import accent_map

# Bumped whenever what is indexed changes: an index built with another version is rebuilt in full
# (``indexer.index.schema.schema_matches``). 2: stop words and one-letter words indexed. 3: analysis per language.
ANALYSIS_VERSION = 3
# Whoosh's list drops words that matter in news: "US" (the country), "May" (the month, the politician),
# "will", "can", "not" (which changes a phrase's meaning).
NEWS_STOP_WORDS = frozenset(STOP_WORDS - {"us", "may", "will", "can", "not", "yet", "tbd"})
# Question and filler words of natural-language queries: weightless too once a long query is relaxed into an OR.
QUERY_STOP_WORDS = frozenset(
    "what which who whom whose why how where when whether there their them they these those do does did done "
    "has have had having been being was were would should could must shall might any some such so than then "
    "very also about into onto upon both each other own same only more most much many".split()
)


def news_analyzer() -> Analyzer:
    """The English analyzer: Snowball stemming (PyStemmer) with accent folding; no stop words. Other languages
    are analysed by ``indexer.index.languages``."""
    return (
        RegexTokenizer(r"\w+(?:\.?\w+)*")
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | PyStemmerFilter("english", cachesize=100_000)
    )


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """The stop words as the analyzer indexes them, so they compare with a query's terms."""
    return _stems(NEWS_STOP_WORDS)


@lru_cache(maxsize=1)
def query_stop_stems() -> frozenset[str]:
    """The stop words and the question and filler words, as the analyzer indexes them."""
    return _stems(NEWS_STOP_WORDS | QUERY_STOP_WORDS)


def _stems(words: frozenset[str]) -> frozenset[str]:
    analyzer = news_analyzer()
    return frozenset(token.text for word in words for token in analyzer(word))
