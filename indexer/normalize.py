"""Pure text normalisation shared by every cleaner."""

from __future__ import annotations

import re
import unicodedata

# Control and format characters that carry no text (keeps \n and \t, which are handled below).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_TRAILING_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())


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
