"""Highlighting built on HTML-escaped text: matched terms wrapped in ``<mark>``."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from whoosh.highlight import Formatter, Fragment, PinpointFragmenter, WholeFragmenter, get_text
from whoosh.searching import Results

SNIPPET_CHARS = 240
MAX_FRAGMENTS = 3


class MarkFormatter(Formatter):
    """Escapes every piece of text and wraps matches in ``<mark>``; returns one string per fragment."""

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        """A matched token, escaped and marked."""
        return f"<mark>{escape(get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment: Fragment, replace: bool = False) -> str:
        """One fragment, with an ellipsis where it cuts the text."""
        html = super().format_fragment(fragment, replace=replace).strip()
        if fragment.startchar > 0:
            html = "… " + html
        if fragment.endchar < len(fragment.text):
            html += " …"
        return html

    def format(self, fragments: list[Fragment], replace: bool = False) -> list[str]:  # type: ignore[override]
        """Every fragment, formatted, in text order; overlapping fragments are merged, so no text repeats."""
        merged: list[Fragment] = []
        for fragment in sorted(fragments, key=lambda f: f.startchar):
            if merged and fragment.startchar < merged[-1].endchar:
                last = merged[-1]
                end = max(last.endchar, fragment.endchar)
                merged[-1] = Fragment(last.text, last.matches + fragment.matches, last.startchar, end)
            else:
                merged.append(fragment)
        return [self.format_fragment(f, replace=replace) for f in merged]


def snippet_fragmenter() -> PinpointFragmenter:
    """Short fragments around matches, found from stored character positions."""
    return PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=90, autotrim=True, charlimit=None)


def whole_fragmenter() -> WholeFragmenter:
    """The whole text as one fragment, for the article page."""
    return WholeFragmenter(charlimit=None)


def plain_snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a text, escaped, for hits that match only outside the body."""
    if len(text) <= limit:
        return str(escape(text))
    return str(escape(text[:limit].rsplit(" ", 1)[0])) + " …"


def load_page_chars(results: Results, docnums: list[int], fieldnames: tuple[str, ...]) -> None:
    """Read where each matched term sits in these hits only, into Whoosh's cache for pinpoint highlighting.

    Whoosh's highlighter fills that cache for every ranked hit the first time it highlights one, which is the
    whole folding window (hundreds of hits) when a page shows ten. Postings are read segment by segment, without
    the scorer the searcher's own ``postings`` would set up for each.
    """
    wanted = sorted(set(docnums))
    leaves = results.searcher.reader().leaf_readers()
    for fieldname in fieldnames:
        field = results.searcher.schema[fieldname]
        if not field.supports("characters"):
            continue
        cache: dict[int, dict[str, Any]] = {docnum: {} for docnum in wanted}
        for (name, btext), matching in results.termdocs.items():
            if name != fieldname:
                continue
            present = set(matching)
            text = field.from_bytes(btext)
            for reader, offset in leaves:
                end = offset + reader.doc_count_all()
                postings = None
                for docnum in wanted:
                    if offset <= docnum < end and docnum in present:
                        if postings is None:  # one forward pass over the term's postings in this segment
                            postings = reader.postings(fieldname, btext)
                        postings.skip_to(docnum - offset)
                        cache[docnum][text] = postings.value_as("characters")
        results._char_cache[fieldname] = cache
