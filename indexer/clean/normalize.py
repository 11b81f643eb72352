"""Pure text normalisation shared by every cleaner."""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

from indexer.clean.mojibake import looks_bad

# Control and format characters that carry no text (keeps \n and \t, which are handled below).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
# Fix mojibake, keep typographic quotes and full-width (CJK) characters as written; entities are handled below.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False, uncurl_quotes=False, fix_character_width=False, normalization="NFC", explain=False
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_WRAP_MIN, _WRAP_MAX = 40, 100  # column widths at which plain text is typically hard-wrapped
_TRAILING_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())


def repair_text(text: str, only_if_bad: bool = False) -> str:
    """Undo common damage in scraped text: mojibake (``â€™``), HTML entities, broken encodings.

    ``only_if_bad`` runs ftfy only where its own detector sees mojibake (otherwise only NFC): on a long
    non-ASCII page body, ftfy costs a fifth of the whole cleaning; the detector itself is skipped where the text
    lacks the characters every one of its matches needs (``mojibake.looks_bad``).
    """
    if "&" in text:
        text = _ENTITY.sub(_unescape, text)
    if text.isascii():
        return text  # nothing ftfy could fix; skips its cost on the common case
    if only_if_bad and not looks_bad(text):
        return unicodedata.normalize("NFC", text)
    return ftfy.fix_text(text, _FTFY)


def _unescape(match: re.Match[str]) -> str:
    """An entity as its character, except ``&lt;``/``&gt;``: text that spells out a tag keeps spelling it."""
    char = html.unescape(match.group(0))
    return match.group(0) if char in ("<", ">") else char


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines back into paragraphs; text that is not hard-wrapped is returned unchanged.

    Text counts as hard-wrapped when its lines stop at a common width of 40-100 columns and many of them
    fill it (headline and outlet lines do not). A line reaching that width continues on the next; a shorter
    one ends its paragraph.
    """
    lines = text.split("\n")
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    width = max(lengths, default=0)
    if len(lengths) < 4 or not _WRAP_MIN <= width <= _WRAP_MAX:
        return text
    full = [n for n in lengths if n >= 0.75 * width]
    if len(full) < 3 or len(full) < 0.4 * len(lengths):
        return text
    out: list[str] = []
    joining = False
    for line in lines:
        stripped = line.strip()
        if joining and stripped:
            sep = "" if out[-1].endswith("-") else " "
            out[-1] = out[-1] + sep + stripped
        else:
            out.append(line.rstrip())
        joining = bool(stripped) and len(line.rstrip()) >= 0.75 * width
    return "\n".join(out)


def normalize_inline(text: str) -> str:
    """Normalise a one-line value: NFC, no control characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\u2028", " ").replace("\u2029", " "))
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """Normalise a body: NFC, no control characters, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    # Every remaining line break starts a paragraph; runs of blank lines collapse to one.
    text = _BLANK_LINES.sub("\n\n", text.strip())
    return re.sub(r"(?<!\n)\n(?!\n)", "\n\n", text)


def paragraphs(text: str) -> list[str]:
    """Split a normalised body into its paragraphs."""
    return [p for p in text.split("\n\n") if p]


def derive_title(body: str, limit: int = 100) -> str:
    """A title from the body's first sentence, at most ``limit`` characters, cut at a word."""
    first = paragraphs(body)[0] if body else ""
    match = re.match(r"(.+?[.!?])(?=[\"'”’)]?\s|$)", first)
    sentence = match.group(1) if match else first
    if len(sentence) <= limit:
        return sentence
    words = sentence[: limit - 1].rsplit(" ", 1)[0].split(" ")
    # A title reads badly when it stops on "of the"; drop trailing function words.
    while len(words) > 1 and words[-1].lower().strip(",;:") in _TRAILING_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:—–- ") + "…"
