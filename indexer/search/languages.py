"""The languages a query is analysed in: the ``language`` filter's, else the query's own when it says so, else
the languages the index holds."""

from __future__ import annotations

import re

from whoosh.searching import Searcher

from indexer.clean.language import detect_language, script_language, scripts
from indexer.index.languages import DEFAULT_LANGUAGE, has_cjk
from indexer.search.columns import doc_columns, per_reader
from indexer.search.request import Filters

# A query of this many words (or CJK characters) is long enough to tell its language.
DETECT_WORDS = 4
DETECT_CJK_CHARS = 6
# A language with fewer of the index's articles than this share is searched only when the query is in it (its
# script, or detected) or filtered on: a few misdetected articles must not change how every query is read.
MIN_SHARE = 0.01


def query_languages(searcher: Searcher, filters: Filters, text: str) -> tuple[str, ...]:
    """The languages to analyse ``text`` in, the index's main language first."""
    wanted = filters.values("language")
    if wanted:
        return tuple(wanted)
    held = index_languages(searcher)
    if len(held) <= 1:
        return tuple(held) or (DEFAULT_LANGUAGE,)
    total = sum(held.values())
    common = [lang for lang, count in held.items() if count >= MIN_SHARE * total]
    # The detector's model takes about 100 MB in a process: a server worker loads it only for a query long enough
    # to tell its language; a short one is known by its script alone.
    if _long_enough(text) and len(scripts(text)) == 1:
        if (own := detect_language(text)) in common:
            return (own,)
    else:
        own = script_language(text)
    return tuple(lang for lang in held if lang in common or lang == own)


def index_languages(searcher: Searcher) -> dict[str, int]:
    """The languages of the index's articles and how many each has, most first."""
    reader = searcher.reader()

    def count() -> dict[str, int]:
        docs = doc_columns(searcher).fields.get("language", {})
        return dict(sorted(((lang, len(found)) for lang, found in docs.items()), key=lambda item: -item[1]))

    return per_reader(reader, "languages", count)


def _long_enough(text: str) -> bool:
    if has_cjk(text):
        return len(re.findall(r"[^\W\d_a-zA-Z]", text)) >= DETECT_CJK_CHARS
    return len(re.findall(r"\w+", text)) >= DETECT_WORDS
