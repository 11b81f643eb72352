"""trafilatura's XPath expressions rewritten: the same selection, spelled so libxml2 answers it itself."""

from __future__ import annotations

import pytest
from lxml import etree
from trafilatura import xpaths
from trafilatura.xpaths import REGEXP_NS

from indexer.clean.fasterxpath import faster_xpath, native_test

_PAGE = (
    "<html><body><div class='share-box'><p>a</p></div><div id='comments-1'><span class='bread-crumb'>b</span>"
    "</div><section class='article-body dfpAd'><p class='caption hide-me'>c</p><p style='display:none'>d</p>"
    "</section><div class='social' id='x'><ul class='comment-list'><li class='ad-slot'>e</li></ul></div>"
    "<div class='teaser Commentary'><p class='post-nav'>f</p></div><div class='nav'>g</div></body></html>"
)
_ALL = [x for name in dir(xpaths) if name.endswith(("_XPATH", "_ELEMENTS")) for x in getattr(xpaths, name)]


def test_plain_words_become_string_functions() -> None:
    assert native_test("@class", "^nav|bread-?crumb") == (
        "@class[starts-with(., 'nav') or contains(., 'breadcrumb') or contains(., 'bread-crumb')]"
    )
    assert native_test("@id", "a[Bb]c") == "@id[contains(., 'aBc') or contains(., 'abc')]"
    # on a union of attributes, each test reads the first of them
    assert native_test("@id|@class", "ab|cd") == "(contains(@id|@class, 'ab') or contains(@id|@class, 'cd'))"


def test_what_is_no_plain_word_stays_a_guarded_regex() -> None:
    # a regex that needs a word is asked only where the word is
    assert native_test("@id", "^x|[Cc]omment(?!ary)") == (
        "@id[starts-with(., 'x') or ((contains(., 'omment')) and re:test(., '[Cc]omment(?!ary)'))]"
    )
    # an anchored group is spelled alternative by alternative
    assert native_test("@id", "^(?:ab|[Cc]d(?!e))") == "@id[starts-with(., 'ab') or re:test(., '^[Cc]d(?!e)')]"
    # too many words: one regular expression is cheaper than many contains()
    assert native_test("@class", "a|b|c|d|e") == "@class[re:test(., 'a|b|c|d|e')]"
    assert native_test("@id|@class", "a|b|c|d|e") == "((@id|@class) and re:test(@id|@class, 'a|b|c|d|e'))"
    # case folding is left a regex, asked only where the attribute is
    assert native_test("@class", "a", "i") == "@class[re:test(., 'a', 'i')]"
    # a pattern the empty string matches is left alone: a missing attribute tests true
    assert native_test("@class", "a?") == "re:test(@class, 'a?')"


def test_name_tests_become_a_union_unless_positions_matter() -> None:
    assert faster_xpath(".//*[self::div or self::ul][@id]") == "(.//div|.//ul)[@id]"
    assert faster_xpath(".//*[self::p][1]") == ".//*[self::p][1]"


def test_the_first_in_document_order_is_asked_so_that_libxml2_stops_there() -> None:
    assert faster_xpath("(.//*[self::p][@id='a'])[1]|(.//main)[1]") == (
        "descendant::*[self::p][@id='a'][1]|descendant::main[1]"
    )
    # a per-parent [1] selects more than the first: rewritten only for a caller that reads the first alone
    assert faster_xpath(".//*[self::p][@id][1]") == ".//*[self::p][@id][1]"
    assert faster_xpath(".//*[self::p][@id][1]", first_only=True) == "descendant::*[self::p][@id][1]"
    # other positions, brackets inside strings, and paths after the parentheses are left alone
    for path in ["(.//p)[2]", "(.//p[position() < 3])[1]", "(.//p[@id=']'])[1]/a", ".//p[last()]"]:
        assert faster_xpath(path, first_only=True) == path
    assert faster_xpath("(.//p[@id=')]'])[1]") == "descendant::p[@id=')]'][1]"


@pytest.mark.parametrize("xpath", _ALL, ids=lambda x: x.path.strip()[:40])
def test_every_trafilatura_expression_finds_the_same_first_element(xpath: etree.XPath) -> None:
    """Rewritten for a caller that reads the first element only, each expression finds the same one."""
    tree = etree.HTML(_PAGE)
    faster = etree.XPath(faster_xpath(xpath.path, first_only=True), namespaces={"re": REGEXP_NS})
    assert faster(tree)[:1] == xpath(tree)[:1]


@pytest.mark.parametrize("xpath", _ALL, ids=lambda x: x.path.strip()[:40])
def test_every_trafilatura_expression_selects_the_same(xpath: etree.XPath) -> None:
    """Every expression of trafilatura's xpaths module, rewritten, selects the same nodes on a busy page."""
    tree = etree.HTML(_PAGE)
    faster = etree.XPath(faster_xpath(xpath.path), namespaces={"re": REGEXP_NS})
    assert faster(tree) == xpath(tree)
