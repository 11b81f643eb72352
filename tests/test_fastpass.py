"""trafilatura's fast pass on our own tree: the same body as bare_extraction, the same pruning, the same parse."""

from __future__ import annotations

import gzip
import json

import pytest
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

from bench.shared import DATA
from indexer.clean import extract, fastpass
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


def _ours(tree: etree._Element) -> bytes:
    body = fastpass.fast_body(tree, OPTIONS)
    return b"" if body is None else etree.tostring(body)


def _same_body(html: str, prepare: bool) -> None:
    theirs, ours = trafilatura.load_html(html), fastpass.load_html(html)
    assert (theirs is None) == (ours is None)
    if theirs is None or ours is None:
        return
    assert etree.tostring(theirs) == etree.tostring(ours)
    if prepare:
        assert extract.prepare(theirs) == extract.prepare(ours)
    assert _ours(ours) == _bare(theirs)


@pytest.mark.parametrize("html", PAGES)
@pytest.mark.parametrize("prepare", [False, True])
def test_fast_body_is_bare_extractions_body(html: str, prepare: bool) -> None:
    _same_body(html, prepare)


@pytest.mark.parametrize("name", SETS)
def test_fast_body_is_bare_extractions_body_on_real_pages(name: str) -> None:
    """The same body element on 25 pages of each set, on the tree as the cleaner prepares it."""
    require_data(name)
    ids = sorted(json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8")))[:25]
    pages = [DATA / name / "html" / f"{i}.html.gz" for i in ids]
    htmls = [decode(gzip.decompress(p.read_bytes())) for p in pages if p.exists()]
    assert len(htmls) >= 20
    for html in htmls:
        _same_body(html, prepare=True)


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [(RAW_TREE_PRUNE_XPATH, fastpass.RAW_PRUNE), (REMOVE_COMMENTS_AND_LISTS_XPATH, fastpass.COMMENTS_PRUNE)],
)
def test_the_faster_prunes_select_the_same_elements(theirs: list, ours: list) -> None:
    tree = fastpass.load_html(PAGES[0])
    assert tree is not None
    selected = [[el for x in xpaths for el in x(tree)] for xpaths in (theirs, ours)]
    assert selected[0] == selected[1]
    assert selected[0]  # the page has something for each to prune


def test_faster_xpath_rewrites() -> None:
    assert fastpass.faster_xpath(".//*[self::div or self::ul][@id]") == "(.//div|.//ul)[@id]"
    assert fastpass.faster_xpath(".//*[re:test(@class, '^a')]") == ".//*[((@class) and re:test(@class, '^a'))]"
    # a pattern the empty string matches is left alone: a missing attribute tests true
    assert fastpass.faster_xpath(".//*[re:test(@class, 'a?')]") == ".//*[re:test(@class, 'a?')]"
    # positions would change meaning in a union
    assert fastpass.faster_xpath(".//*[self::p][1]") == ".//*[self::p][1]"


def test_a_fragment_is_no_page() -> None:
    assert fastpass.load_html("<p>x</p>") is None is trafilatura.load_html("<p>x</p>")


def test_fast_body_refuses_other_options() -> None:
    tree = fastpass.load_html(PAGES[0])
    assert tree is not None
    with pytest.raises(ValueError, match="fast pass"):
        fastpass.fast_body(tree, Extractor(fast=False, comments=False))
    with pytest.raises(ValueError, match="fast pass"):
        fastpass.fast_body(tree, Extractor(fast=True, comments=True))
