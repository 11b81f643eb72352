"""trafilatura's fast pass on a tree we own: the body ``bare_extraction(fast=True, comments=False)`` finds, cheaper.

``bare_extraction`` is written for a caller that keeps its tree: it copies the tree it is handed, copies it again
for its cleaning, and once more as a backup that only its slow mode and comment search read. We parse the page
ourselves and hand the tree over, so ``fast_body`` runs trafilatura's own stages (``trafilatura_sequence`` in
``trafilatura/core.py``, fast and without comments) on it with one copy instead of three. More savings, with the
same result:

* the page is parsed as trafilatura parses it, faster (``indexer.clean.loading``);
* its boilerplate prunes and container searches (the raw-tree prunes, which ``fast_body`` runs itself, and
  the expressions of its extractor, swapped into its module while the extractor runs) are equivalent, faster
  XPath expressions rewritten from its own (``indexer.clean.fasterxpath``);
* its tree cleaning skips the searches for the elements the caller has already removed (``absent``): each is a
  walk over the whole tree that finds nothing;
* its recall retry measures the page's text (``html2txt``, a copy and cleaning of the whole tree) only when a
  cheap bound leaves the answer open.

The slow pass (``slow_body``: ``bare_extraction`` with trafilatura's fallbacks, for the pages the fast pass misses)
runs under the same faster searches.

trafilatura is pinned to a range in ``pyproject.toml``; ``tests/test_fastpass.py`` holds the bodies identical to
``bare_extraction``'s on real pages, so an upgrade that changes its stages fails there first.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from copy import copy, deepcopy
from types import ModuleType

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import core, main_extractor
from trafilatura.baseline import _BLOCK_ELEMS, baseline, html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _forum_thread_page,
    bare_extraction,
)
from trafilatura.htmlprocessing import (
    PRESERVE_IMG_CLEANING,
    _handle_forms,
    convert_tags,
    prune_html,
    prune_unwanted_nodes,
    recover_math,
)
from trafilatura.settings import MANUALLY_CLEANED, MANUALLY_STRIPPED, Extractor
from trafilatura.xml import delete_element
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REGEXP_NS, REMOVE_COMMENTS_AND_LISTS_XPATH

from indexer.clean.fasterxpath import faster_xpath

log = logging.getLogger(__name__)
# The module, not the function trafilatura's package exports under the same name.
baseline_module = importlib.import_module("trafilatura.baseline")


def _faster(xpaths: list[XPath], first_only: bool = False) -> list[XPath]:
    return [XPath(faster_xpath(x.path, first_only), namespaces={"re": REGEXP_NS}) for x in xpaths]


RAW_PRUNE = _faster(RAW_TREE_PRUNE_XPATH)
COMMENTS_PRUNE = _faster(REMOVE_COMMENTS_AND_LISTS_XPATH)
# The expressions trafilatura's stages read from their modules (the article's container in _extract, the
# boilerplate in prune_unwanted_sections, the page text the recall retry is measured against), and ours.
SWAPPED: dict[tuple[ModuleType, str], list[XPath] | XPath] = {
    # _extract reads the first container each expression finds, nothing else
    (main_extractor, "BODY_XPATH"): _faster(main_extractor.BODY_XPATH, first_only=True),
    **{
        (main_extractor, name): _faster(getattr(main_extractor, name))
        for name in ("OVERALL_DISCARD_XPATH", "TEASER_DISCARD_XPATH", "DISCARD_IMAGE_ELEMENTS")
    },
    (baseline_module, "BASIC_CLEAN_XPATH"): _faster([baseline_module.BASIC_CLEAN_XPATH])[0],
    # the raw-tree prunes as trafilatura_sequence reads them, for the slow pass (slow_body)
    (core, "RAW_TREE_PRUNE_XPATH"): RAW_PRUNE,
    (core, "REMOVE_COMMENTS_AND_LISTS_XPATH"): COMMENTS_PRUNE,
}


class _StageXPaths:
    """Installs ``SWAPPED`` in trafilatura's modules while at least one of our passes runs, in any thread.

    trafilatura's stages read the expressions from their modules, so they are set there and put back when the last
    pass leaves (a count under a lock: two threads cleaning at once must neither put the originals back under a pass
    still running nor leave ours installed). A thread running trafilatura meanwhile uses ours too, and selects the
    same elements (the tests hold both to the same selection on real pages).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved: dict[tuple[ModuleType, str], object] = {}

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Our expressions in trafilatura's modules while the block runs."""
        with self._lock:
            if not self._running:
                self._saved = {key: getattr(*key) for key in SWAPPED}
                for (module, name), xpaths in SWAPPED.items():
                    setattr(module, name, xpaths)
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if not self._running:
                    for (module, name), xpaths in self._saved.items():
                        setattr(module, name, xpaths)


_faster_stage_xpaths = _StageXPaths().installed


_NORMALIZED_LENGTH = XPath("string-length(normalize-space(.))")


