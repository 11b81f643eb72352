"""Main-content extraction: two extractors that fail on different pages, and a learned choice between them.

trafilatura's fast pass reads the lxml tree; Resiliparse's main-content extractor reads the markup with its own
parser (it costs a tenth of trafilatura). ``indexer.clean.choose`` picks one body per page. Then a guard: the
body kept must not be a small part of the other candidate (a menu or a "scroll to top" line where the other
found an article); and when both found almost nothing on a page full of text, trafilatura runs again with its
fallbacks (readability, jusText), which win back most of those pages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLParserException
from trafilatura.settings import Extractor

from indexer.clean.choose import MIN_ALONE, alt_probability, page_stats, prefers_alt, words
from indexer.clean.fastpass import fast_body, slow_body
from indexer.clean.loading import load_html
from indexer.clean.normalize import normalize_text, repair_text
from indexer.clean.render import render_body

log = logging.getLogger(__name__)

# Never part of an article's text; trafilatura drops them too, but only after copying the whole tree twice.
# <noscript> stays: a page that draws its article with a script (Blogger) keeps the article there, and trafilatura
# finds it (on 519 sampled pages of the five sets, keeping it changed one body: that article, found).
_INERT = ("script", "style", "svg", "template", "iframe", "link", "meta")
# Elements trafilatura's tree cleaning deletes anyway (its MANUALLY_CLEANED list), removed before it copies the tree
# three times and runs its XPath searches over it: a tenth of its time, with the same bodies on 389 sampled pages.
# Left to trafilatura: the ones its recall retry and baseline, which read the raw tree, sometimes take an article
# from (nav, aside, button, label, fieldset, legend, time, frame, dialog), and those it treats with care (form,
# figure, math).
_DELETED_ANYWAY = (
    "head", "footer", "menu", "menuitem", "embed", "object", "applet", "param", "audio", "video", "source", "track",
    "canvas", "map", "area", "picture", "use", "fencedframe", "blink", "marquee", "noindex", "input", "select",
    "option", "optgroup", "datalist", "textarea", "output", "progress", "rp", "rt", "rtc",
)  # fmt: skip
_REMOVED = (*_INERT, *_DELETED_ANYWAY)  # no element of these names is left after prepare()
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_WORD = re.compile(r"\w+")
LOST_SHARE = 0.2  # a body under this share of the other candidate's words has lost the article the other kept
LOST_MIN_WORDS = 100  # ...provided the other candidate is itself an article, not a caption
RESCUE_SHARE = 0.03  # both bodies under this share of the page's words: the fallbacks get a try
RESCUE_MIN_PAGE = 300  # words on the page for a rescue to be worth running
_CHARS_PER_WORD = 6


def parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree (what trafilatura works on), or None when there is no markup."""
    try:
        return load_html(html)
    except ValueError:
        return None


def strip_inert(root: HtmlElement) -> None:
    """Remove scripts, styles, comments and other elements that never hold article text (in place)."""
    etree.strip_elements(root, etree.Comment, *_INERT, with_tail=False)


def prepare(root: HtmlElement) -> tuple[int, int, int]:
    """Strip what never holds the article (in place) and return the page statistics the chooser reads."""
    strip_inert(root)
    stats = page_stats(root)  # before the head and footer go: the model was trained on these figures
    etree.strip_elements(root, *_DELETED_ANYWAY, with_tail=False)
    return stats


@lru_cache(maxsize=2)
def _options(fast: bool) -> Extractor:
    # Built once: bare_extraction would build (and parse the configuration of) a new one on every call.
    return Extractor(output_format="xml", fast=fast, comments=False, links=False, tables=True)


def trafilatura_body(root: HtmlElement, fast: bool = True) -> str:
    """trafilatura's main text as paragraphs; ``fast=False`` adds its readability and jusText fallbacks.

    ``root`` is the tree as ``prepare`` leaves it. The fast pass works on ``root`` itself (it prunes what
    trafilatura prunes before it copies, which the slow pass would prune again); the slow pass works on a copy.
    """
    # The body element, not extract()'s output: extract() would hash it and write XML only for render to parse
    # it again (a fifth of the time).
    if fast:
        body = fast_body(root, _options(True), absent=_REMOVED)
    else:
        body = slow_body(root, _options(False))
    return render_body(body) if body is not None else ""


def resiliparse_body(html: str) -> str:
    """Resiliparse's main-content text, without reader comments, alt texts or post metadata."""
    head_end = _HEAD_END.search(html)  # the head holds no body text: skipping it saves a seventh of the parse
    if head_end is not None:
        html = html[head_end.end() :]
    try:
        text = extract_plain_text(html, main_content=True, comments=False, alt_texts=False, post_meta=False)
    except (HTMLParserException, TypeError, ValueError):
        return ""
    return normalize_text(text)


def keep_article(chosen: str, other: str) -> str:
    """``other`` when ``chosen`` kept only a small part of the article ``other`` found, else ``chosen``."""
    kept, found = len(words(chosen)), len(words(other))
    return other if found >= LOST_MIN_WORDS and kept < LOST_SHARE * found else chosen


def needs_rescue(main: str, alt: str, stats: tuple[int, int, int]) -> bool:
    """Both candidates found almost nothing on a page with plenty of text."""
    page_words = stats[1] / _CHARS_PER_WORD
    return page_words >= RESCUE_MIN_PAGE and max(len(words(main)), len(words(alt))) < RESCUE_SHARE * page_words


def combine(
    main: str,
    alt: str,
    stats: tuple[int, int, int],
    rescue: Callable[[], str],
    probability: Callable[[list[float]], float] = alt_probability,
    guard: bool = True,
) -> str:
    """The chosen candidate, guarded against a lost article, rescued by ``rescue()`` when both found nothing."""
    body, other = (alt, main) if prefers_alt(main, alt, stats, probability) else (main, alt)
    if guard:
        body = keep_article(body, other)
    if guard and needs_rescue(main, alt, stats):
        body = keep_article(body, rescue())
    return body


def extract_body(root: HtmlElement | None, html: str) -> str:
    """The article body of a parsed page, paragraph by paragraph (the tree is modified)."""
    if root is None:
        return ""
    stats = prepare(root)
    # A page too short for the fast pass (a brief, a test page) is where the fallbacks cost least.
    main = trafilatura_body(root) or trafilatura_body(root, fast=False)
    alt = resiliparse_body(html)
    body = combine(main, alt, stats, lambda: trafilatura_body(root, fast=False))
    if _only_menu(body, root):
        return ""
    repaired = repair_text(body, only_if_bad=True)
    # Both candidates come out normalised: only a repair that changed something needs normalising again.
    return body if repaired == body else normalize_text(repaired)


def _only_menu(body: str, root: HtmlElement) -> bool:
    """A body of a few words, all of them from the page's menus: a page with no article at all."""
    found = words(body)
    if not found or len(found) >= MIN_ALONE:
        return False
    return set(found) <= set(_WORD.findall(" ".join(root.xpath("//nav//text()"))))
