"""trafilatura's fast pass on our own tree: the same body as bare_extraction, the same pruning, the same parse."""

from __future__ import annotations

import gzip
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from copy import copy

import pytest
import trafilatura
from lxml import etree
from trafilatura import main_extractor
from trafilatura.baseline import html2txt
from trafilatura.htmlprocessing import tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.utils import INVALID_XML_CHARS, repair_faulty_html
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

from bench.shared import DATA
from indexer.clean import extract, fastpass, loading
from indexer.clean.sources import decode
from tests.conftest import require_data

OPTIONS = Extractor(output_format="xml", fast=True, comments=False, links=False, tables=True)
SETS = ("article-extraction-dev", "extraction-htmltotext", "extraction-readability", "extraction-wcxb")
_SENTENCE = "The council voted on Tuesday to expand the tram network, a plan that opponents called too costly. "
PAGES = [
    # an article with the furniture trafilatura prunes before and during its pass
    "<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav><article>"
    + "".join(f"<p>{i}: {_SENTENCE * 3}</p>" for i in range(6))
    + "<div id='comments'><p>A reader comment that is not the article.</p></div>"
    "<div class='infinite-scroll'><p>The next article, appended.</p></div>"
    "<section class='elementor-share-buttons'><a href='#'>Share</a></section>"
    "<ul class='comment-list'><li>Nice</li></ul></article><footer>Footer</footer></body></html>",
    # a short page: the baseline rescue and the recall retry run
    f"<html><body><div><span>{_SENTENCE}</span></div><div class='x'><a href='/a'>Menu</a></div></body></html>",
    # teasers: the fast pass drops them and keeps little of the page, the recall retry keeps them
    f"<html><body><article><p>{_SENTENCE * 3}</p><div class='teaser'>"
    + "".join(f"<p>{i}: {_SENTENCE * 3}</p>" for i in range(10))
    + "</div></article></body></html>",
    # a forum thread (JSON-LD): comment containers are content
    '<html><head><script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script></head><body>'
    + "".join(f"<div class='comment'><p>{i}: {_SENTENCE * 2}</p></div>" for i in range(5))
    + "</body></html>",
]


def _bare(tree: etree._Element) -> bytes:
    document = trafilatura.bare_extraction(tree, options=OPTIONS)
    body = getattr(document, "body", None)
    return b"" if body is None else etree.tostring(body)


def _ours(tree: etree._Element, absent: tuple[str, ...] = ()) -> bytes:
    body = fastpass.fast_body(tree, OPTIONS, absent)
    return b"" if body is None else etree.tostring(body)


def _same_body(html: str, prepare: bool) -> None:
    theirs, ours = trafilatura.load_html(html), loading.load_html(html)
    assert (theirs is None) == (ours is None)
    if theirs is None or ours is None:
        return
    assert etree.tostring(theirs) == etree.tostring(ours)
    if prepare:
        assert extract.prepare(theirs) == extract.prepare(ours)
    # on a prepared tree, as the cleaner runs it: without looking for what prepare removed
    assert _ours(ours, extract._REMOVED if prepare else ()) == _bare(theirs)


