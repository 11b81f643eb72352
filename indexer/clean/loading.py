"""trafilatura's page loading (``load_html``), the same tree, faster.

* The parser has trafilatura's settings but chooses each element's class in C: lxml's HTML parser calls a Python
  function for every element object it hands out (a few hundred thousand per hundred pages), to give forms and
  inputs their own classes, which trafilatura never uses.
* The page is parsed from UTF-8 bytes: handed a str, lxml passes libxml2 its UTF-16 or UTF-32 buffer to convert
  first, twice as slow.
* Its repair of faulty markup looks for the control characters it removes before scanning the page with a
  regular expression.

``tests/test_fastpass.py`` holds the tree to trafilatura's on real pages and on edge cases.
"""

from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS, repair_faulty_html

# trafilatura.utils.HTML_PARSER's settings, with every element an HtmlElement chosen in C.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def _from_bytes(html: str, errors: str = "surrogatepass") -> HtmlElement | None:
    """The page parsed from its UTF-8 bytes (``errors="strict"``: None for lone surrogates); None when no tree."""
    try:
        return lxml.html.fromstring(html.encode("utf8", errors), parser=_PARSER)
    except Exception:  # noqa: BLE001 - as trafilatura: an unparsable page is no tree
        return None


def _class_chars(pattern: str) -> tuple[str, ...] | None:
    """The characters a one-class pattern (``[...]`` of literals and ranges) matches, or None for any other."""
    items = list(sre_parse.parse(pattern))
    if len(items) != 1 or items[0][0] is not sre.IN:
        return None
    found: list[str] = []
    for op, arg in items[0][1]:
        if op is sre.LITERAL:
            found.append(chr(arg))
        elif op is sre.RANGE:
            found.extend(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return tuple(found)


_INVALID_XML = _class_chars(INVALID_XML_CHARS.pattern)


def repair_html(html: str, beginning: str) -> str:
    """trafilatura's ``repair_faulty_html``, its whole-page substitution run only where there is something to remove.

    The substitution (control characters libxml2 rejects) scans every character of the page with a regular
    expression: a fifth of the parse. Looking for each of those few characters first costs a fifth of that.
    """
    if _INVALID_XML is None or any(char in html for char in _INVALID_XML):
        return repair_faulty_html(html, beginning)
    # its two other steps, as it takes them
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


def load_html(html: str) -> HtmlElement | None:
    """The page as trafilatura's ``load_html`` parses a string, with the C class lookup; None if not HTML."""
    beginning = html[:50].lower()
    html = repair_html(html, beginning)
    # Handed a str, lxml passes libxml2 its UTF-16 or UTF-32 buffer to convert before parsing; UTF-8 bytes are
    # parsed as they come, in half the time, into the same tree (the parser's encoding is set: no <meta> charset
    # switches it; the same on every page of the five sets). A page with lone surrogates (no UTF-8) or that gives
    # no tree so takes trafilatura's own way below.
    tree = _from_bytes(html, "strict")
    if tree is not None and len(tree) >= 1:
        return None if "html" not in beginning and len(tree) < 2 else tree
    tree, fallback = None, False
    try:
        tree = lxml.html.fromstring(html, parser=_PARSER)
    except ValueError:  # a string with an encoding declaration
        tree, fallback = _from_bytes(html), True
    except Exception:  # noqa: BLE001 - as trafilatura: tried again as bytes below
        tree = None
    if (tree is None or len(tree) < 1) and not fallback:
        tree = _from_bytes(html)
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # as trafilatura: a fragment is not a page
    return tree
