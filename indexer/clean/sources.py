"""Read a corpus folder: find source files, decode them and turn them into articles."""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import chardet

from indexer.article import Article
from indexer.clean import warc
from indexer.clean.dates import parse_date
from indexer.clean.html import clean_html
from indexer.clean.jsonl import DEFAULT_OPTIONS, ReadOptions, SourceError, read_records
from indexer.clean.normalize import derive_title
from indexer.clean.plaintext import clean_plaintext

log = logging.getLogger(__name__)

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096  # where the HTML standard looks for a <meta charset>: the first 1024 bytes, with slack
_DETECT_BYTES = 256 * 1024  # detection on a multi-megabyte page looks at its start only
_MULTIBYTE = frozenset(
    "shift_jis cp932 euc_jp iso2022_jp gb2312 gbk gb18030 big5 big5hkscs euc_kr cp949 iso2022_kr".split()
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Skip:
    """A file (or JSONL line) left out of the index, and why."""

    path: str
    reason: str


@dataclass
class Loaded:
    """The articles read from one file, and what was skipped in it."""

    articles: list[Article] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


def walk_corpus(root: Path) -> Iterator[Path]:
    """Every indexable file under ``root``, recursively, in a stable order; hidden entries are ignored."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and kind_of(name) is not None:
                yield Path(dirpath) / name


def kind_of(name: str) -> str | None:
    """What kind of source a file name says it is (``text``, ``html``, ``jsonl``, ``warc``), or None."""
    lower = name.lower()
    return KINDS.get(".warc.gz") if lower.endswith(".warc.gz") else KINDS.get(Path(lower).suffix)


def relative_id(root: Path, path: Path) -> str:
    """A file's corpus-relative path, POSIX style."""
    return path.relative_to(root).as_posix()


def file_hash(data: bytes) -> str:
    """The hash that tells whether a source file changed."""
    return hashlib.sha1(data).hexdigest()


def stream_hash(stream: BinaryIO) -> str:
    """``file_hash`` of an open file, read from its start in blocks (never whole)."""
    sha = hashlib.sha1()
    stream.seek(0)
    while block := stream.read(warc.BLOCK):
        sha.update(block)
    return sha.hexdigest()


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` near its start, if Python knows it."""
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # Browsers read Latin-1 and ASCII labels as windows-1252, and so do the pages that carry them.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes) -> str:
    """Decode bytes: BOM, then UTF-8, then a declared charset that holds up, else detection.

    Valid UTF-8 with non-ASCII bytes almost never happens by accident, so it wins over a ``<meta charset>``
    that says otherwise; a declared single-byte charset loses to a confident multi-byte detection (a
    Shift-JIS page labelled windows-1252 decodes without error, as mojibake).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    # NUL is valid UTF-8 (a JSONL export with one corrupt line is still text); elsewhere it means binary.
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    if b"\x00" in data[:8192]:
        raise SourceError("binary file")
    declared = declared_charset(data)
    # chardet 7 ranks short Western texts right (cp1252, not mac_latin2 as charset-normalizer guesses).
    # chardet would believe the page's own label; detection is there to check it, so hide it.
    guess = chardet.detect(_META_CHARSET.sub(b"<meta", data[:_DETECT_BYTES]))
    detected, confidence = guess.get("encoding"), guess.get("confidence") or 0.0
    multibyte = detected and _codec(detected) in _MULTIBYTE
    for encoding in [detected, declared] if multibyte and confidence >= 0.3 else [declared, detected]:
        if encoding and encoding != "utf-8" and (text := _strict(data, encoding)) is not None:
            return text
    if not (declared or detected):
        raise SourceError("undetectable character encoding")
    try:
        return data.decode(declared or detected or "", errors="replace")
    except LookupError:
        raise SourceError(f"unknown character encoding {declared or detected!r}") from None


def _doc_id(relpath: str) -> str:
    """The id of a one-article file: its relative path without the extension (both of ``.warc.gz``)."""
    return relpath[: -len(".warc.gz")] if relpath.lower().endswith(".warc.gz") else relpath.rsplit(".", 1)[0]


def text_article(relpath: str, text: str) -> Article:
    """A plain-text file as an article."""
    article = clean_plaintext(text)
    if not article.body:
        raise SourceError("no article text")
    return replace(article, id=_doc_id(relpath), path=relpath)


def html_article(relpath: str, text: str) -> Article:
    """An HTML page as an article."""
    page = clean_html(text)
    if not page.body:
        raise SourceError("no article text")
    return replace(page, id=_doc_id(relpath), path=relpath, title=page.title or derive_title(page.body))


def jsonl_articles(
    relpath: str, text: str, options: ReadOptions = DEFAULT_OPTIONS, first_line: int = 1, whole: bool = True
) -> Loaded:
    """Every good line of a JSONL export (or of a range of its lines, from ``first_line``, when not ``whole``);
    broken lines are skipped with their line number."""
    articles, skips = read_records(relpath, text, options, first_line)
    loaded = Loaded(articles, [Skip(path, reason) for path, reason in skips])
    if whole and not loaded.articles and not loaded.skips:
        loaded.skips.append(Skip(relpath, "empty file"))
    return loaded


def warc_articles(
    relpath: str, archive: bytes | BinaryIO, start: int = 0, end: int | None = None, first: int = 1
) -> Loaded:
    """Every HTML response of a web archive (its bytes, or an open file streamed a record at a time) as an article
    (``FILE:N`` ids, N counting responses); other responses and unreadable pages are skipped with their reason, and
    a broken record ends the archive there. ``start``, ``end`` and ``first`` read one range of records (``warc.cuts``):
    the responses that begin in it, numbered from ``first``."""
    stream = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    whole = start == 0 and end is None
    loaded = Loaded()
    try:
        for response in warc.responses(stream, MAX_PAGE_BYTES, start, end, first):
            where = f"{relpath}:{response.number}"
            if not response.is_html:
                loaded.skips.append(Skip(where, f"not an HTML page ({response.content_type or 'no type'})"))
            elif response.body is None:
                loaded.skips.append(Skip(where, f"too large: more than {MAX_PAGE_BYTES >> 20} MB"))
            else:
                try:
                    page = html_article(relpath, decode(response.body))
                except SourceError as exc:
                    loaded.skips.append(Skip(where, str(exc)))
                    continue
                # The page's own URL and date first; else where and when the crawler found it.
                loaded.articles.append(
                    replace(
                        page,
                        id=f"{_doc_id(relpath)}:{response.number}",
                        url=page.url or response.uri,
                        date=page.date or parse_date(response.captured),
                    )
                )
    except warc.BrokenArchive as exc:
        loaded.skips.append(Skip(relpath, str(exc)))
    if whole and not loaded.articles and not loaded.skips:
        loaded.skips.append(Skip(relpath, "no HTTP responses in the archive"))
    return loaded


def load_archive(relpath: str, stream: BinaryIO, start: int = 0, end: int | None = None, first: int = 1) -> Loaded:
    """A web archive (or a range of its records) from its open file, streamed a record at a time, never held in
    memory whole; a broken file becomes a Skip."""
    try:
        return warc_articles(relpath, stream, start, end, first)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a run
        return _failed(relpath, exc)


# One page or text file above this is not an article (parsing a 50 MB page takes a minute and over 1 GB); a JSONL
# export holds one article a line, so it may be any size.
MAX_PAGE_BYTES = 10 * 1024 * 1024


def load_bytes(relpath: str, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> Loaded:
    """Turn one file's bytes into articles (JSONL records read by ``options``); a broken file becomes a Skip."""
    kind = kind_of(relpath)
    try:
        if kind == "warc":
            return warc_articles(relpath, data)
        if kind != "jsonl" and len(data) > MAX_PAGE_BYTES:
            raise SourceError(f"too large: {len(data) / 1_048_576:.1f} MB, more than {MAX_PAGE_BYTES >> 20} MB")
        if not data.strip():
            raise SourceError("empty file")
        text = decode(data)
        if kind == "jsonl":
            return jsonl_articles(relpath, text, options)
        if kind == "html":
            return Loaded(articles=[html_article(relpath, text)])
        return Loaded(articles=[text_article(relpath, text)])
    except SourceError as exc:
        return Loaded(skips=[Skip(relpath, str(exc))])
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a run
        return _failed(relpath, exc)


def _failed(relpath: str, exc: Exception) -> Loaded:
    """A file whose cleaning failed unexpectedly, as one skip (logged with its traceback)."""
    log.exception("failed to clean %s", relpath)
    return Loaded(skips=[Skip(relpath, f"could not be parsed: {type(exc).__name__}: {exc}")])
