"""Clean plain-text articles: credit line, outlet line, dateline, title."""

from __future__ import annotations

import re

from indexer.article import Article
from indexer.clean.normalize import derive_title, normalize_inline, normalize_text, repair_text, unwrap_lines

_CREDIT = re.compile(r"^(?:image|photo|picture|video)\s+credits?\s*[:\-–—]\s*(?P<credit>.+)$", re.IGNORECASE)
# "TOKYO:", "NEW YORK —", "WASHINGTON (Reuters) -", "LONDON, UK:" at the start of the first paragraph.
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][^\W\d_'.\-]*(?:[ .'\-]+[^\W\d_]+){0,3}\.?(?:,\s*[^\W\d_][\w.' ]{0,24}?)?)"
    r"\s*(?:\((?P<agency>[^()\n]{2,30})\))?\s*(?::|--|[—–-])\s+(?=\S)"
)
# Words that mark a short leading line as an outlet's name rather than a headline.
_OUTLET_WORDS = frozenset(
    """news times post press herald journal tribune gazette daily weekly reuters ap afp agency guardian
    telegraph observer chronicle independent mirror express standard wire kyodo xinhua bbc cnn nhk radio tv
    television network magazine review today bulletin courier star sun globe mail monitor insider reporter
    dispatch examiner inquirer record register sentinel statesman telegram voice wires""".split()
)
_SMALL_WORDS = frozenset("a an and at de del der des du el for in la le of on the to van von".split())


def split_credit(lines: list[str]) -> tuple[str | None, list[str]]:
    """Remove ``image credit: …`` lines; the first one's value is the credit."""
    credit, kept = None, []
    for line in lines:
        match = _CREDIT.match(line.strip())
        if match:
            credit = credit or normalize_inline(match["credit"])
        else:
            kept.append(line)
    return credit, kept


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """Split a leading dateline (``TOKYO:``) off a paragraph."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    place = match["place"].split(",")[0].strip()
    letters = [c for c in place if c.isalpha()]
    if len(letters) < 2 or not place.isupper():
        return None, paragraph
    return place.rstrip("."), paragraph[match.end() :]


def is_outlet_line(line: str) -> bool:
    """True for a short, title-cased line naming an outlet, like ``Arab News Japan``."""
    words = line.split()
    if not 1 <= len(words) <= 6 or len(line) > 60 or line[-1] in '.!?:;,"”’':
        return False
    if not all(w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha() for w in words):
        return False
    return any(w.lower().strip(".,'’") in _OUTLET_WORDS for w in words)


def is_title_line(line: str, rest: list[str]) -> bool:
    """True for a headline-like first line: short, unpunctuated, followed by the body."""
    return bool(rest) and len(line) <= 200 and line[-1] not in ".!?,;:" and len(line.split()) >= 2


def clean_plaintext(text: str, headed: bool = True) -> Article:
    """Apply the plain-text rules to a decoded article (``headed=False``: no outlet or title lines); the result has
    no id or path yet."""
    text = unwrap_lines(repair_text(text.replace("\r\n", "\n").replace("\r", "\n")))
    credit, lines = split_credit(text.splitlines())
    lines = [normalize_inline(line) for line in lines]
    lines = [line for line in lines if line]
    source = title = None
    # Up to two leading short lines may be the outlet's name and a headline, in either order.
    for _ in range(2 if headed else 0):
        if not lines:
            break
        head, rest = lines[0], lines[1:]
        if source is None and is_outlet_line(head) and rest:
            source, lines = head, rest
        elif title is None and is_title_line(head, rest):
            title, lines = head, rest
        else:
            break
    dateline = None
    if lines:
        dateline, lines[0] = split_dateline(lines[0])
    body = normalize_text("\n".join(lines))
    return Article(
        id="",
        title=title or derive_title(body),
        body=body,
        source=source,
        credit=credit,
        dateline=dateline,
    )
