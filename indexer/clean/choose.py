"""Choose, page by page, between two candidate bodies with a small learned model over page features.

The candidates are trafilatura's fast pass (``main``) and Resiliparse's main-content text (``alt``). They fail on
different pages: trafilatura now and then keeps a single block of a long article, or nothing; Resiliparse keeps
reader comments and link lists on older pages, or loses a whole article on some modern ones. The model is a small
LightGBM classifier, trained by ``bench/train_chooser.py`` on the development sets and shipped as
``chooser.txt`` beside this module (loaded once, offline); it says how likely ``alt`` is the better body.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path

from lxml import etree
from lxml.html import HtmlElement

log = logging.getLogger(__name__)

MODEL = Path(__file__).with_name("chooser.txt")
_WORD = re.compile(r"\w+")
_SHORT_LINE = 6  # words: a line shorter than this is a menu entry, a caption or a byline, rarely prose
# Chosen by bench/train_chooser.py: the threshold with the best mean F1 when each set is predicted by a model
# trained on the other four (0.6 on all five; 0.4-0.8 when one more set is held out).
THRESHOLD = 0.6
MIN_ALONE = 10  # words: the least the alternative must have to be taken where trafilatura found nothing
_CHARS_PER_WORD = 6  # to turn the page's character count into a word count without tokenising it
FEATURES = (
    "log_words_main", "log_words_alt", "log_ratio", "main_in_alt", "alt_in_main",
    "line_words_main", "line_words_alt", "short_lines_main", "short_lines_alt",
    "log_elements", "log_page_words", "link_share", "page_share_main", "page_share_alt", "main_empty",
)  # fmt: skip


# Counted inside libxml2: walking the tree from Python makes an element object for every node.
# What root.iter() yields: the parser keeps no processing instructions and strip_inert removes the comments, so
# elements are all there is (a name test is twice as fast as testing every node, text included).
_ELEMENTS = etree.XPath("count(descendant-or-self::*)")
_BODY_CHARS = etree.XPath("string-length(//body)")
_LINK_TEXTS = etree.XPath("//a//text()", smart_strings=False)


def page_stats(root: HtmlElement) -> tuple[int, int, int]:
    """Elements, characters of body text, characters of link text: how big and how link-heavy the page is."""
    return int(_ELEMENTS(root)), int(_BODY_CHARS(root) or 0), sum(map(len, _LINK_TEXTS(root)))


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A text's words, and the number of words on each of its non-blank lines (one regex pass)."""
    # The model, the guard and the rescue all ask about the same two candidates: tokenise each once.
    lines = text.split("\n")
    per_line = [_WORD.findall(line) for line in lines]
    counts = tuple(len(found) for line, found in zip(lines, per_line, strict=True) if found or line.strip())
    return tuple(chain.from_iterable(per_line)), counts


def words(text: str) -> tuple[str, ...]:
    """The words of a text (runs of word characters)."""
    return _tokens(text)[0]


def _shape(text: str) -> tuple[tuple[str, ...], float, float]:
    """Words, mean words per line, share of short lines."""
    found, lines = _tokens(text)
    if not lines:
        return found, 0.0, 0.0
    return found, len(found) / len(lines), sum(n < _SHORT_LINE for n in lines) / len(lines)


def features(main: str, alt: str, stats: tuple[int, int, int]) -> list[float]:
    """The chooser's inputs, in ``FEATURES`` order."""
    (words_a, line_a, short_a), (words_b, line_b, short_b) = _shape(main), _shape(alt)
    set_a, set_b = {w.lower() for w in set(words_a)}, {w.lower() for w in set(words_b)}
    shared = len(set_a & set_b)
    elements, chars, links = stats
    page_words = max(chars / _CHARS_PER_WORD, 1.0)
    return [
        math.log1p(len(words_a)),
        math.log1p(len(words_b)),
        math.log1p(len(words_a)) - math.log1p(len(words_b)),
        shared / len(set_a) if set_a else 0.0,
        shared / len(set_b) if set_b else 0.0,
        line_a,
        line_b,
        short_a,
        short_b,
        math.log1p(elements),
        math.log1p(page_words),
        links / chars if chars else 1.0,
        len(words_a) / page_words,
        len(words_b) / page_words,
        float(not words_a),
    ]


@cache
def _model():  # noqa: ANN202 - a lightgbm.Booster, imported lazily: only HTML cleaning needs it
    """The shipped model, or None when its file is missing (the main candidate is then always kept)."""
    if not MODEL.is_file():
        log.warning("no chooser model at %s: keeping trafilatura's body on every page", MODEL)
        return None
    import lightgbm

    return lightgbm.Booster(model_file=str(MODEL))


def alt_probability(row: list[float]) -> float:
    """How likely the alternative candidate is the better body, by the shipped model (0 without one)."""
    model = _model()
    if model is None:
        return 0.0
    import numpy as np

    # One thread: a pool of OpenMP threads for one row costs a hundred times the prediction itself.
    return float(model.predict(np.asarray([row], dtype=np.float64), num_threads=1)[0])


def prefers_alt(
    main: str,
    alt: str,
    stats: tuple[int, int, int],
    probability: Callable[[list[float]], float] = alt_probability,
    threshold: float = THRESHOLD,
) -> bool:
    """Whether the alternative candidate is the better body: by the model, unless one of them is empty."""
    if main == alt or not alt:
        return False
    if not main:
        return len(words(alt)) >= MIN_ALONE  # when trafilatura found nothing, a line or two is a menu
    return probability(features(main, alt, stats)) > threshold