def page_text_bound(tree: HtmlElement) -> int:
    """An upper bound on ``len(html2txt(tree))``, read without copying the tree or its text.

    ``html2txt`` copies the tree, deletes some sections, puts a space before the text and the tail of every block
    element and collapses the whitespace. Deleting text never lengthens a text with its whitespace collapsed, and
    each inserted space lengthens it by one at most; ``normalize-space`` collapses fewer characters than Python's
    ``split`` (the ASCII ones only), so it is never shorter.
    """
    body = tree.find(".//body")
    if body is None:
        body = tree
    return int(_NORMALIZED_LENGTH(body)) + 2 * sum(1 for _ in body.iter(*_BLOCK_ELEMS))


def fast_body(tree: HtmlElement, options: Extractor, absent: Collection[str] = ()) -> etree._Element | None:
    """trafilatura's body element for ``tree``, as ``bare_extraction`` finds it; the tree is modified.

    ``options`` must be a fast, comment-less extractor without language, metadata or duplicate filters (the only
    use here); the stages follow ``trafilatura_sequence``, then ``bare_extraction``'s size check. ``absent``: tags
    the caller has removed from the tree, which its cleaning need not look for.
    """
    if not options.fast or options.comments or options.lang or options.with_metadata or options.dedup:
        raise ValueError("fast_body runs trafilatura's fast pass without comments or filters only")
    if options.focus == "precision":
        raise ValueError("fast_body does not run the precision focus")
    # a thread forum declares itself in a JSON-LD script: none left, no forum
    is_forum = "script" not in absent and _forum_thread_page(tree)
    prune_unwanted_nodes(tree, RAW_PRUNE)
    if not is_forum:
        prune_unwanted_nodes(tree, COMMENTS_PRUNE)
    with _faster_stage_xpaths():
        body, text = _sequence(tree, options, absent)
    if options.max_tree_size and len(body) > options.max_tree_size:
        etree.strip_tags(body, "hi")
        if len(body) > options.max_tree_size:
            return None
    # bare_extraction's size check, with no comments to count
    return None if len(text) < options.min_output_size and options.min_output_comm_size > 0 else body


def _sequence(tree: HtmlElement, options: Extractor, absent: Collection[str]) -> tuple[etree._Element, str]:
    """``trafilatura_sequence`` after its raw-tree prunes: clean, extract, rescue, retry in recall mode."""
    # The copy keeps the raw tree for the baseline and the recall retry below; no backup copy: only the slow
    # mode's comparison and the comment search read it.
    cleaned = convert_tags(_tree_cleaning(copy(tree), options, absent), options, options.url)
    body, text = main_extractor.extract_content(cleaned, options)
    if len(text) < options.min_extracted_size:
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(text) < ESCALATION_MAX_LENGTH
        # html2txt copies and cleans the whole tree: asked only when the bound leaves the answer open
        and len(text) < ESCALATION_PAGE_SHARE * page_text_bound(tree)
        and len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))
    ):
        recall = copy(options)
        recall.focus = "recall"
        r_text = ""
        try:
            # _recall_retry without the backup copy its fast mode never reads
            cleaned = convert_tags(_tree_cleaning(copy(tree), recall, absent), recall, options.url)
            r_body, r_text = main_extractor.extract_content(cleaned, recall)
        except Exception as err:  # noqa: BLE001 - as trafilatura: a failed retry keeps the first body
            log.debug("recall retry failed: %s", err)
        if len(r_text) >= options.min_extracted_size and len(r_text) > ESCALATION_ACCEPT_RATIO * len(text):
            body, text = r_body, r_text
    return body, text


def _tree_cleaning(tree: HtmlElement, options: Extractor, absent: Collection[str]) -> HtmlElement:
    """trafilatura's ``tree_cleaning``, not looking for the ``absent`` tags (a walk of the whole tree each)."""
    recover_math(tree)
    cleaning_list = [tag for tag in MANUALLY_CLEANED if tag not in absent]
    stripping_list = MANUALLY_STRIPPED.copy()
    clean_forms = "form" in cleaning_list
    if clean_forms:
        cleaning_list.remove("form")
    if not options.tables:
        cleaning_list.extend(["table", "td", "th", "tr"])
    else:
        for elem in tree.iter("figure", "table"):
            if (
                elem.find(".//table") is not None
                if elem.tag == "figure"
                else elem.get("role") in ("presentation", "none")
            ):
                elem.tag = "div"
    if options.images:
        cleaning_list = [e for e in cleaning_list if e not in PRESERVE_IMG_CLEANING]
        stripping_list.remove("img")
    etree.strip_tags(tree, stripping_list)
    tcopy = None
    if (
        options.focus == "recall"
        and tree.find(".//p") is not None
        and (
            "p" in cleaning_list or not any(next(p.iterancestors(cleaning_list), tree) is tree for p in tree.iter("p"))
        )
    ):
        tcopy = deepcopy(tree)
    for expression in cleaning_list:
        for element in tree.iter(expression):
            delete_element(element)
    if tcopy is not None and tree.find(".//p") is None:
        tree = tcopy
    if clean_forms:
        _handle_forms(tree)
    return prune_html(tree, options.focus)


def slow_body(tree: HtmlElement, options: Extractor) -> etree._Element | None:
    """The body ``bare_extraction`` finds with ``options`` (its fallbacks included), its searches the faster ones."""
    with _faster_stage_xpaths():
        document = bare_extraction(tree, options=options)
    return getattr(document, "body", None)