def _htmls(name: str, count: int) -> list[str]:
    ids = sorted(json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8")))[:count]
    pages = [DATA / name / "html" / f"{i}.html.gz" for i in ids]
    htmls = [decode(gzip.decompress(p.read_bytes())) for p in pages if p.exists()]
    assert len(htmls) >= count * 0.8
    return htmls


@pytest.mark.parametrize("html", PAGES)
@pytest.mark.parametrize("prepare", [False, True])
def test_fast_body_is_bare_extractions_body(html: str, prepare: bool) -> None:
    _same_body(html, prepare)


@pytest.mark.parametrize("name", SETS)
def test_fast_body_is_bare_extractions_body_on_real_pages(name: str) -> None:
    """The same body element on 25 pages of each set, on the tree as the cleaner prepares it."""
    require_data(name)
    for html in _htmls(name, 25):
        _same_body(html, prepare=True)


def _listed(xpaths: list | etree.XPath) -> list:
    return xpaths if isinstance(xpaths, list) else [xpaths]


PRUNES = [
    (RAW_TREE_PRUNE_XPATH, fastpass.RAW_PRUNE),
    (REMOVE_COMMENTS_AND_LISTS_XPATH, fastpass.COMMENTS_PRUNE),
    *((_listed(getattr(*key)), _listed(ours)) for key, ours in fastpass.SWAPPED.items()),
]
# trafilatura reads only the first element its container searches find
FIRST_ONLY = {id(fastpass.SWAPPED[(main_extractor, "BODY_XPATH")])}


def _selected(tree: etree._Element, xpaths: list, first_only: bool = False) -> list[etree._Element]:
    return [el for x in xpaths for el in (x(tree)[:1] if first_only else x(tree))]


def _same_selection(tree: etree._Element, theirs: list, ours: list) -> list[etree._Element]:
    first_only = id(ours) in FIRST_ONLY
    found = _selected(tree, theirs, first_only)
    assert found == _selected(tree, ours, first_only)
    return found


@pytest.mark.parametrize(("theirs", "ours"), PRUNES)
def test_the_faster_prunes_select_the_same_elements(theirs: list, ours: list) -> None:
    extra = "<div class='teaser'><p class='caption'>x</p></div><aside>y</aside><div id='cookie-banner'>z</div>"
    tree = loading.load_html(PAGES[0].replace("<article>", f"<article>{extra}"))
    assert tree is not None
    assert _same_selection(tree, theirs, ours)  # the page has something for each to prune


def test_the_faster_prunes_select_the_same_elements_on_real_pages() -> None:
    """Every faster prune selects what trafilatura's selects, on 40 pages of the WCXB set."""
    require_data("extraction-wcxb")
    for html in _htmls("extraction-wcxb", 40):
        tree = loading.load_html(html)
        assert tree is not None
        for theirs, ours in PRUNES:
            _same_selection(tree, theirs, ours)


@pytest.mark.parametrize(
    "html",
    [
        # containers nested and side by side: a per-parent [1] selects several, trafilatura reads the first
        "<html><body><div><main class='content'><div class='content'>a</div></main></div>"
        "<div class='post'><div class='post'>b</div></div><section id='main'>c</section><main>d</main></body></html>",
        "<html><body><div><p>no container</p></div></body></html>",
    ],
)
def test_the_container_searches_find_the_same_first_element(html: str) -> None:
    tree = loading.load_html(html)
    assert tree is not None
    ours = fastpass.SWAPPED[(main_extractor, "BODY_XPATH")]
    assert isinstance(ours, list)
    for theirs, faster in zip(main_extractor.BODY_XPATH, ours, strict=True):
        assert theirs(tree)[:1] == faster(tree)[:1]


def test_trafilaturas_prunes_are_put_back() -> None:
    """trafilatura's own expressions are back in its modules after a fast pass."""
    before = {key: getattr(*key) for key in fastpass.SWAPPED}
    tree = loading.load_html(PAGES[0])
    assert tree is not None
    fastpass.fast_body(tree, OPTIONS)
    assert {key: getattr(*key) for key in fastpass.SWAPPED} == before
    assert all(before[key] is not ours for key, ours in fastpass.SWAPPED.items())


LOADS = [
    '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>caf\u00e9</p></body></html>',
    '<html><head><meta charset="iso-8859-1"></head><body><p>caf\u00e9 \u2019 \u4e2d</p></body></html>',
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head>"
    "<body><p>\u0416 \U0001f600</p></body></html>",
    "<html><body><p>lone \ud800 surrogate</p></body></html>",  # no UTF-8: parsed from the str, as trafilatura
    "\ufeff<html><body><p>bom</p></body></html>",
    "<html/>\n<body><p>x</p></body>",
    "<div><p>a</p><p>b</p></div>",
    "plain text",
    "",
]


@pytest.mark.parametrize("html", LOADS)
def test_load_html_is_trafilaturas_parse(html: str) -> None:
    """Parsed from UTF-8 bytes, the tree is the one trafilatura parses from the str."""
    theirs, ours = trafilatura.load_html(html), loading.load_html(html)
    assert (theirs is None) == (ours is None)
    if theirs is not None and ours is not None:
        assert etree.tostring(theirs) == etree.tostring(ours)


def test_a_fragment_is_no_page() -> None:
    assert loading.load_html("<p>x</p>") is None is trafilatura.load_html("<p>x</p>")


def test_fast_body_refuses_other_options() -> None:
    tree = loading.load_html(PAGES[0])
    assert tree is not None
    with pytest.raises(ValueError, match="fast pass"):
        fastpass.fast_body(tree, Extractor(fast=False, comments=False))
    with pytest.raises(ValueError, match="fast pass"):
        fastpass.fast_body(tree, Extractor(fast=True, comments=True))


SLOW = Extractor(output_format="xml", fast=False, comments=False, links=False, tables=True)


def _slow_same(html: str) -> None:
    theirs, ours = trafilatura.load_html(html), loading.load_html(html)
    assert theirs is not None and ours is not None
    extract.prepare(theirs)
    extract.prepare(ours)
    document = trafilatura.bare_extraction(theirs, options=SLOW)
    expected = b"" if document is None or document.body is None else etree.tostring(document.body)
    body = fastpass.slow_body(ours, SLOW)
    assert (b"" if body is None else etree.tostring(body)) == expected


@pytest.mark.parametrize("html", PAGES)
def test_slow_body_is_bare_extractions_body(html: str) -> None:
    _slow_same(html)


@pytest.mark.parametrize("name", ["extraction-wcxb", "extraction-dragnet"])
def test_slow_body_is_bare_extractions_body_on_real_pages(name: str) -> None:
    """With trafilatura's fallbacks too, the faster searches give the same body, on 10 pages of two sets."""
    require_data(name)
    for html in _htmls(name, 10):
        _slow_same(html)


REPAIRS = [
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x.dtd' />\n<html><body><p>a</p></body></html>",
    "<html lang='en'/>\n<body><p>a</p></body>",
    "<html><body><p>bell\x07 form\x0c feed\x00 and \ufffe</p></body></html>",
    "<!doctype html>\n<html><body><p>plain</p></body></html>",
    "no markup at all",
]


@pytest.mark.parametrize("html", REPAIRS)
def test_repair_html_is_trafilaturas(html: str) -> None:
    assert loading.repair_html(html, html[:50].lower()) == repair_faulty_html(html, html[:50].lower())


def test_repair_html_looks_for_every_character_trafilatura_removes() -> None:
    removed = {chr(c) for c in range(0x110000) if INVALID_XML_CHARS.match(chr(c))}
    assert set(loading._INVALID_XML or ()) == removed


def test_repair_html_is_trafilaturas_on_real_pages() -> None:
    require_data("extraction-htmltotext")
    for html in _htmls("extraction-htmltotext", 20):
        assert loading.repair_html(html, html[:50].lower()) == repair_faulty_html(html, html[:50].lower())


@pytest.mark.parametrize(
    "html", [*PAGES, "<html><body>\xa0x\u2009 <p>a\x07b</p><br/><aside>side</aside></body></html>"]
)
def test_page_text_bound_is_never_under_html2txt(html: str) -> None:
    tree = loading.load_html(html)
    assert tree is not None
    assert fastpass.page_text_bound(tree) >= len(html2txt(tree)) > 0


def test_page_text_bound_is_never_under_html2txt_on_real_pages() -> None:
    require_data("extraction-wcxb")
    for html in _htmls("extraction-wcxb", 40):
        tree = loading.load_html(html)
        assert tree is not None
        extract.prepare(tree)
        assert fastpass.page_text_bound(tree) >= len(html2txt(tree))


def _installed() -> bool:
    return all(getattr(*key) is ours for key, ours in fastpass.SWAPPED.items())


def _put_back() -> bool:
    return not any(getattr(*key) is ours for key, ours in fastpass.SWAPPED.items())


def test_two_threads_share_the_faster_expressions() -> None:
    """A pass that ends while another runs leaves ours installed; the last one to end puts trafilatura's back."""
    entered, release = threading.Event(), threading.Event()

    def first() -> None:
        with fastpass._faster_stage_xpaths():
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(10)
    with fastpass._faster_stage_xpaths():
        release.set()
        thread.join(10)
        assert _installed()  # the first pass ended, this one still runs
    assert _put_back()


def test_concurrent_fast_passes_find_the_same_bodies() -> None:
    expected = [_ours(loading.load_html(html)) for html in PAGES]  # type: ignore[arg-type]
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda html: _ours(loading.load_html(html)), PAGES * 20))  # type: ignore[arg-type]
    assert found == expected * 20
    assert _put_back()


@pytest.mark.parametrize("focus", ["balanced", "recall"])
def test_tree_cleaning_without_the_absent_tags_is_trafilaturas(focus: str) -> None:
    """On trees prepare has stripped, skipping its tags cleans them as trafilatura's tree_cleaning does."""
    require_data("extraction-readability")
    options = copy(OPTIONS)
    options.focus = focus
    for html in [*PAGES, *_htmls("extraction-readability", 20)]:
        tree = loading.load_html(html)
        assert tree is not None
        extract.prepare(tree)
        theirs = tree_cleaning(copy(tree), options)
        ours = fastpass._tree_cleaning(copy(tree), options, extract._REMOVED)
        assert etree.tostring(ours) == etree.tostring(theirs)
