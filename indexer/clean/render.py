"""trafilatura's XML as paragraphs: the headline before the first paragraph is metadata, not body."""

from __future__ import annotations

from lxml import etree

from indexer.clean.normalize import normalize_inline


def _text(el: etree._Element) -> str:
    return normalize_inline("".join(el.itertext()))


def render(xml: str) -> str:
    """Paragraphs out of trafilatura's XML output (see ``render_body``)."""
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    return "" if main is None else render_body(main)


def render_body(main: etree._Element) -> str:
    """Paragraphs out of trafilatura's body element: list items and table rows one a line, leading headings dropped.

    Mojibake is left for the caller to repair once, on the body it keeps (ftfy is the costliest step here).
    """
    blocks: list[str] = []
    seen_prose = False
    for el in main:
        if el.tag == "head" and not seen_prose:
            continue  # the headline and standfirst are metadata (the title field), not body
        if el.tag == "list":
            blocks.extend(_text(i) for i in el.iter("item"))
            continue
        if el.tag == "table":
            blocks.extend(" ".join(_text(c) for c in row) for row in el.iter("row"))
            continue
        text = _text(el)
        if text:
            seen_prose = seen_prose or el.tag == "p"
            blocks.append(text)
    # Each block is one normalised line already: the body is what normalize_text makes of their lines (each
    # line's spaces collapsed, empty lines dropped, paragraphs a blank line apart), without a pass over it all.
    return "\n\n".join(line for line in (" ".join(block.split()) for block in blocks) if line)
